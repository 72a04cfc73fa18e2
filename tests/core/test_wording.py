"""Pieces joined in code take the reader's punctuation: full-width in Chinese, half-width in English."""

import pytest

from festival.core.wording import clauses, labelled, listing, parenthesized


@pytest.mark.parametrize(
    ("language", "names", "label", "parts"),
    [
        ("zh-CN", "张三、李四和王五", "初选：第1名", "甲；乙"),
        ("en", "张三, 李四, and 王五", "初选: 第1名", "甲; 乙"),
    ],
)
def test_joined_pieces_take_the_readers_punctuation(app, language, names, label, parts):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert listing(["张三", "李四", "王五"]) == names
        assert labelled("初选", "第1名") == label
        assert clauses(["甲", "乙"]) == parts
        assert parenthesized(12) == ("（12）" if language == "zh-CN" else "(12)")


def test_an_error_listing_days_in_chinese_has_no_english_commas(app):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from festival.schedules.recurrence_rules import RuleError, normalize_rule

    start = datetime(2027, 3, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    with (
        app.test_request_context(headers={"Accept-Language": "zh-CN"}),
        pytest.raises(RuleError) as error,
    ):
        normalize_rule("FREQ=WEEKLY;BYHOUR=9;BYMINUTE=30;COUNT=3", start)
    assert "BYHOUR和BYMINUTE" in str(error.value)
    assert ", " not in str(error.value)
