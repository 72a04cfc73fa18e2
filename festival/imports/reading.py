"""Reading an uploaded spreadsheet (.xlsx or .csv) into a header and numbered rows; pure.

A file under the upload limit can still unpack to hundreds of megabytes (a zip bomb, a
shared-strings table of millions of entries, a row of millions of cells, a million empty
rows), and the sizes a file declares about itself (``<dimension>``, ``count``) can lie. So the
readers count what they actually read, as they stream, and refuse at the first limit passed
(``imports.limits``): an .xlsx is read by ``imports.xlsx_reading``, a .csv here a physical
line at a time.

Also the cell conversions the import needs: text, whole numbers and dates written the ways
people write them in China (1950-05-01, 1950/5/1, 1950年5月1日) or stored as Excel dates.
"""

import calendar
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_skeleton
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

from festival.imports.limits import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_CSV_ROW_CHARS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    NOT_A_SPREADSHEET,
    XLSX_MAGIC,
    cell_too_long,
    refuse,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from festival.imports.xlsx_reading import xlsx_rows


@dataclass(frozen=True)
class Sheet:
    header: list[Any]
    header_row: int
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, cells)


def read_spreadsheet(content: bytes, filename: str) -> Sheet:
    """The first sheet's header (its first non-empty row) and the non-empty rows below it."""
    if len(content) > MAX_BYTES:
        raise refuse(
            _l(
                "The file is larger than %(mb)d MB. Split it into smaller files.",
                mb=MAX_BYTES // (1024 * 1024),
            )
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        rows = xlsx_rows(content)
    elif extension == "csv":
        rows = _csv_rows(content)
    elif extension == "xls":
        raise refuse(
            _l(
                "Old .xls files cannot be read. In Excel or WPS choose “Save as” "
                "and pick the .xlsx format."
            )
        )
    else:
        raise refuse(NOT_A_SPREADSHEET)
    header: list[Any] | None = None
    header_row = 0
    body: list[tuple[int, tuple]] = []
    for number, cells in rows:
        cells = tuple(_clean(cell) for cell in cells)
        if all(cell is None for cell in cells):
            continue
        if header is None:
            header, header_row = list(cells), number
            continue
        body.append((number, cells))
        if len(body) > MAX_ROWS:
            raise refuse(
                _l("The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS)
            )
    if header is None:
        raise refuse(_l("The file is empty."))
    return Sheet(header=header, header_row=header_row, rows=body)


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell


# .csv


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in content[:4096] or content.startswith(XLSX_MAGIC):
        raise refuse(NOT_A_SPREADSHEET)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Chinese Excel and WPS save CSV in GBK, of which GB18030 is the superset.
            text = content.decode("gb18030")
        except UnicodeDecodeError as error:
            raise refuse(
                _l("The CSV file is neither UTF-8 nor GBK text. Save it again as “CSV UTF-8”.")
            ) from error
    first_line = text.split("\n", 1)[0]
    # Excel writes commas; some tools write tab-separated text under the .csv name.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    row = {"number": 1, "chars": 0}

    def lines() -> Iterator[str]:
        """Physical lines for the csv module, refused before it splits a row too wide."""
        for line in io.StringIO(text, newline=""):
            # A row's first line without quotes splits as it reads: count its cells first.
            if not row["chars"] and '"' not in line and line.count(delimiter) >= MAX_COLUMNS:
                raise too_many_columns(row["number"])
            row["chars"] += len(line)
            if row["chars"] > MAX_CSV_ROW_CHARS:
                raise refuse(
                    _l(
                        "Row %(row)d is longer than %(n)d characters. Check that "
                        "every quotation mark has its partner.",
                        row=row["number"],
                        n=MAX_CSV_ROW_CHARS,
                    )
                )
            yield line

    cells_read = 0
    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        for cells in reader:
            number = row["number"]
            if number > MAX_SHEET_ROWS:
                raise too_many_rows()
            if len(cells) > MAX_COLUMNS:
                raise too_many_columns(number)
            cells_read += len(cells)
            if cells_read > MAX_CELLS:
                raise too_many_cells()
            if any(len(cell) > MAX_CELL_CHARS for cell in cells):
                raise cell_too_long(number)
            yield number, cells
            row["number"], row["chars"] = number + 1, 0
    except csv.Error as error:
        raise refuse(_l("The CSV file cannot be read: %(reason)s", reason=str(error))) from error


# Cell conversions


def cell_text(value: Any) -> str:
    """A cell as text: 6.0 → "6", a date → 1950-05-01, empty → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:00(?::00)?)?$"
)


def parse_date(value: Any) -> date | None:
    """A date from an Excel date cell or text; None when empty. Raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    found = _DATE.match(text)
    if not found:
        raise ValueError(value)
    year, month, day = (int(part) for part in found.groups())
    if 1 <= month <= 12 and day >= 1 and year >= 1:
        days = calendar.monthrange(year, month)[1]
        if day > days:
            raise ImpossibleDate(text, year, month, days)
    return date(year, month, day)


class ImpossibleDate(ValueError):
    """A date written well whose day is not in its month (1958-02-30): says why."""

    def __init__(self, text: str, year: int, month: int, days: int):
        super().__init__(text)
        self.text, self.year, self.month, self.days = text, year, month, days

    @property
    def message(self):
        """ "1958-02-30 is not a date: February 1958 has 28 days." in the reader's language."""
        month = LazyString(
            lambda: format_skeleton("yMMMM", date(self.year, self.month, 1), locale=get_locale())
        )
        return _l(
            "%(text)s is not a date: %(month)s has %(days)d days.",
            text=self.text,
            month=month,
            days=self.days,
        )


def parse_whole_number(value: Any) -> int | None:
    """A whole number from a number cell or text; None when empty. Raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = cell_text(value)
    if re.fullmatch(r"\d{1,6}(\.0+)?", text):
        return int(float(text))
    raise ValueError(value)
