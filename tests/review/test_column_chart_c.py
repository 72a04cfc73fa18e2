"""The column chart of the year in review's months (pure: no database, no request)."""

import re

from festival.web.charts import COLUMN_AREA, column_chart


def column_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar" [^>]*height="([^"]+)"', svg)]


def test_columns_are_proportional_to_the_values_and_say_them():
    svg = column_chart([("1", 10), ("2", 5), ("3", 0)], chart_id="c", title="Sessions")

    assert column_heights(svg) == [COLUMN_AREA, COLUMN_AREA / 2, 0]
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert ">10</text>" in svg and ">5</text>" in svg


def test_a_share_chart_is_scaled_to_its_maximum_and_shows_its_own_texts():
    svg = column_chart(
        [("1", 50), ("2", 0)], chart_id="c", title="Rate", maximum=100, value_texts=["50", "—"]
    )

    assert column_heights(svg) == [COLUMN_AREA / 2, 0]
    assert ">—</text>" in svg


def test_no_data_or_only_zeros_draws_nothing_and_labels_are_escaped():
    assert column_chart([], chart_id="c", title="t") == ""
    assert column_chart([("1", 0), ("2", 0)], chart_id="c", title="t") == ""
    svg = column_chart([("<b>", 1)], chart_id="c", title='a & "b"')
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "a &amp; &#34;b&#34;" in svg
