"""Server-rendered SVG charts: no script, no CDN, and no ``style`` (the CSP allows only our CSS).

Sizes are in real pixels and bar lengths in percent of the chart's width, so the text stays
large on a phone while the bars shrink to fit.
"""

from collections.abc import Sequence

from markupsafe import Markup, escape

from festival.core.wording import clauses, labelled

INK = "#1c1b1a"  # 17:1 on white
BAR = "#a4161a"  # the site's red: 7.6:1 on white, 6.2:1 on the track
TRACK = "#f4efe7"
LABEL_SIZE = 18
ROW_HEIGHT = 64  # label line, bar, gap
BAR_HEIGHT = 22
LABEL_MAX = 40  # longer labels are shortened in the picture; the table keeps them whole


def bar_percentages(values: Sequence[int], maximum: int | None = None) -> list[float]:
    """Each value's bar length in percent of ``maximum`` (default: the longest); all zero when
    every value is zero."""
    largest = maximum if maximum is not None else max(values, default=0)
    if largest <= 0:
        return [0.0 for _ in values]
    return [round(min(max(value, 0), largest) * 100 / largest, 2) for value in values]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def horizontal_bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    maximum: int | None = None,
    value_texts: Sequence[str] | None = None,
) -> Markup:
    """An accessible horizontal bar chart of (label, value); empty markup when there is no data.
    ``value_texts`` says each value otherwise than as a whole number (+0.54 for 54 hundredths)."""
    if not items:
        return Markup("")
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    height = ROW_HEIGHT * len(items)
    texts = list(value_texts) if value_texts is not None else [str(int(v)) for _, v in items]
    summary = description or clauses(
        labelled(label, text) for (label, _value), text in zip(items, texts, strict=True)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dash-bar-chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'width="100%" height="{height}" font-size="{LABEL_SIZE}" fill="{INK}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(summary)}</desc>',
    ]
    for row, ((label, _value), percent, text) in enumerate(
        zip(items, bar_percentages([value for _, value in items], maximum), texts, strict=True)
    ):
        top = row * ROW_HEIGHT
        baseline = top + LABEL_SIZE + 2
        bar_top = baseline + 8
        parts.append(
            f'<g class="bar-row">'
            f'<text x="0" y="{baseline}">{escape(_short(label))}</text>'
            f'<text x="100%" y="{baseline}" text-anchor="end" font-weight="700">{escape(text)}</text>'
            f'<rect class="bar-track" x="0" y="{bar_top}" width="100%" height="{BAR_HEIGHT}" '
            f'rx="4" fill="{TRACK}"/>'
            f'<rect class="bar" x="0" y="{bar_top}" width="{percent:g}%" height="{BAR_HEIGHT}" '
            f'rx="4" fill="{BAR}"/>'
            f"</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


COLUMN_AREA = 160  # the tallest column, in pixels
COLUMN_VALUE_SIZE = 16  # the figure above a column: narrow columns on a phone
COLUMN_GAP = 20  # percent of each slot left between columns


def column_chart(
    items: Sequence[tuple[str, int | float]],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    maximum: int | float | None = None,
    value_texts: Sequence[str] | None = None,
) -> Markup:
    """An accessible column chart of (short label, value), for a dozen items or so (the months
    of a year): columns in percent of the chart's width, the figure above each and its label
    below in real pixels; empty markup when there is no data or every value is zero."""
    if not items or not any(value for _, value in items):
        return Markup("")
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    texts = list(value_texts) if value_texts is not None else [f"{v:g}" for _, v in items]
    summary = description or clauses(
        labelled(label, text) for (label, _value), text in zip(items, texts, strict=True)
    )
    largest = maximum if maximum is not None else max(value for _, value in items)
    top = COLUMN_VALUE_SIZE + 8  # room for the figure above the tallest column
    floor = top + COLUMN_AREA
    height = floor + LABEL_SIZE + 10
    slot = 100 / len(items)
    width = slot * (100 - COLUMN_GAP) / 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="column-chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'width="100%" height="{height}" font-size="{LABEL_SIZE}" fill="{INK}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(summary)}</desc>',
        f'<line x1="0" y1="{floor}" x2="100%" y2="{floor}" stroke="{INK}" stroke-width="2"/>',
    ]
    for index, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        share = min(max(value or 0, 0), largest) / largest if largest > 0 else 0
        column = round(COLUMN_AREA * share, 1)
        left = round(slot * index + (slot - width) / 2, 3)
        middle = round(slot * index + slot / 2, 3)
        parts.append(
            f'<g class="column">'
            f'<rect class="bar" x="{left:g}%" y="{floor - column:g}" width="{width:.3f}%" '
            f'height="{column:g}" fill="{BAR}"/>'
            f'<text x="{middle:g}%" y="{floor - column - 6:g}" text-anchor="middle" '
            f'font-size="{COLUMN_VALUE_SIZE}" font-weight="700">{escape(text)}</text>'
            f'<text x="{middle:g}%" y="{floor + LABEL_SIZE + 4}" text-anchor="middle">'
            f"{escape(_short(label))}</text>"
            f"</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
