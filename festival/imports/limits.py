"""What one uploaded spreadsheet may hold, and the refusals when it holds more: shared by the
.csv and the .xlsx readers. Every count is of what is read, not of what a file declares."""

from flask_babel import lazy_gettext as _l

from festival.core.errors import ValidationFailed

# What one upload may hold. Every count is of what is read, empty rows and cells included.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # rows with something in them, below the header
MAX_SHEET_ROWS = 50_000  # rows read, empty ones included
MAX_COLUMNS = 100  # cells in one row
MAX_CELLS = 200_000  # cells in the sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_CSV_ROW_CHARS = 100_000  # one CSV row, all its cells (an unclosed quote runs on and on)
# An .xlsx is a zip of XML parts: bounded before a byte is unpacked, and again while reading.
MAX_PARTS = 1_000
MAX_PART_BYTES = 32 * 1024 * 1024  # any one part, unpacked
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all parts together, unpacked
MAX_PACKING_RATIO = 100  # unpacked ÷ packed size of a part over 1 MB; real sheets stay near 10
MAX_XML_TAGS = 1_500_000  # XML tags (each ``<``) read from all parts together
MAX_SHARED_STRINGS = MAX_CELLS  # distinct texts: no more than there are cells to hold them
MAX_TEXT_CHARS = 8_000_000  # characters of all distinct texts together
MAX_STYLES = 20_000  # cell formats and number formats
XLSX_MAGIC = b"PK\x03\x04"


def refuse(message) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


NOT_A_SPREADSHEET = _l(
    "This file is not a spreadsheet. Upload an .xlsx file (Excel, WPS) or a .csv file."
)


def too_many_rows() -> ValidationFailed:
    return refuse(
        _l(
            "The sheet has more than %(n)d rows, empty ones included. Delete the "
            "empty rows below the list, or split it into smaller files.",
            n=MAX_SHEET_ROWS,
        )
    )


def too_many_columns(row: int) -> ValidationFailed:
    return refuse(
        _l(
            "Row %(row)d has more than %(n)d columns. Delete the columns to the "
            "right of the list, or split it into smaller files.",
            row=row,
            n=MAX_COLUMNS,
        )
    )


def too_many_cells() -> ValidationFailed:
    return refuse(
        _l(
            "The sheet has more than %(n)d cells, empty ones included. Delete the "
            "empty rows and columns around the list, or split it into smaller files.",
            n=MAX_CELLS,
        )
    )


def cell_too_long(row: int) -> ValidationFailed:
    return refuse(
        _l("A cell in row %(row)d holds more than %(n)d characters.", row=row, n=MAX_CELL_CHARS)
    )


def unpacks_too_large() -> ValidationFailed:
    return refuse(
        _l(
            "The spreadsheet unpacks to more than %(mb)d MB, or is packed far more "
            "tightly than a real list. Save it again in Excel or WPS, or split it "
            "into smaller files.",
            mb=MAX_UNPACKED_BYTES // (1024 * 1024),
        )
    )


def too_much_content() -> ValidationFailed:
    return refuse(
        _l(
            "The spreadsheet holds far more texts, formats or other content than a "
            "list needs. Copy the list into a new workbook, save it and upload that."
        )
    )
