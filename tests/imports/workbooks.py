"""Building .xlsx files from their raw XML parts, as Excel and WPS write them (shared strings,
styles) or as an attacker writes them: small on disk, huge when unpacked."""

import io
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell format 1 shows a date (built-in format 14), as Excel stores a typed-in date.
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


def workbook_xml(date1904: bool = False) -> str:
    properties = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f'{properties}<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(rows: str = "", dimension: str = "A1:C2") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def strings_xml(strings: Iterable[str] = (), count: int | None = None) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    declared = f' count="{count}" uniqueCount="{count}"' if count is not None else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{declared}>{items}</sst>'


SHEET_HEAD = sheet_xml("\x00").split("\x00")[0].encode()
SHEET_TAIL = sheet_xml("\x00").split("\x00")[1].encode()


def workbook(
    *,
    sheet: str | bytes | Iterable[bytes] | None = None,
    strings: str | bytes | Iterable[bytes] | None = None,
    styles: str = STYLES,
    date1904: bool = False,
    stored: Iterable[str] = (),
) -> bytes:
    """An .xlsx of the given parts; a part given as an iterable of byte strings is streamed into
    the zip (a part of hundreds of megabytes never sits in memory); parts named in ``stored``
    are kept uncompressed, so that their size on disk is their size unpacked."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook_xml(date1904),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet_xml() if sheet is None else sheet,
        "xl/sharedStrings.xml": strings_xml() if strings is None else strings,
        "xl/styles.xml": styles,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            if isinstance(part, str | bytes):
                archive.writestr(name, part, compress_type=method)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            with archive.open(info, "w", force_zip64=True) as stream:
                for piece in part:
                    stream.write(piece)
    return buffer.getvalue()


def repeated(
    piece: bytes, times: int, *, head: bytes = SHEET_HEAD, tail: bytes = SHEET_TAIL
) -> Iterable[bytes]:
    """``head``, ``piece`` repeated ``times`` times, ``tail``: in blocks of about 1 MB."""
    yield head
    block = max(1, (1024 * 1024) // len(piece))
    for start in range(0, times, block):
        yield piece * min(block, times - start)
    yield tail
