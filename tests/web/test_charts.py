"""The dashboard's SVG bar charts (pure: no database, no request)."""

import re

from festival.web.charts import bar_percentages, horizontal_bar_chart


def bar_widths(svg: str) -> list[str]:
    return re.findall(r'<rect class="bar" [^>]*width="([^"]+)"', svg)


def test_chart_escapes_labels_and_title():
    svg = horizontal_bar_chart(
        [("<script>alert(1)</script>", 3)], chart_id="c", title='Programs & "more"'
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "Programs &amp; &#34;more&#34;" in svg


def test_bar_lengths_are_proportional_to_the_values():
    svg = horizontal_bar_chart([("a", 8), ("b", 4), ("c", 2), ("d", 0)], chart_id="c", title="t")

    assert bar_widths(svg) == ["100%", "50%", "25%", "0%"]


def test_every_value_zero_draws_no_bar_at_all():
    assert bar_percentages([0, 0]) == [0.0, 0.0]
    assert bar_widths(horizontal_bar_chart([("a", 0)], chart_id="c", title="t")) == ["0%"]


def test_chart_of_no_data_is_empty_so_the_page_shows_its_own_message():
    assert horizontal_bar_chart([], chart_id="c", title="t") == ""


def test_chart_is_an_image_labelled_by_its_title_and_description():
    svg = horizontal_bar_chart([("舞蹈", 5), ("歌舞", 3)], chart_id="cats", title="Per category")

    assert 'role="img"' in svg
    assert 'aria-labelledby="cats-title cats-desc"' in svg
    assert '<title id="cats-title">Per category</title>' in svg
    assert '<desc id="cats-desc">舞蹈: 5; 歌舞: 3</desc>' in svg


def test_chart_uses_no_style_attribute_or_element_which_the_csp_would_block():
    svg = horizontal_bar_chart([("a", 1)], chart_id="c", title="t")

    assert "style" not in svg


def test_chart_text_is_at_least_16_pixels():
    svg = horizontal_bar_chart([("a", 1)], chart_id="c", title="t")

    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
    assert sizes and min(sizes) >= 16


def test_long_labels_are_shortened_in_the_picture_but_whole_in_the_description():
    name = "某某市某某区某某街道某某社区老年人文艺协会第一分会合唱团附属舞蹈队"

    svg = horizontal_bar_chart([(name * 2, 1)], chart_id="c", title="t")

    assert f'<desc id="c-desc">{name * 2}: 1</desc>' in svg
    assert re.search(r'<text x="0" y="\d+">[^<]{39}…</text>', svg)


def test_bars_can_be_drawn_against_a_fixed_maximum():
    assert bar_percentages([60, 30, 120], maximum=100) == [60.0, 30.0, 100.0]


def test_values_can_be_said_otherwise_than_as_whole_numbers():
    svg = horizontal_bar_chart(
        [("评委 刘老师", 33), ("评委 孙老师", 54)],
        chart_id="c",
        title="t",
        value_texts=["-0.33", "+0.54"],
    )
    assert ">-0.33</text>" in svg and ">+0.54</text>" in svg
    assert "评委 孙老师: +0.54" in svg  # the description says the same
    assert bar_widths(svg) == ["61.11%", "100%"]
