"""The streaming .xlsx reader: the first worksheet's rows, read with expat straight from the
zip (never a whole part in memory, never a whole row before its cells are counted), each
limit of ``imports.limits`` checked as it is passed; pure."""

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from festival.core.errors import ValidationFailed
from festival.imports.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PACKING_RATIO,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_ROWS,
    MAX_STYLES,
    MAX_TEXT_CHARS,
    MAX_UNPACKED_BYTES,
    MAX_XML_TAGS,
    NOT_A_SPREADSHEET,
    XLSX_MAGIC,
    cell_too_long,
    refuse,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_much_content,
    unpacks_too_large,
)

_CHUNK = 64 * 1024


def xlsx_rows(content: bytes) -> Iterator[tuple[int, tuple]]:
    if not content.startswith(XLSX_MAGIC):
        raise refuse(NOT_A_SPREADSHEET)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_packing(archive)
            reader = _WorkbookReader(archive)
            yield from reader.first_sheet_rows()
    except ValidationFailed:
        raise
    except Exception as error:  # a damaged zip or XML, or a zip that is no workbook
        raise refuse(NOT_A_SPREADSHEET) from error


def _check_packing(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its directory, before anything is unpacked. zipfile never
    unpacks a part past the size the directory gives (and the reader counts again)."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise too_much_content()
    total = 0
    for part in parts:
        total += part.file_size
        if (
            part.file_size > MAX_PART_BYTES
            or total > MAX_UNPACKED_BYTES
            or (
                part.file_size > 1024 * 1024
                and part.file_size > MAX_PACKING_RATIO * max(part.compress_size, 1)
            )
        ):
            raise unpacks_too_large()


class _StopReading(Exception):
    """Everything needed from a part has been read."""


def _local(tag: str) -> str:
    """A tag or attribute without its prefix (x:c → c): parts are read without namespaces,
    which every producer spells the same way."""
    return tag[tag.find(":") + 1 :]


class _WorkbookReader:
    """The first worksheet of an .xlsx, read as openpyxl's read-only, data-only mode reads it
    (the same values), but streamed and counted."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.tags = 0  # across every part: bounds the time spent on XML of any kind

    def _parse(
        self, name: str, start: Callable, end: Callable | None = None, text: Callable | None = None
    ) -> Iterator[None]:
        """Feed one part to expat a chunk at a time, each chunk's tags counted before it is
        parsed; yields after each chunk. The handlers get tags with their prefixes."""
        parser = expat.ParserCreate()
        parser.buffer_text = True

        def refuse_doctype(*_args):  # no part of a workbook has one; entities hide in it
            raise refuse(NOT_A_SPREADSHEET)

        parser.StartDoctypeDeclHandler = refuse_doctype
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        unpacked = 0
        with self.archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                unpacked += len(chunk)
                if unpacked > MAX_PART_BYTES:
                    raise unpacks_too_large()
                self.tags += chunk.count(b"<")
                if self.tags > MAX_XML_TAGS:
                    raise too_much_content()
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)

    def _read_all(
        self, name: str, start: Callable, end: Callable | None = None, text: Callable | None = None
    ) -> None:
        try:
            for _ in self._parse(name, start, end, text):
                pass
        except _StopReading:
            pass

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type's last word, target's path in the zip)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.archive.NameToInfo:
            return found

        def start(tag, attributes):
            if _local(tag) == "Relationship" and len(found) < MAX_PARTS:
                target = attributes.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                kind = attributes.get("Type", "").rsplit("/", 1)[-1]
                found[attributes.get("Id", "")] = (kind, path)

        self._read_all(rels, start)
        return found

    def first_sheet_rows(self) -> Iterator[tuple[int, tuple]]:
        package = self._relationships("")
        workbook = next(
            (path for kind, path in package.values() if kind == "officeDocument"), "xl/workbook.xml"
        )
        parts = self._relationships(workbook)
        state = {"sheet": None, "epoch": WINDOWS_EPOCH}

        def start(tag, attributes):
            tag = _local(tag)
            if tag == "workbookPr":
                if attributes.get("date1904", "").lower() in ("1", "true"):
                    state["epoch"] = MAC_EPOCH
            elif tag == "sheet":
                relation = next(
                    (value for key, value in attributes.items() if _local(key) == "id"), ""
                )
                kind, path = parts.get(relation, ("", ""))
                if kind == "worksheet":
                    state["sheet"] = path
                    raise _StopReading

        self._read_all(workbook, start)
        if state["sheet"] is None:
            raise refuse(NOT_A_SPREADSHEET)
        strings = next((path for kind, path in parts.values() if kind == "sharedStrings"), None)
        styles = next((path for kind, path in parts.values() if kind == "styles"), None)
        sheet = _SheetState(
            strings=self._shared_strings(strings) if strings in self.archive.NameToInfo else [],
            formats=self._date_formats(styles) if styles in self.archive.NameToInfo else {},
            epoch=state["epoch"],
        )
        for _ in self._parse(state["sheet"], sheet.start, sheet.end, sheet.text):
            yield from sheet.ready
            sheet.ready.clear()
        yield from sheet.ready

    def _shared_strings(self, name: str) -> list[str]:
        """The shared-strings table, as openpyxl reads it (phonetic runs left out)."""
        strings: list[str] = []
        pieces: list[str] = []
        state = {"in_text": False, "phonetic": 0, "length": 0, "total": 0}

        def start(tag, _attributes):
            tag = _local(tag)
            if tag == "si":
                pieces.clear()
                state["length"] = 0
            elif tag == "rPh":
                state["phonetic"] += 1
            elif tag == "t" and not state["phonetic"]:
                state["in_text"] = True

        def end(tag):
            tag = _local(tag)
            if tag == "si":
                strings.append("".join(pieces).replace("x005F_", ""))
                if len(strings) > MAX_SHARED_STRINGS:
                    raise too_much_content()
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "t":
                state["in_text"] = False

        def text(data):
            if state["in_text"]:
                state["length"] += len(data)
                state["total"] += len(data)
                if state["length"] > MAX_CELL_CHARS or state["total"] > MAX_TEXT_CHARS:
                    raise too_much_content()
                pieces.append(data)

        self._read_all(name, start, end, text)
        return strings

    def _date_formats(self, name: str) -> dict[int, bool]:
        """Cell format index → True for a duration format, False for a date format."""
        custom: dict[int, str] = {}
        formats: dict[int, bool] = {}
        state = {"in_cell_formats": False, "index": 0}

        def start(tag, attributes):
            tag = _local(tag)
            if tag == "numFmt":
                if len(custom) >= MAX_STYLES:
                    raise too_much_content()
                # Excel writes at most 255 characters; longer ones are no date format.
                custom[int(attributes.get("numFmtId", -1))] = attributes.get("formatCode", "")[:255]
            elif tag == "cellXfs":
                state["in_cell_formats"] = True
            elif tag == "xf" and state["in_cell_formats"]:
                index = state["index"]
                state["index"] += 1
                if index >= MAX_STYLES:
                    raise too_much_content()
                number_format = int(attributes.get("numFmtId", 0))
                code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
                if is_date_format(code):
                    formats[index] = is_timedelta_format(code)

        def end(tag):
            if _local(tag) == "cellXfs":
                state["in_cell_formats"] = False

        self._read_all(name, start, end)
        return formats


_COLUMN = re.compile(r"([A-Z]{1,3})(\d*)$")


class _SheetState:
    """Rows of a worksheet's XML as they stream past, each counted cell by cell."""

    def __init__(self, *, strings: list[str], formats: dict[int, bool], epoch: datetime):
        self.strings, self.formats, self.epoch = strings, formats, epoch
        self.ready: list[tuple[int, tuple]] = []
        self.rows_read = 0
        self.cells_read = 0
        self.row_number = 0
        self.values: dict[int, Any] = {}
        self.row_cells = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.pieces: list[str] | None = None  # text being collected
        self.length = 0
        self.value: str | None = None
        self.inline: str | None = None
        self.in_inline = False
        self.phonetic = 0

    def start(self, tag, attributes):
        tag = tag[tag.find(":") + 1 :]  # _local(tag), inline: this runs for every cell
        if tag == "c":
            self.row_cells += 1
            self.cells_read += 1
            if self.row_cells > MAX_COLUMNS:
                raise too_many_columns(self.row_number)
            if self.cells_read > MAX_CELLS:
                raise too_many_cells()
            reference = attributes.get("r")
            found = _COLUMN.match(reference) if reference else None
            self.column = _column_index(found.group(1)) if found else self.column + 1
            self.kind = attributes.get("t", "n")
            self.style = int(attributes.get("s") or 0)
            self.value = self.inline = None
        elif tag == "v":
            self._collect()
        elif tag == "is":
            self.in_inline = True
            self.inline = ""
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.in_inline and not self.phonetic:
            self._collect()
        elif tag == "row":
            self.rows_read += 1
            if self.rows_read > MAX_SHEET_ROWS:
                raise too_many_rows()
            number = attributes.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            if not 0 < self.row_number <= 1_048_576:  # Excel's last row
                raise refuse(NOT_A_SPREADSHEET)
            self.values = {}
            self.row_cells = 0
            self.column = 0

    def _collect(self) -> None:
        self.pieces = []
        self.length = 0

    def text(self, data: str) -> None:
        if self.pieces is not None:
            self.length += len(data)
            if self.length > MAX_CELL_CHARS:
                raise cell_too_long(self.row_number)
            self.pieces.append(data)

    def _collected(self) -> str:
        text = "".join(self.pieces or ())
        self.pieces = None
        return text

    def end(self, tag):
        tag = tag[tag.find(":") + 1 :]
        if tag == "v":
            self.value = self._collected()
        elif tag == "t" and self.pieces is not None:
            self.inline += self._collected()
            if len(self.inline) > MAX_CELL_CHARS:
                raise cell_too_long(self.row_number)
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "is":
            self.in_inline = False
        elif tag == "c":
            value = self._cell_value()
            if value is not None:
                if not 0 < self.column <= MAX_COLUMNS:
                    raise too_many_columns(self.row_number)
                self.values[self.column] = value
        elif tag == "row":
            width = max(self.values, default=0)
            self.ready.append(
                (self.row_number, tuple(self.values.get(index) for index in range(1, width + 1)))
            )

    def _cell_value(self) -> Any:
        """The value as openpyxl's data-only reading gives it."""
        kind, value = self.kind, self.value or None
        if kind == "inlineStr":
            return self.inline
        if value is None:
            return None
        if kind == "n":
            number = float(value) if "." in value or "e" in value.lower() else int(value)
            if self.style in self.formats:
                try:
                    return from_excel(number, self.epoch, timedelta=self.formats[self.style])
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            index = int(value)
            if index < 0:
                raise IndexError(index)
            return self.strings[index]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text) and "e" (an error such as #N/A)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index
