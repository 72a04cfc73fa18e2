"""QR codes drawn on the server: a certificate's verification link, a calendar subscription."""

import re

import segno
from markupsafe import Markup

STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*')""", re.IGNORECASE)


def qr_svg(url: str) -> Markup:
    """The URL as a QR code in inline SVG, made here (no outside service), sized by the
    stylesheet (the CSP forbids style=)."""
    svg = segno.make(url, error="m").svg_inline(
        omitsize=True, svgclass="qr", lineclass=None, border=2
    )
    # segno writes only path data from the URL, never the URL as text: safe to mark up.
    return Markup(STYLE_ATTRIBUTE.sub("", svg))
