"""Files the pages hand out: named once for every browser, kept out of caches when private."""

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from flask import Response

from festival.web import spreadsheets


def attachment(ascii_name: str, name: str) -> str:
    """``Content-Disposition`` of a download: ``name`` in any script (RFC 6266's
    ``filename*``) and ``ascii_name`` for clients that read only ``filename``."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(
    body: bytes | Iterable[bytes],
    *,
    mimetype: str,
    ascii_name: str,
    name: str,
    private: bool = True,
) -> Response:
    """``body`` (bytes, or chunks to stream) as a file: ``name`` in any script (RFC 6266's ``filename*``) and ``ascii_name``
    for clients that read only ``filename``. A private file (people's details, scores) is
    never kept by a cache."""
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = attachment(ascii_name, name)
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def spreadsheet(
    fmt: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    ascii_name: str,
    name: str,
    private: bool = True,
) -> Response:
    """A list as ``.xlsx`` or ``.csv`` (``fmt``), named as ``download`` names it."""
    if fmt == "xlsx":
        body = spreadsheets.to_xlsx(header, rows, title=title)
        mimetype = spreadsheets.XLSX_MIMETYPE
    else:
        body, mimetype = spreadsheets.to_csv(header, rows), spreadsheets.CSV_MIMETYPE
    return download(body, mimetype=mimetype, ascii_name=ascii_name, name=name, private=private)
