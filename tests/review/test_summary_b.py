"""The year in review as the office's report in prose: every number from the figures, plural
forms, parts with nothing to say left out, a year with nothing, same data same text.

The Chinese checks read the app's catalog: before the catalogs are merged, run them with
``FESTIVAL_BABEL_TRANSLATION_DIRECTORIES`` pointing at a catalog compiled with these messages.
"""

import re
from dataclasses import replace

from flask_babel import force_locale

from festival.accounts.models import Level
from festival.awards.models import AwardTier
from festival.review.summary import joined_sentences, paragraphs, summary_texts
from festival.review.values import EventFigures, PeopleFigures, ProgramFigures, TeamYear
from festival.troupes.models import TroupeKind
from tests.review.sample_b import CITY_FESTIVAL, empty_year, one_program_year, seed_year


def english(review):
    with force_locale("en"):
        return paragraphs(review)


def chinese(review):
    with force_locale("zh_Hans_CN"):
        return paragraphs(review)


def test_the_seed_year_reads_like_the_offices_report_in_chinese(app):
    festivals, teams, events = chinese(seed_year())

    assert festivals.startswith(
        "2026年，我办共举办文艺活动1项：首届南通市老年特色文化艺术节·通州区选拔。"
        "组织5个老年文艺团体，编排了12个老年文艺节目。"
    )
    assert (
        "经反复筛选，最终向首届南通市老年特色文化艺术节报送6个节目。"
        "在市级评选中，报送的6个节目均获得了荣誉，其中二等奖1个、三等奖2个和优秀奖3个。"
        "万年表歌舞团演出的《和谐大家园》被推荐参加江苏省老年文艺节目展评，并获舞蹈类二等奖。"
        "我办同时还荣获首届南通市老年特色文化艺术节优秀组织奖。"
    ) in festivals
    assert "参演人员共90人。其中60周岁以上的88人。年龄中位数为71.5岁，最年长者84岁。" in festivals
    assert teams.startswith(
        "太极拳展示队共有成员40人，全年开展集中训练23次、个人训练184次和展示1次。"
        "点名考勤的平均出勤率为95 %。"
    )
    assert teams.endswith("10月24日，所属队伍在南通市体育会展中心参加了“千名老人太极拳展示”。")
    assert events.endswith("全年组织老年文艺团体到20个场所进行演出。")
    # Every sentence came from the catalog, and Chinese sentences join without spaces.
    for paragraph in (festivals, teams, events):
        assert not re.search(r"[A-Za-z]", paragraph.replace(" %", "")), paragraph
        assert " " not in paragraph.replace(" %", "")


def test_the_seed_year_in_english_takes_its_numbers_from_the_figures(app):
    festivals, teams, events = english(seed_year())

    assert festivals.startswith(
        "In 2026 the office held 1 festival: 首届南通市老年特色文化艺术节·通州区选拔. "
        "5 troupes prepared 12 programs for them. 90 people performed in them. "
        "88 of them were aged 60 or over. Their median age was 71.5, and the oldest was 84. "
    )
    assert (
        f"After repeated screening, 6 programs were sent on to {CITY_FESTIVAL}. "
        "At the city level, all 6 programs sent won awards: "
        "second prize (1), third prize (2), and excellence award (3). "
        "万年表歌舞团's 《和谐大家园》 was recommended on to 江苏省老年文艺节目展评 and won "
        "second prize in the 舞蹈 category. "
        f"The office itself received the 优秀组织奖 of {CITY_FESTIVAL}."
    ) in festivals
    assert teams == (
        "太极拳展示队, with 40 members, held 23 sessions of group training, 184 sessions of "
        "individual practice, and 1 session of exhibition. Attendance at its sessions where the "
        "roll was taken averaged 95 %. 万年表歌舞团, with 18 members, held 17 sessions of "
        "rehearsal and 20 sessions of performance. On October 24 the teams took part in "
        "“千名老人太极拳展示” at 南通市体育会展中心."
    )
    assert events == (
        "Over the year, 247 sessions were held: 17 sessions of rehearsal, 23 sessions of group "
        "training, 184 sessions of individual practice, 21 sessions of performance, 1 session "
        "of exhibition, and 1 session of meeting. Troupes performed at 20 venues."
    )


def test_one_of_each_takes_the_singular(app):
    [text] = english(one_program_year())

    assert text == (
        "In 2026 the office held 1 festival: 首届南通市老年特色文化艺术节·通州区选拔. "
        "One troupe prepared 1 program for them. 1 person performed in them. "
        "1 of them was aged 60 or over. Their median age was 70, and the oldest was 70. "
        f"After repeated screening, 1 program was sent on to {CITY_FESTIVAL}. "
        "At the city level, the program sent won second prize."
    )
    [chinese_text] = chinese(one_program_year())
    assert "组织1个老年文艺团体，编排了1个老年文艺节目。" in chinese_text
    assert chinese_text.endswith("在市级评选中，报送的节目荣获二等奖。")


def test_programs_that_took_part_without_a_prize_are_counted_apart_from_the_prize_winners(app):
    seed = seed_year()
    results = [
        replace(r, tier=None) if r.program_title == "老年颂" else r for r in seed.results_above
    ]
    review = replace(
        seed,
        results_above=results,
        awards_by_level={"city": {"excellence": 2, "third": 2, "second": 1}, "province": {}},
    )

    [festivals, *_rest] = english(review)

    assert (
        "At the city level, 6 programs took part in the evaluation. 5 of them won awards: "
        "second prize (1), third prize (2), and excellence award (2)."
    ) in festivals
    assert (
        "在市级评选中，共有6个节目参评。其中5个节目获奖：二等奖1个、三等奖2个和优秀奖2个。"
        in (chinese(review)[0])
    )


