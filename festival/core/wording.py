"""Punctuation between translated pieces, in the reader's language.

A Chinese sentence takes full-width marks (姓名：张三；名单：张三、李四和王五), an English one
half-width ones; pieces joined in code with ": " or ", " would put English marks into Chinese.
"""

from collections.abc import Iterable
from decimal import Decimal

from babel.lists import format_list
from flask_babel import get_locale, gettext, pgettext

DEFAULT_LOCALE = "zh_Hans_CN"


def listing(items: Iterable[object]) -> str:
    """``A、B和C`` in Chinese, ``A, B, and C`` in English."""
    return format_list([str(item) for item in items], locale=str(get_locale() or DEFAULT_LOCALE))


def labelled(label: object, value: object) -> str:
    """``label：value`` in Chinese, ``label: value`` in English."""
    return gettext("%(label)s: %(value)s", label=label, value=value)


def clauses(items: Iterable[object]) -> str:
    """Independent parts on one line: ``a；b`` in Chinese, ``a; b`` in English."""
    return pgettext("between clauses", "; ").join(str(item) for item in items)


def parenthesized(text: object) -> str:
    """``（text）`` in Chinese, ``(text)`` in English."""
    return pgettext("parenthesis", "(%(text)s)", text=text)


def clock(seconds: float) -> str:
    """A running time as a player shows it: 83.2 → "1:23", 125.4 → "2:05"."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def percent(share) -> str:
    """A share (a Decimal of 0..1) as people read it: 0.67 → "67 %", 1 → "100 %"."""
    return f"{(Decimal(share) * 100).normalize():f} %"
