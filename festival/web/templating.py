"""What every template may use: navigation by role, language, date and score filters."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_babel import LazyString, format_date, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from festival.accounts.models import Role
from festival.core.titles import bare_title, book_title
from festival.core.wording import clock, labelled, listing, parenthesized, percent
from festival.web.error_summary import page_problems
from festival.web.i18n import current_language
from festival.web.labels import label
from festival.web.zones import zone_name

# (endpoint, label, roles that see it); None means everyone, logged in or not.
NAVIGATION = [
    ("public.index", _l("Home"), None),
    ("festivals.index", _l("Festivals"), None),
    ("troupes.index", _l("Troupes"), {Role.admin, Role.organizer, Role.leader}),
    ("judging_sheet.my_rounds", _l("Score sheets"), {Role.judge}),
    ("accounts.organizations", _l("Organisations"), {Role.admin, Role.organizer}),
    ("accounts.users", _l("Users"), {Role.admin}),
    ("calendar.days", _l("Working-day calendar"), {Role.admin}),
    ("audit.index", _l("Audit log"), {Role.admin, Role.organizer}),
]


def navigation() -> list[tuple[str, str, bool]]:
    """The menu for the current user: (url, label, is_current)."""
    items = []
    for endpoint, text, roles in NAVIGATION:
        if roles is not None and (
            not current_user.is_authenticated or current_user.role not in roles
        ):
            continue
        items.append((url_for(endpoint), text, request.endpoint == endpoint))
    return items


def long_date(value: date | datetime | None) -> str:
    """2026年10月24日 in Chinese, October 24, 2026 in English."""
    if value is None:
        return ""
    return format_date(value, "long")


def zoned_datetime(value: datetime | None, zone: str) -> str:
    """A moment as the wall time of ``zone`` (a festival's), e.g. 2026年4月20日 18:00."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_date(local, 'long')} {local:%H:%M}"


def local_datetime(value: datetime | None) -> str:
    """A moment as the wall time of the site's zone, e.g. 2026年4月20日 18:00 / April 20, 2026
    18:00 (where no festival gives the zone: the audit log)."""
    if value is None:
        return ""
    local = to_user_timezone(value)
    return f"{format_date(local, 'long')} {local:%H:%M}"


def _plain_lazy_strings(value):
    """Flask-Babel's lazy strings declare ``__html__``, so Jinja would print one holding user
    text (a festival's name in a message) as markup; as plain ``str`` it is escaped."""
    return str(value) if isinstance(value, LazyString) else value


def init_app(app: Flask) -> None:
    app.jinja_env.finalize = _plain_lazy_strings
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["zoned"] = zoned_datetime
    app.jinja_env.filters["label"] = lambda value, kind: label(kind, value)
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["listing"] = listing
    app.jinja_env.filters["parenthesized"] = parenthesized
    app.jinja_env.filters["percent"] = percent  # 0.67 → "67 %"
    app.jinja_env.filters["clock"] = clock  # 83.2 seconds → "1:23"
    app.jinja_env.filters["booktitle"] = book_title  # 《title》, never 《《title》》
    app.jinja_env.filters["bare_title"] = bare_title  # for messages that hold the marks
    app.jinja_env.filters["zone_name"] = zone_name  # 北京时间, never "Asia/Shanghai"
    app.jinja_env.globals["labelled"] = labelled
    app.jinja_env.globals["page_problems"] = page_problems

    @app.context_processor
    def inject_layout():
        return {
            "navigation": navigation,
            "language": current_language(),
            "Role": Role,
        }
