"""What each role sees of a round, on its pages and through the API alike: the organizers
everything; the round's judges their own scores and, after the close, the ranking only (never
another judge's total, which totals were dropped, or who the other judges are; no troupes in a
blind round); everyone else nothing."""

import re

import pytest

from festival.judging import scores as judging_scores
from festival.judging import services
from tests import factories
from tests.html import Page

NOW = factories.NOW
EN = {"Accept-Language": "en"}
# The contract's fields of a results item (API.md): all a judge's item holds.
CONTRACT_ITEM = {
    "program_id",
    "title",
    "troupe_name",
    "category_id",
    "category_name",
    "category_rank",
    "score",
    "rank",
    "judge_count",
    "advanced",
}
JUDGE_NAMES = ("评委甲", "评委乙", "评委丙")
TOTALS = ("65.00", "75.00", "50.00")  # 节目一: one judge's total each, 65 kept, 75 and 50 dropped


class Round:
    """An open festival of a district office, its organizer, three judges, three programs of
    troupes "红枫艺术团", "夕阳红合唱团", "银龄舞蹈队"; a round scored by every judge."""

    def __init__(self, session, festival, organizer, *, blind=False):
        self.session, self.organizer = session, organizer
        troupes = [
            factories.make_troupe(session, name=name, organization=festival.organization)
            for name in ("红枫艺术团", "夕阳红合唱团", "银龄舞蹈队")
        ]
        self.troupe_names = [t.name for t in troupes]
        self.programs = [
            factories.make_program(session, festival=festival, troupe=troupe, title=title)
            for troupe, title in zip(troupes, ("节目一", "节目二", "节目三"), strict=True)
        ]
        self.judges = [
            factories.make_user(session, role="judge", display_name=name) for name in JUDGE_NAMES
        ]
        self.round = services.create_round(
            session,
            festival=festival,
            name="初选",
            aggregation="trimmed_mean",
            criteria=[
                {"name": "艺术表现", "max_score": 60, "weight": 1},
                {"name": "编排", "max_score": 40, "weight": "0.5"},
            ],
            advance_count=1,
            is_blind=blind,
            actor=organizer,
            now=NOW,
        )
        for judge in self.judges:
            services.assign_judge(
                session, round_=self.round, user_id=judge.id, actor=organizer, now=NOW
            )
        services.add_entries(
            session,
            round_=self.round,
            program_ids=[p.id for p in self.programs],
            actor=organizer,
            now=NOW,
        )
        art, layout = self.round.criteria
        for program, pairs in zip(
            self.programs,
            (
                [(50, 30), (55, 40), (40, 20)],  # 65, 75, 50 → 65.00
                [(45, 30)] * 3,  # 60.00
                [(30, 20)] * 3,
            ),
            strict=True,
        ):  # 40.00
            for judge, (a, b) in zip(self.judges, pairs, strict=True):
                judging_scores.save_scores(
                    session,
                    round_=self.round,
                    program_id=program.id,
                    judge=judge,
                    values={art.name: a, layout.name: b},
                    now=NOW,
                )
        session.commit()

    def close(self):
        services.close_round(
            self.session, round_=self.round, advance_program_ids=None, actor=self.organizer, now=NOW
        )
        self.session.commit()


@pytest.fixture
def scored(session, festival, organizer):
    return Round(session, festival, organizer)


