"""The columns of each importable list, in Chinese and English, and matching a header row to them.

A header cell matches a column by its Chinese or its English name, ignoring case, spaces,
underscores and brackets; a combined cell such as ``团体名称 / name`` matches too.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

KINDS = ("troupes", "members", "programs")


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the name the services use
    chinese: str
    required: bool
    description: Any  # a lazy string
    example: Any = ""


@dataclass(frozen=True)
class Problem:
    """One reason an import cannot be stored; ``row`` None means the whole file."""

    row: int | None
    column: str | None
    message: Any


@dataclass(frozen=True)
class ImportRow:
    number: int  # the row number the spreadsheet shows
    values: dict[str, Any] = field(default_factory=dict)


_ORGANIZATION = Column(
    "organization",
    "所属单位",
    False,
    _l("Name of the organisation: the festival's organisation or one under it."),
    "",
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "troupes": (
        Column(
            "name",
            "团体名称",
            True,
            _l("Name of the troupe or team, at most 120 characters."),
            "万年表歌舞团",
        ),
        Column(
            "kind", "类型", False, _l("troupe or team (团体 or 队); empty means troupe."), "团体"
        ),
        Column(
            "organization",
            "所属单位",
            False,
            _l(
                "Name of the organisation: the festival's organisation or one under it; "
                "empty means the festival's organisation."
            ),
            "",
        ),
        Column(
            "leader_username",
            "团长账号",
            False,
            _l("Username of an existing account with the troupe leader role."),
            "",
        ),
    ),
    "members": (
        Column(
            "troupe",
            "团体名称",
            True,
            _l("Name of an existing troupe under the festival's organisation."),
            "万年表歌舞团",
        ),
        _ORGANIZATION,
        Column("name", "姓名", True, _l("Name of the person, at most 80 characters."), "王秀英"),
        Column(
            "birth_date",
            "出生日期",
            True,
            _l("Date of birth: 1950-05-01, 1950/5/1 or 1950年5月1日."),
            "1950-05-01",
        ),
        Column("gender", "性别", False, _l("女 or 男 (female or male); may be empty."), "女"),
        Column(
            "phone",
            "电话",
            False,
            _l("Phone number, at most 32 characters; may be empty."),
            "13800000000",
        ),
    ),
    "programs": (
        Column(
            "troupe",
            "团体名称",
            True,
            _l("Name of an existing troupe under the festival's organisation."),
            "万年表歌舞团",
        ),
        _ORGANIZATION,
        Column(
            "title",
            "节目名称",
            True,
            _l("Title of the program, at most 120 characters."),
            "和谐大家园",
        ),
        Column("category", "类别", True, _l("Name of one of this festival's categories."), "舞蹈"),
        Column("duration_minutes", "时长（分钟）", True, _l("Duration in whole minutes."), "6"),
        Column(
            "performers",
            "演员",
            True,
            _l("Names of the performers, members of the troupe, separated by 、 or a comma."),
            "王秀英、李桂兰",
        ),
    ),
}


def header_key(text: str) -> str:
    """A header reduced to what matters: letters and digits, case-folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _names(column: Column) -> set[str]:
    return {header_key(column.chinese), header_key(column.key)}


def column_for(kind: str, cell: Any) -> Column | None:
    """The column a header cell names, or None."""
    text = unicodedata.normalize("NFKC", "" if cell is None else str(cell))
    # The whole cell first (时长（分钟）), then its parts: 团体名称 / name, 出生日期 (birth_date).
    for part in [text, *re.split(r"[/()\n]", text)]:
        key = header_key(part)
        for column in COLUMNS[kind]:
            if key and key in _names(column):
                return column
    return None


def map_rows(
    kind: str, header: list[Any], header_row: int, rows: list[tuple[int, tuple]]
) -> tuple[list[ImportRow], list[Problem]]:
    """The rows as values by column key, or the problems of the header row."""
    problems: list[Problem] = []
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell is None or str(cell).strip() == "":
            continue
        column = column_for(kind, cell)
        if column is None:
            problems.append(
                Problem(
                    header_row,
                    str(cell).strip(),
                    _l(
                        "Unknown column %(name)s; use the headers of the template.",
                        name=str(cell).strip(),
                    ),
                )
            )
        elif column.key in seen:
            problems.append(
                Problem(
                    header_row,
                    column.key,
                    _l("The column %(name)s appears twice.", name=column.chinese),
                )
            )
        else:
            seen[column.key] = index
            positions[index] = column
    for column in COLUMNS[kind]:
        if column.required and column.key not in seen:
            problems.append(
                Problem(
                    header_row,
                    column.key,
                    _l(
                        "The required column %(chinese)s (%(english)s) is missing.",
                        chinese=column.chinese,
                        english=column.key,
                    ),
                )
            )
    if problems:
        return [], problems
    mapped = []
    for number, cells in rows:
        values = {column.key: None for column in COLUMNS[kind]}
        for index, column in positions.items():
            if index < len(cells):
                values[column.key] = cells[index]
        mapped.append(ImportRow(number, values))
    return mapped, problems
