"""Rendering PDFs from prepared rows: HTML from templates/paper/ with a print stylesheet, then
WeasyPrint. Pure functions of their arguments (no database); they need an app context for the
templates. The PDFs are Chinese documents, rendered in Chinese whatever the visitor reads.

Fonts: Debian's fonts-wqy-microhei ("WenQuanYi Micro Hei"), else Noto CJK, named in the CSS.
Nothing is fetched: the seal is inlined as a data: URI and every other URL is refused.
"""

import base64
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from flask import render_template
from flask_babel import force_locale
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from festival.awards.exports import EXPORT_LOCALE

CHUNK = 50  # certificates rendered at a time in a batch: bounded memory


@dataclass(frozen=True)
class ListRow:
    tier: str  # the tier's label
    recipient: str  # 《program》 or the organisation
    award_title: str
    troupe: str
    organization: str
    score: str
    number: str


@dataclass(frozen=True)
class AwardList:
    festival_name: str
    organiser: str
    published_on: str
    notice_until: str  # "" when final (not under notice)
    # (category name or None, [(tier label, rows)]); one group of None when not by category
    groups: list[tuple[str | None, list[tuple[str, list[ListRow]]]]]
    by_category: bool


@dataclass(frozen=True)
class Sheet:
    """One certificate as printed."""

    number: str
    recipient: str  # the troupe, or the organisation for an organisation award
    program_title: str | None
    tier: str  # the tier's label
    award_title: str
    category: str
    festival_name: str
    issuer: str
    issued_on: str
    signatory: str
    verify_url: str


# Only data: URIs (the seal, the QR codes): no file, no network.
_FETCHER = URLFetcher(allowed_protocols=("data",))


def seal_uri(seal: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(seal).decode("ascii") if seal else ""


def _qr_uri(url: str) -> str:
    """The verification URL as a QR code (segno, as web.qr draws it), a whole SVG document."""
    return segno.make(url, error="m").svg_data_uri(border=2)


def html_to_pdf(html: str) -> bytes:
    """A PDF of the HTML; its fetcher allows data: URIs only, so nothing is fetched."""
    return HTML(string=html, url_fetcher=_FETCHER).write_pdf()


def award_list_pdf(award_list: AwardList) -> bytes:
    with force_locale(EXPORT_LOCALE):
        html = render_template("paper/award_list.html", award_list=award_list)
    return html_to_pdf(html)


def _certificates_html(sheets: Sequence[Sheet], seal: bytes | None) -> str:
    with force_locale(EXPORT_LOCALE):
        return render_template(
            "paper/certificates.html",
            sheets=[(sheet, _qr_uri(sheet.verify_url)) for sheet in sheets],
            seal=seal_uri(seal),
        )


def certificates_pdf(sheets: Sequence[Sheet], seal: bytes | None) -> bytes:
    """The certificates, one A4 landscape page each (one sheet: one certificate)."""
    return html_to_pdf(_certificates_html(sheets, seal))


def write_certificates(
    sheets: Sequence[Sheet],
    seal: bytes | None,
    target: Path,
    *,
    progress: Callable[[int, int], None] = lambda done, total: None,
    chunk: int = CHUNK,
) -> None:
    """Every certificate into ``target`` (written atomically), ``chunk`` at a time: each
    chunk to a temporary PDF, then the chunks joined; ``progress(done, total)`` after each."""
    total = len(sheets)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".chunks-") as workdir:
        parts = []
        for start in range(0, max(total, 1), chunk):
            part = Path(workdir) / f"{start:06d}.pdf"
            part.write_bytes(certificates_pdf(sheets[start : start + chunk], seal))
            parts.append(part)
            progress(min(start + chunk, total), total)
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        partial = Path(workdir) / "joined.pdf"
        with partial.open("wb") as out:
            writer.write(out)
        writer.close()
        os.replace(partial, target)