def leaves(value) -> list[str]:
    """Every text (and decimal string) inside a JSON value."""
    if isinstance(value, dict):
        return [text for inner in value.values() for text in leaves(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in leaves(inner)]
    return [value] if isinstance(value, str) else []


def results_api(api, user, round_id):
    caller = api.as_user(user) if user is not None else api
    return caller.get(f"/api/v1/rounds/{round_id}/results")


def results_page(client, user, round_id):
    client.login(user.username)
    return client.get(f"/rounds/{round_id}/results", headers=EN)


def test_a_judge_reads_the_ranking_through_the_api_but_no_judges_totals(scored, api):
    scored.close()
    judge = scored.judges[0]
    body = results_api(api, judge, scored.round.id).get_json()
    assert [(i["title"], i["score"], i["rank"], i["advanced"]) for i in body["items"]] == [
        ("节目一", "65.00", 1, True),
        ("节目二", "60.00", 2, False),
        ("节目三", "40.00", 3, False),
    ]
    assert all(set(item) == CONTRACT_ITEM for item in body["items"])
    assert set(body) == {
        "round_id",
        "status",
        "aggregation",
        "trim",
        "ranking",
        "complete",
        "items",
        "page",
        "per_page",
        "total",
    }
    text = str(body)
    for other in scored.judges[1:]:
        assert f"'{other.id}'" not in text  # no judge's id as a key of totals
    for total in ("75.00", "50.00"):
        assert total not in text  # the other judges' (dropped) totals of 节目一
    # The organizers still read every judge's total and which were dropped.
    full = results_api(api, scored.organizer, scored.round.id).get_json()
    first = full["items"][0]
    assert first["judge_totals"] == {
        str(j.id): t for j, t in zip(scored.judges, TOTALS, strict=True)
    }
    assert (first["dropped_high_judge_id"], first["dropped_low_judge_id"]) == (
        scored.judges[1].id,
        scored.judges[2].id,
    )


def test_the_page_and_the_api_show_a_judge_the_same_ranking(scored, api, client):
    scored.close()
    judge = scored.judges[0]
    body = results_api(api, judge, scored.round.id).get_json()
    page = Page(results_page(client, judge, scored.round.id))
    assert page.status == 200
    rows = re.findall(r'<tr id="program-(\d+)"', page.html)
    assert [int(program_id) for program_id in rows] == [i["program_id"] for i in body["items"]]
    shown = page.text
    # Every text the API gives the judge about a program is on their page, and nothing more.
    for item in body["items"]:
        for value in leaves(item):
            assert value in shown, value
    for name in JUDGE_NAMES[1:]:  # the other judges (the page greets this one by name)
        assert name not in shown
    for total in ("75.00", "50.00"):
        assert total not in shown


def test_in_a_blind_round_a_judge_sees_no_troupe_on_the_page_or_through_the_api(
    session, festival, organizer, api, client
):
    blind = Round(session, festival, organizer, blind=True)
    blind.close()
    judge = blind.judges[0]
    body = results_api(api, judge, blind.round.id).get_json()
    assert [item["troupe_name"] for item in body["items"]] == [None, None, None]
    shown = Page(results_page(client, judge, blind.round.id)).text
    assert "节目一" in shown
    for name in blind.troupe_names:
        assert name not in shown
    full = results_api(api, organizer, blind.round.id).get_json()
    assert {item["troupe_name"] for item in full["items"]} == set(blind.troupe_names)


def test_a_judge_does_not_learn_who_else_judges_the_round(scored, api):
    judge = scored.judges[0]
    seen = api.as_user(judge).get(f"/api/v1/rounds/{scored.round.id}")
    assert seen.status_code == 200
    body = seen.get_json()
    assert "judge_ids" not in body
    assert body["name"] == "初选" and len(body["criteria"]) == 2
    full = api.as_user(scored.organizer).get(f"/api/v1/rounds/{scored.round.id}").get_json()
    assert sorted(full["judge_ids"]) == sorted(j.id for j in scored.judges)


@pytest.mark.parametrize(
    ("role", "before_close", "after_close"),
    [
        ("organizer", (200, 200), (200, 200)),
        ("judge", (403, 403), (200, 200)),
        ("unassigned_judge", (404, 404), (404, 404)),
        ("other_leader", (404, 404), (404, 404)),
        ("other_organizer", (404, 404), (404, 404)),
        ("public", (401, 302), (401, 302)),
    ],
)
def test_who_reads_the_results_on_the_page_and_through_the_api(
    scored, session, api, client, role, before_close, after_close
):
    user = {
        "organizer": scored.organizer,
        "judge": scored.judges[0],
        "unassigned_judge": factories.make_user(session, role="judge"),
        "other_leader": factories.make_user(session, role="leader"),
        "other_organizer": factories.make_user(session, role="organizer"),
        "public": None,
    }[role]
    session.commit()
    caller = api.as_user(user) if user is not None else api
    if user is not None:
        client.login(user.username)
    url = f"/rounds/{scored.round.id}/results"

    def statuses():
        return (caller.get("/api/v1" + url).status_code, client.get(url).status_code)

    assert statuses() == before_close
    scored.close()
    assert statuses() == after_close
