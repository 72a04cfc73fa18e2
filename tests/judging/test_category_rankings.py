"""Rounds ranked by category: each program's rank within its category beside its overall rank,
places that advance from each category with ties decided per category, the results page and
the API grouped by category and paged, and a kept ranking that follows every change."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from festival.core.errors import TieAtCutoff, ValidationFailed
from festival.judging import result_queries, services, standings
from festival.judging import scores as judging_scores
from festival.judging.models import Ranking, RoundEntry
from tests import factories
from tests.checks import refusal

NOW = factories.NOW
EN = {"Accept-Language": "en"}
CRITERIA = [{"name": "art", "max_score": 100, "weight": 1}]


def build(session, festival, organizer, scores_by_category, *, ranking="by_category", places=1):
    """A round of ``festival`` with one judge; {category index: [(title, score), ...]}."""
    judge = factories.make_user(session, role="judge", display_name="评委甲")
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        aggregation="mean",
        criteria=CRITERIA,
        advance_count=places,
        ranking=ranking,
        actor=organizer,
        now=NOW,
    )
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    programs = {}
    for index, entries in scores_by_category.items():
        for title, _score in entries:
            programs[title] = factories.make_program(
                session, festival=festival, category=festival.categories[index], title=title
            )
    services.add_entries(
        session,
        round_=round_,
        program_ids=[p.id for p in programs.values()],
        actor=organizer,
        now=NOW,
    )
    for entries in scores_by_category.values():
        for title, value in entries:
            judging_scores.save_scores(
                session,
                round_=round_,
                program_id=programs[title].id,
                judge=judge,
                values={"art": value},
                now=NOW,
            )
    session.commit()
    return round_, programs, judge


DANCE_AND_SONG = {
    0: [("舞一", 90), ("舞二", 80), ("舞三", 70)],
    1: [("歌一", 85), ("歌二", 60)],
}


def ranks(results) -> dict[str, tuple]:
    return {i.title: (i.rank, i.category_rank) for i in results.items}


def test_each_program_has_its_rank_within_its_category_beside_its_overall_rank(
    session, festival, organizer
):
    round_, _, _ = build(session, festival, organizer, DANCE_AND_SONG)
    results = result_queries.ranking(session, round_)
    assert ranks(results) == {
        "舞一": (1, 1),
        "歌一": (2, 1),
        "舞二": (3, 2),
        "舞三": (4, 3),
        "歌二": (5, 2),
    }
    # Shown category by category (in the festival's order of categories), best first in each.
    assert [i.title for i in results.items] == ["舞一", "舞二", "舞三", "歌一", "歌二"]
    assert [(g.name, g.count) for g in results.groups] == [("舞蹈", 3), ("歌舞", 2)]


def test_an_overall_round_is_shown_best_first_and_still_gives_category_ranks(
    session, festival, organizer
):
    round_, _, _ = build(session, festival, organizer, DANCE_AND_SONG, ranking="overall")
    results = result_queries.ranking(session, round_)
    assert [i.title for i in results.items] == ["舞一", "歌一", "舞二", "舞三", "歌二"]
    assert ranks(results)["歌一"] == (2, 1)


def test_places_advance_from_each_category(session, festival, organizer):
    round_, programs, _ = build(session, festival, organizer, DANCE_AND_SONG, places=1)
    advanced = services.close_round(
        session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW
    )
    session.commit()
    assert set(advanced) == {programs["舞一"].id, programs["歌一"].id}
    kept = dict(session.execute(select(RoundEntry.program_id, RoundEntry.advanced)).all())
    assert kept[programs["舞二"].id] is False and kept[programs["歌一"].id] is True


def test_a_tie_at_one_categorys_cut_line_is_refused_naming_that_category(
    session, festival, organizer, english_messages
):
    tied = {0: [("舞一", 90), ("舞二", 90), ("舞三", 70)], 1: [("歌一", 85), ("歌二", 60)]}
    round_, programs, _ = build(session, festival, organizer, tied, places=1)
    with pytest.raises(TieAtCutoff) as refused:
        services.close_round(
            session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW
        )
    message = str(refused.value.message)
    assert message.startswith("舞蹈: ") and "《舞一》" in message and "《舞二》" in message
    assert "歌一" not in message
    assert set(refused.value.fields["advance_program_ids"]) == {
        str(programs["舞一"].id),
        str(programs["舞二"].id),
    }
    session.rollback()
    # Deciding the tie names every program that advances, from every category.
    advanced = services.close_round(
        session,
        round_=round_,
        advance_program_ids=[programs["舞二"].id, programs["歌一"].id],
        actor=organizer,
        now=NOW,
    )
    assert set(advanced) == {programs["舞二"].id, programs["歌一"].id}


def test_a_decision_that_leaves_out_a_category_s_winner_is_refused(
    session, festival, organizer, english_messages
):
    tied = {0: [("舞一", 90), ("舞二", 90)], 1: [("歌一", 85), ("歌二", 60)]}
    round_, programs, _ = build(session, festival, organizer, tied, places=1)
    with pytest.raises(ValidationFailed) as refused:
        services.close_round(
            session,
            round_=round_,
            advance_program_ids=[programs["舞一"].id],
            actor=organizer,
            now=NOW,
        )
    assert refused.value.fields["advance_program_ids"] == [
        "歌舞: Every program above the cut line advances."
    ]


# The kept ranking follows every change


def test_the_kept_ranking_is_read_again_only_after_a_change(
    session, festival, organizer, monkeypatch
):
    round_, programs, judge = build(session, festival, organizer, DANCE_AND_SONG)
    computed = []
    original = standings.compute
    monkeypatch.setattr(
        standings, "compute", lambda *a, **k: computed.append(1) or original(*a, **k)
    )
    first = result_queries.ranking(session, round_)
    again = result_queries.ranking(session, round_)
    assert len(computed) == 1 and ranks(first) == ranks(again)

    judging_scores.save_scores(
        session, round_=round_, program_id=programs["歌二"].id, judge=judge,
        values={"art": 95}, now=NOW,
    )  # fmt: skip
    session.commit()
    after = result_queries.ranking(session, round_)
    assert len(computed) == 2
    assert ranks(after)["歌二"] == (1, 1) and ranks(after)["歌一"] == (3, 2)


def test_every_change_a_ranking_reads_renews_the_kept_one(session, festival, organizer):
    round_, programs, judge = build(session, festival, organizer, DANCE_AND_SONG)
    assert result_queries.ranking(session, round_).complete

    second = factories.make_user(session, role="judge")
    services.assign_judge(session, round_=round_, user_id=second.id, actor=organizer, now=NOW)
    session.commit()
    results = result_queries.ranking(session, round_)
    assert (results.complete, results.missing) == (False, 5)

    judging_scores.declare_conflict(
        session, round_=round_, judge_id=second.id, program_id=programs["舞一"].id,
        actor=organizer, now=NOW,
    )  # fmt: skip
    session.commit()
    assert result_queries.ranking(session, round_).missing == 4

    late = factories.make_program(session, festival=festival, title="舞四")
    services.add_entries(session, round_=round_, program_ids=[late.id], actor=organizer, now=NOW)
    session.commit()
    results = result_queries.ranking(session, round_)
    assert results.total == 6 and ranks(results)["舞四"] == (None, None)


def test_a_page_of_the_ranking_costs_the_same_queries_for_5_and_40_programs(
    session, festival, organizer, count_queries
):
    small, _, _ = build(session, festival, organizer, DANCE_AND_SONG)
    many = {0: [(f"舞{i}", 50 + i) for i in range(25)], 1: [(f"歌{i}", 40 + i) for i in range(15)]}
    other = factories.make_festival(session, organization=festival.organization)
    large, _, _ = build(session, other, organizer, many)
    counts = []
    for round_ in (small, large):
        result_queries.ranking_page(session, round_, per_page=10)  # computed and kept
        with count_queries() as queries:
            page = result_queries.ranking_page(session, round_, per_page=10)
            result_queries.add_details(session, page, page.items)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Pages and API


def test_the_results_page_groups_the_ranking_by_category(client, session, festival, organizer):
    round_, programs, _ = build(session, festival, organizer, DANCE_AND_SONG)
    client.login(organizer.username)
    page = client.get(f"/rounds/{round_.id}/results", headers=EN).get_data(as_text=True)
    assert "Rank in category" in page and "Overall rank" in page
    heads = re.findall(r'<tr class="category-head"><th[^>]*>([^<]+)</th>', page)
    assert heads == ["舞蹈", "歌舞"]
    row = re.search(rf'<tr id="program-{programs["歌一"].id}".*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="num">(?:<strong>)?([^<]*)', row)
    assert cells[0] == "1" and cells[2] == "2"  # first in its category, second overall
    assert "inside-cut" in row  # one place per category
    # One category alone.
    only = client.get(
        f"/rounds/{round_.id}/results?category={festival.categories[1].id}", headers=EN
    ).get_data(as_text=True)
    assert "《歌一》" in only and "《舞一》" not in only


def test_the_api_gives_category_ranks_and_pages(api, session, festival, organizer):
    round_, programs, _ = build(session, festival, organizer, DANCE_AND_SONG)
    client = api.as_user(organizer)
    whole = client.get(f"/api/v1/rounds/{round_.id}/results").get_json()
    assert whole["ranking"] == "by_category"
    assert (whole["page"], whole["per_page"], whole["total"]) == (None, None, 5)
    assert [(i["title"], i["rank"], i["category_rank"]) for i in whole["items"]] == [
        ("舞一", 1, 1),
        ("舞二", 3, 2),
        ("舞三", 4, 3),
        ("歌一", 2, 1),
        ("歌二", 5, 2),
    ]
    second = client.get(f"/api/v1/rounds/{round_.id}/results?page=2&per_page=2").get_json()
    assert [i["title"] for i in second["items"]] == ["舞三", "歌一"]
    assert (second["page"], second["per_page"], second["total"]) == (2, 2, 5)
    assert second["items"][1]["judge_totals"]  # the details of the page's rows
    song = festival.categories[1].id
    one = client.get(f"/api/v1/rounds/{round_.id}/results?category_id={song}").get_json()
    assert [i["title"] for i in one["items"]] == ["歌一", "歌二"] and one["total"] == 2
    refusal(client.get(f"/api/v1/rounds/{round_.id}/results?per_page=500"), 400, "bad_request")


def test_the_api_creates_a_round_ranked_by_category(api, session, festival, organizer):
    body = {
        "name": "初选",
        "aggregation": "median",
        "ranking": "by_category",
        "advance_count": 2,
        "criteria": [{"name": "art", "max_score": 100}],
    }
    created = api.as_user(organizer).post(f"/api/v1/festivals/{festival.id}/rounds", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["ranking"] == "by_category"
    refused = api.as_user(organizer).post(
        f"/api/v1/festivals/{festival.id}/rounds", json={**body, "ranking": "by_troupe"}
    )
    refusal(refused, 422, "validation_error")


def test_the_close_page_shows_each_categorys_cut_line(client, session, festival, organizer):
    round_, programs, _ = build(session, festival, organizer, DANCE_AND_SONG)
    client.login(organizer.username)
    page = client.get(f"/rounds/{round_.id}/close", headers=EN).get_data(as_text=True)
    assert re.findall(r'<h3 class="cut-category">([^<]+)</h3>', page) == ["舞蹈", "歌舞"]
    assert "2 of 2 places filled" in page
    closed = client.post_form(
        f"/rounds/{round_.id}/close",
        {"advance_program_ids": [programs["舞一"].id, programs["歌一"].id]},
    )
    assert closed.status_code == 302
    session.expire_all()
    assert round_.ranking is Ranking.by_category and round_.status.value == "closed"


# Per-category ranks against a reference


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3), st.one_of(st.none(), st.integers(0, 20).map(lambda n: n * 50))
        ),
        max_size=30,
    )
)
def test_ranks_within_categories_match_a_reference(entries):
    rows = [
        (index, index, f"t{index:02d}", category, cents, 1, False)
        for index, (category, cents) in enumerate(entries)
    ]
    overall, by_category = standings.rank_standings(rows)

    def reference(rank_of, peers):
        # Competition ranking: one more than the number of scores strictly better.
        if rank_of[4] is None:
            return None
        return 1 + sum(1 for other in peers if other[4] is not None and other[4] > rank_of[4])

    for standing in overall:
        row = rows[standing.program_id]
        assert standing.rank == reference(row, rows)
        assert standing.category_rank == reference(row, [r for r in rows if r[3] == row[3]])
    for category, group in by_category.items():
        assert all(s.category_id == category for s in group)
        keys = [(s.category_rank is None, s.category_rank or 0, s.title) for s in group]
        assert keys == sorted(keys)
    assert sum(len(group) for group in by_category.values()) == len(rows)


def test_a_score_kept_as_hundredths_reads_back_as_the_decimal(session, festival, organizer):
    round_, programs, judge = build(session, festival, organizer, {0: [("舞一", Decimal("87.55"))]})
    item = result_queries.ranking(session, round_).items[0]
    assert item.score == Decimal("87.55") and item.category_rank == 1


def test_the_export_lists_category_by_category_with_the_rank_in_the_category(
    client, session, festival, organizer
):
    round_, _, _ = build(session, festival, organizer, DANCE_AND_SONG)
    client.login(organizer.username)
    exported = client.get(f"/rounds/{round_.id}/results.csv", headers=EN)
    lines = exported.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Rank in category,Rank,Program")
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["1", "1", "舞一"],
        ["2", "3", "舞二"],
        ["3", "4", "舞三"],
        ["1", "2", "歌一"],
        ["2", "5", "歌二"],
    ]