def test_a_program_reaching_a_level_without_a_prize_is_named_as_recommended(app):
    seed = seed_year()
    results = [
        replace(r, tier=None) if r.level is Level.province else r for r in seed.results_above
    ]
    [festivals, *_rest] = english(replace(seed, results_above=results))

    assert (
        "万年表歌舞团's 《和谐大家园》 was recommended on to 江苏省老年文艺节目展评." in festivals
    )
    assert "won second prize in the 舞蹈 category" not in festivals


def test_parts_with_nothing_to_say_are_left_out(app):
    nothing = empty_year(2026)
    only_a_team = replace(
        nothing,
        teams=[
            TeamYear(
                troupe_id=1,
                name="太极拳展示队",
                kind=TroupeKind.team,
                members=0,
                sessions={"training": 3, "practice": 0},
                attendance_rate=None,
            )
        ],
        events=EventFigures(by_kind={"training": 3, "meeting": 0}, performance_venues=0),
    )

    assert english(only_a_team) == [
        "太极拳展示队 held 3 sessions of group training.",
        "Over the year, 3 sessions were held: 3 sessions of group training.",
    ]
    # No sentence about a zero: nobody aged 60 or over, no median, no attendance taken.
    seed = seed_year()
    quieter = replace(
        seed,
        people=PeopleFigures(performers=90, aged_60_plus=0, age_median=None, age_max=None),
        teams=[replace(team, attendance_rate=None) for team in seed.teams],
        organization_awards=[],
        events=replace(seed.events, exhibitions=[], performance_venues=0),
    )
    text = " ".join(english(quieter))
    for absent in ("aged 60", "median", "Attendance", "itself received", "took part in", "venue"):
        assert absent not in text
    assert "90 people performed in them." in text


def test_a_year_with_nothing_recorded_reads_as_one_sentence(app):
    assert english(empty_year(2025)) == ["Nothing was recorded for 2025."]
    assert chinese(empty_year(2025)) == ["2025年度暂无文艺活动记录。"]
    assert summary_texts(empty_year(2025)) == {
        "zh": "2025年度暂无文艺活动记录。",
        "en": "Nothing was recorded for 2025.",
    }


def test_the_same_figures_give_the_same_text_whatever_the_order_of_their_dictionaries(app):
    seed = seed_year()
    shuffled = replace(
        seed,
        awards_by_level={
            "province": {"second": 1},
            "city": {"excellence": 3, "third": 2, "second": 1},
        },
        teams=[
            replace(team, sessions=dict(reversed(list(team.sessions.items()))))
            for team in seed.teams
        ],
        events=replace(seed.events, by_kind=dict(reversed(list(seed.events.by_kind.items())))),
    )

    assert english(seed) == english(seed_year()) == english(shuffled)
    assert chinese(seed) == chinese(shuffled)
    assert summary_texts(seed) == summary_texts(shuffled)


def test_summary_texts_holds_both_languages_whatever_the_current_one(app):
    with force_locale("en"):
        texts = summary_texts(seed_year())
    assert texts["en"] == "\n\n".join(english(seed_year()))
    assert texts["zh"] == "\n\n".join(chinese(seed_year()))
    assert texts["zh"] != texts["en"]


def test_sentences_join_without_spaces_in_chinese_and_with_one_in_english(app):
    with force_locale("zh_Hans_CN"):
        assert joined_sentences(["甲。", "乙。"]) == "甲。乙。"
    with force_locale("en"):
        assert joined_sentences(["One.", "Two."]) == "One. Two."


def test_the_tiers_follow_the_ladder_and_the_first_level_reached_is_summed(app):
    # A city office: its programs went to the province; the first level reached is summed
    # by tier, first prizes first.
    seed = seed_year()
    province = [
        replace(r, level=Level.province, festival_name="江苏省老年文艺节目展评", tier=tier)
        for r, tier in zip(
            seed.results_above[:3],
            [AwardTier.excellence, AwardTier.first, AwardTier.excellence],
            strict=True,
        )
    ]
    review = replace(
        seed,
        results_above=province,
        awards_by_level={"province": {"excellence": 2, "first": 1}},
        programs=ProgramFigures(prepared=30, troupes=9, performers=200, sent_upward=3),
    )
    [festivals, *_rest] = english(review)
    assert (
        "After repeated screening, 3 programs were sent on to 江苏省老年文艺节目展评. "
        "At the province level, all 3 programs sent won awards: "
        "first prize (1) and excellence award (2)."
    ) in festivals


def test_an_organisation_award_without_a_title_is_named_by_its_tier(app):
    review = seed_year()
    untitled = [replace(award, title="") for award in review.organization_awards]
    [festivals, *_rest] = english(replace(review, organization_awards=untitled))
    assert f"The office itself received the organisation award of {CITY_FESTIVAL}." in festivals
    assert "the  of" not in festivals


def test_rates_round_halves_up_in_the_tables_the_charts_and_the_text():
    # Python's round() would give 12 and 90 (halves to even): the page's tables once did.
    from festival.review.summary import rate_text, whole_percent

    assert (whole_percent(0.125), whole_percent(0.905), whole_percent(0.904)) == (13, 91, 90)
    assert rate_text(0.125) == rate_text(0.13) and rate_text(None) == "—"
