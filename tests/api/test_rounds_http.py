"""Screening rounds through the JSON API: every rounds endpoint of API.md and its status codes,
the numbers of the results against hand computations, closing with a tie, recommending upward."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Conflict, JudgeAssignment, Round, RoundEntry, RoundStatus, Score
from festival.programs.models import Program, ProgramStatus
from tests import factories
from tests.checks import refusal as error_of
from tests.checks import row_count as count

NOW = factories.NOW
# art ×1 (max 60) + layout ×0.5 (max 60): a judge's total is at most 90
CRITERIA = [
    {"name": "art", "max_score": 60, "weight": 1},
    {"name": "layout", "max_score": 60, "weight": "0.5"},
]


class World:
    """A district office running an open festival; its organizer; a leader; three judges;
    programs "Program A", "Program B", ... submitted to the festival."""

    def __init__(self, session, api, *, programs=4):
        self.session = session
        self.api = api
        self.office = factories.make_organization(session)
        self.festival = factories.make_festival(session, organization=self.office)
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        self.leader = factories.make_user(session, role="leader")
        self.judges = [factories.make_user(session, role="judge") for _ in range(3)]
        self.programs = [
            factories.make_program(session, festival=self.festival, title=f"Program {chr(65 + i)}")
            for i in range(programs)
        ]
        session.commit()
        self.as_organizer = api.as_user(self.organizer)
        self._clients = {}

    def as_(self, user):
        if user.id not in self._clients:
            self._clients[user.id] = self.api.as_user(user)
        return self._clients[user.id]

    def make_round(self, *, entries=None, advance_count=2, aggregation="trimmed_mean"):
        """A round set up through the services: every judge assigned, ``entries`` entered."""
        round_ = services.create_round(
            self.session,
            festival=self.festival,
            name="First",
            aggregation=aggregation,
            criteria=CRITERIA,
            advance_count=advance_count,
            actor=self.organizer,
            now=NOW,
        )
        for judge in self.judges:
            services.assign_judge(
                self.session, round_=round_, user_id=judge.id, actor=self.organizer, now=NOW
            )
        chosen = self.programs if entries is None else entries
        services.add_entries(
            self.session,
            round_=round_,
            program_ids=[p.id for p in chosen],
            actor=self.organizer,
            now=NOW,
        )
        self.session.commit()
        self.round = round_
        self.art, self.layout = (c.id for c in round_.criteria)
        return round_

    def put(self, judge, program, scores, round_=None):
        round_id = (round_ or self.round).id
        return self.as_(judge).put(
            f"/api/v1/rounds/{round_id}/scores/{program.id}", json={"scores": scores}
        )

    def score(self, program, pairs):
        """Every judge scores ``program``: pairs of (art, layout), one per judge."""
        for judge, (art, layout) in zip(self.judges, pairs, strict=True):
            response = self.put(judge, program, {"art": art, "layout": layout})
            assert response.status_code == 200, response.get_json()

    def score_the_standard_field(self):
        """A: 60 + 0.5 × 55 = 87.5 from everyone → 87.50.
        B: totals 70 (50 + 20), 90 (60 + 30), 20 (20 + 0) → drop 90 and 20 → 70.00.
        C: 70 from everyone → 70.00 (tied with B). D: 30 + 10 = 40 from everyone → 40.00."""
        a, b, c, d = self.programs
        self.score(a, [(60, 55)] * 3)
        self.score(b, [(50, 40), (60, 60), (20, 0)])
        self.score(c, [(50, 40)] * 3)
        self.score(d, [(30, 20)] * 3)


@pytest.fixture
def world(app, session, api) -> World:
    return World(session, api)


# POST /festivals/{id}/rounds


def test_create_round_answers_201_with_criteria_ids(world, session):
    response = world.as_organizer.post(
        f"/api/v1/festivals/{world.festival.id}/rounds",
        json={
            "name": "First",
            "aggregation": "mean",
            "advance_count": 2,
            "criteria": [
                {"name": "art", "max_score": 60},
                {"name": "layout", "max_score": "40", "weight": "0.5"},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["name"], body["status"], body["position"], body["aggregation"]) == (
        "First",
        "open",
        1,
        "mean",
    )
    assert [(c["name"], c["max_score"], c["weight"]) for c in body["criteria"]] == [
        ("art", "60.00", "1.00"),
        ("layout", "40.00", "0.50"),
    ]  # weight defaults to 1
    stored = session.get(Round, body["id"])
    assert [c["id"] for c in body["criteria"]] == [c.id for c in stored.criteria]


@pytest.mark.parametrize(
    "criteria",
    [
        [],
        [{"name": "art", "max_score": 10}, {"name": "art", "max_score": 10}],
        [{"name": "art", "max_score": 0}],
        [{"name": "art", "max_score": 10, "weight": 0}],
        [{"name": "art", "max_score": -5}],
    ],
)
def test_create_round_refuses_bad_criteria_with_422_and_stores_nothing(world, session, criteria):
    response = world.as_organizer.post(
        f"/api/v1/festivals/{world.festival.id}/rounds",
        json={"name": "First", "criteria": criteria},
    )
    error_of(response, 422, "validation_error")
    assert count(session, Round) == 0


def test_create_round_is_forbidden_to_a_leader_and_needs_a_login(world, api, session):
    url = f"/api/v1/festivals/{world.festival.id}/rounds"
    body = {"name": "First", "criteria": CRITERIA}
    error_of(world.as_(world.leader).post(url, json=body), 403, "forbidden")
    error_of(api.post(url, json=body), 401, "unauthorized")
    assert count(session, Round) == 0


# GET /festivals/{id}/rounds


def test_list_rounds_gives_the_festivals_rounds_in_order(world, session):
    first = world.make_round()
    first.status = RoundStatus.closed  # a closed first round lets a second one start
    session.commit()
    second = world.as_organizer.post(
        f"/api/v1/festivals/{world.festival.id}/rounds",
        json={"name": "Final", "criteria": CRITERIA},
    )
    assert second.status_code == 201, second.get_json()
    response = world.as_organizer.get(f"/api/v1/festivals/{world.festival.id}/rounds")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(r["name"], r["position"], r["status"]) for r in items] == [
        ("First", 1, "closed"),
        ("Final", 2, "open"),
    ]
    assert items[0]["entry_count"] == 4 and len(items[0]["judge_ids"]) == 3
    error_of(
        world.as_(world.leader).get(f"/api/v1/festivals/{world.festival.id}/rounds"),
        403,
        "forbidden",
    )


# POST /rounds/{id}/judges


def test_assign_judge_answers_201_then_409_the_second_time(world, session):
    round_ = world.make_round()
    newcomer = factories.make_user(session, role="judge")
    session.commit()
    url = f"/api/v1/rounds/{round_.id}/judges"
    response = world.as_organizer.post(url, json={"user_id": newcomer.id})
    assert response.status_code == 201
    assert newcomer.id in response.get_json()["judge_ids"]
    error_of(world.as_organizer.post(url, json={"user_id": newcomer.id}), 409, "conflict")
    assert count(session, JudgeAssignment, JudgeAssignment.round_id == round_.id) == 4


def test_assign_judge_refuses_an_account_without_the_judge_role(world, session):
    round_ = world.make_round()
    error = error_of(
        world.as_organizer.post(
            f"/api/v1/rounds/{round_.id}/judges", json={"user_id": world.leader.id}
        ),
        422,
        "validation_error",
    )
    assert set(error["fields"]) == {"user_id"}
    assert count(session, JudgeAssignment, JudgeAssignment.round_id == round_.id) == 3


# POST /rounds/{id}/conflicts


def test_conflicts_are_declared_by_the_organizer_or_by_the_judge_themself(world, session):
    round_ = world.make_round()
    url = f"/api/v1/rounds/{round_.id}/conflicts"
    j1, j2, j3 = world.judges
    a, b = world.programs[:2]
    by_organizer = world.as_organizer.post(
        url, json={"user_id": j1.id, "program_id": a.id, "reason": "relative"}
    )
    assert by_organizer.status_code == 201
    assert by_organizer.get_json() | {"id": 0} == {
        "id": 0,
        "round_id": round_.id,
        "user_id": j1.id,
        "program_id": a.id,
        "reason": "relative",
    }
    by_self = world.as_(j2).post(url, json={"user_id": j2.id, "program_id": b.id})
    assert by_self.status_code == 201
    error_of(world.as_(j3).post(url, json={"user_id": j1.id, "program_id": b.id}), 403, "forbidden")
    assert count(session, Conflict) == 2


# POST /rounds/{id}/entries


def test_entries_answer_201_and_put_the_programs_in_screening(world, session):
    round_ = world.make_round(entries=world.programs[:1])
    ids = [p.id for p in world.programs[1:3]]
    response = world.as_organizer.post(
        f"/api/v1/rounds/{round_.id}/entries", json={"program_ids": ids}
    )
    assert response.status_code == 201
    assert response.get_json() == {"round_id": round_.id, "program_ids": ids}
    assert count(session, RoundEntry, RoundEntry.round_id == round_.id) == 3
    assert session.get(Program, ids[0]).status is ProgramStatus.screening


# GET /rounds/{id}/sheet


def test_the_sheet_shows_a_judge_their_own_scores_only(world, session):
    round_ = world.make_round()
    j1, j2, _ = world.judges
    a = world.programs[0]
    assert world.put(j1, a, {"art": 50, "layout": 40}).status_code == 200
    assert world.put(j2, a, {"art": 10, "layout": 10}).status_code == 200
    response = world.as_(j1).get(f"/api/v1/rounds/{round_.id}/sheet")
    assert response.status_code == 200
    body = response.get_json()
    assert [c["id"] for c in body["criteria"]] == [world.art, world.layout]
    assert [item["program_id"] for item in body["items"]] == [p.id for p in world.programs]
    first = body["items"][0]
    assert first["scores"] == {str(world.art): "50.00", str(world.layout): "40.00"}
    assert first["complete"] is True
    assert body["items"][1]["scores"] == {} and body["items"][1]["complete"] is False


def test_the_sheet_is_refused_to_everyone_but_the_rounds_judges(world, session):
    round_ = world.make_round()
    outsider = factories.make_user(session, role="judge")
    session.commit()
    url = f"/api/v1/rounds/{round_.id}/sheet"
    error_of(world.as_organizer.get(url), 403, "forbidden")  # may see the round, not score
    error_of(world.as_(outsider).get(url), 404, "not_found")  # does not see the round at all
    error_of(world.as_(world.leader).get(url), 404, "not_found")


# PUT /rounds/{id}/scores/{program_id}


def test_scores_by_criterion_id_or_name_answer_200_with_the_total(world, session):
    world.make_round()
    j1, j2, _ = world.judges
    a = world.programs[0]
    by_id = world.put(j1, a, {str(world.art): 50, str(world.layout): "40.5"})
    assert by_id.status_code == 200, by_id.get_json()
    # 50 + 0.5 × 40.5 = 70.25
    assert by_id.get_json() == {
        "round_id": world.round.id,
        "program_id": a.id,
        "total": "70.25",
        "scores": {str(world.art): "50.00", str(world.layout): "40.50"},
    }
    by_name = world.put(j2, a, {"art": "55.75", "layout": 12.5})
    # 55.75 + 0.5 × 12.5 = 62
    assert by_name.status_code == 200 and by_name.get_json()["total"] == "62.00"
    assert count(session, Score) == 4


def test_the_total_is_rounded_half_up_to_two_places(world):
    world.make_round()
    # 10 + 0.5 × 0.25 = 10.125 → "10.13" (half to even would say "10.12")
    response = world.put(world.judges[0], world.programs[0], {"art": "10", "layout": "0.25"})
    assert response.status_code == 200 and response.get_json()["total"] == "10.13"


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"art": 61, "layout": 10}, "art"),  # over the maximum of 60
        ({"art": -1, "layout": 10}, "art"),
        ({"art": "abc", "layout": 10}, "art"),
        ({"art": "10.005", "layout": 10}, "art"),  # more than two places
        ({"art": 10}, "layout"),  # a criterion missing: named by its id
        ({"art": 10, "layout": 10, "costume": 5}, "costume"),  # no such criterion
    ],
)
def test_invalid_scores_answer_422_and_nothing_is_stored(world, session, scores, field):
    world.make_round()
    response = world.put(world.judges[0], world.programs[0], scores)
    error = error_of(response, 422, "validation_error")
    # a problem is named by the key the judge sent; a missing criterion by its id
    expected = str(world.layout) if field == "layout" else field
    assert set(error["fields"]) == {expected}
    assert count(session, Score) == 0


@pytest.mark.parametrize("value", [True, None, [10], {"v": 10}])
def test_a_score_of_another_json_type_is_a_bad_request(world, session, value):
    # What the envelope does: pydantic refuses the type (Decimal | str), so 400 bad_request.
    world.make_round()
    response = world.put(world.judges[0], world.programs[0], {"art": value, "layout": 10})
    assert response.status_code in (400, 422), response.get_json()
    error_of(response, 400, "bad_request")
    assert count(session, Score) == 0


def test_scores_are_refused_to_a_judge_not_assigned_and_to_a_conflicted_judge(world, session):
    round_ = world.make_round()
    outsider = factories.make_user(session, role="judge")
    j1 = world.judges[0]
    a = world.programs[0]
    judging_scores.declare_conflict(
        session, round_=round_, judge_id=j1.id, program_id=a.id, actor=world.organizer, now=NOW
    )
    session.commit()
    error_of(world.put(outsider, a, {"art": 10, "layout": 10}), 403, "forbidden")
    error_of(world.put(j1, a, {"art": 10, "layout": 10}), 403, "forbidden")
    error_of(
        world.as_organizer.put(
            f"/api/v1/rounds/{round_.id}/scores/{a.id}", json={"scores": {"art": 10, "layout": 10}}
        ),
        403,
        "forbidden",
    )
    assert count(session, Score) == 0


def test_scores_after_close_answer_409_round_closed(world, session):
    world.make_round()
    world.score_the_standard_field()
    closed = world.as_organizer.post(
        f"/api/v1/rounds/{world.round.id}/close",
        json={"advance_program_ids": [world.programs[0].id, world.programs[1].id]},
    )
    assert closed.status_code == 200, closed.get_json()
    before = count(session, Score)
    error_of(
        world.put(world.judges[0], world.programs[3], {"art": 60, "layout": 60}),
        409,
        "round_closed",
    )
    assert count(session, Score) == before
    assert {
        s.value
        for s in session.execute(
            select(Score).join(RoundEntry).where(RoundEntry.program_id == world.programs[3].id)
        ).scalars()
    } == {30, 20}


# GET /rounds/{id}/results


def test_results_are_best_first_with_two_place_scores_and_shared_ranks(world):
    world.make_round()
    world.score_the_standard_field()
    response = world.as_organizer.get(f"/api/v1/rounds/{world.round.id}/results")
    assert response.status_code == 200
    body = response.get_json()
    assert body["complete"] is True
    a, b, c, d = world.programs
    troupe = {p.id: p.troupe.name for p in world.programs}
    assert [
        {
            key: item[key]
            for key in (
                "program_id",
                "title",
                "troupe_name",
                "category_name",
                "score",
                "rank",
                "judge_count",
                "advanced",
            )
        }
        for item in body["items"]
    ] == [
        {
            "program_id": p.id,
            "title": p.title,
            "troupe_name": troupe[p.id],
            "category_name": "舞蹈",
            "score": score,
            "rank": rank,
            "judge_count": 3,
            "advanced": False,
        }
        for p, score, rank in [(a, "87.50", 1), (b, "70.00", 2), (c, "70.00", 2), (d, "40.00", 4)]
    ]
    j1, j2, j3 = world.judges
    item_b = body["items"][1]
    assert (item_b["dropped_high_judge_id"], item_b["dropped_low_judge_id"]) == (j2.id, j3.id)
    assert item_b["judge_totals"] == {str(j1.id): "70.00", str(j2.id): "90.00", str(j3.id): "20.00"}


def test_results_are_incomplete_until_every_judge_scored_every_entry(world):
    world.make_round()
    a, b, c, d = world.programs
    world.score(a, [(60, 55)] * 3)
    world.score(b, [(60, 55)] * 3)
    world.score(c, [(60, 55)] * 3)
    assert world.put(world.judges[0], d, {"art": 1, "layout": 1}).status_code == 200
    body = world.as_organizer.get(f"/api/v1/rounds/{world.round.id}/results").get_json()
    # d misses two sheets; its one total is 1 + 0.5 × 1 = 1.5
    assert (body["complete"], body["missing_sheets"]) == (False, 2)
    assert body["items"][-1]["judge_count"] == 1 and body["items"][-1]["score"] == "1.50"


def test_judges_see_the_results_only_after_close(world, session):
    world.make_round()
    world.score_the_standard_field()
    url = f"/api/v1/rounds/{world.round.id}/results"
    judge = world.as_(world.judges[0])
    error_of(judge.get(url), 403, "forbidden")
    error_of(world.as_(world.leader).get(url), 404, "not_found")
    a, c = world.programs[0], world.programs[2]
    closed = world.as_organizer.post(
        f"/api/v1/rounds/{world.round.id}/close", json={"advance_program_ids": [a.id, c.id]}
    )
    assert closed.status_code == 200
    response = judge.get(url)
    assert response.status_code == 200
    assert [(i["title"], i["advanced"]) for i in response.get_json()["items"]] == [
        ("Program A", True),
        ("Program B", False),
        ("Program C", True),
        ("Program D", False),
    ]


def test_results_cost_the_same_number_of_queries_for_4_and_12_programs(
    app, session, api, count_queries
):
    world = World(session, api, programs=12)
    world.make_round(entries=world.programs[:4])
    url = f"/api/v1/rounds/{world.round.id}/results"

    def score_all(programs):
        for program in programs:
            for judge in world.judges:
                judging_scores.save_scores(
                    session,
                    round_=world.round,
                    program_id=program.id,
                    judge=judge,
                    values={"art": 40, "layout": 30},
                    now=NOW,
                )
        session.commit()

    score_all(world.programs[:4])
    world.as_organizer.get(url)  # warm up
    with count_queries() as small:
        response = world.as_organizer.get(url)
    assert len(response.get_json()["items"]) == 4
    services.add_entries(
        session,
        round_=world.round,
        program_ids=[p.id for p in world.programs[4:]],
        actor=world.organizer,
        now=NOW,
    )
    score_all(world.programs[4:])
    # The first read after a change ranks again (four queries more, at any size); the kept
    # ranking answers the ones after it.
    with count_queries() as computing:
        world.as_organizer.get(url)
    with count_queries() as large:
        response = world.as_organizer.get(url)
    assert len(response.get_json()["items"]) == 12 and response.get_json()["complete"] is True
    assert len(large) == len(small)
    assert len(computing) == len(small) + 4


# POST /rounds/{id}/close


def test_close_with_a_tie_at_the_cut_line_answers_409_naming_the_tied_programs(world, session):
    world.make_round()
    world.score_the_standard_field()
    response = world.as_organizer.post(f"/api/v1/rounds/{world.round.id}/close", json={})
    error = error_of(response, 409, "tie_at_cutoff")
    b, c = world.programs[1], world.programs[2]
    assert sorted(int(pid) for pid in error["fields"]["advance_program_ids"]) == sorted(
        [b.id, c.id]
    )
    assert "Program B" in error["message"] and "Program C" in error["message"]
    session.expire_all()
    assert session.get(Round, world.round.id).status is RoundStatus.open
    assert count(session, RoundEntry, RoundEntry.advanced.is_(True)) == 0


def test_close_with_a_decision_answers_200_and_marks_the_entries_advanced(world, session):
    world.make_round()
    world.score_the_standard_field()
    a, b, c, d = world.programs
    url = f"/api/v1/rounds/{world.round.id}/close"
    # B is tied with C for one place: choosing both is one too many
    error_of(
        world.as_organizer.post(url, json={"advance_program_ids": [a.id, b.id, c.id]}),
        422,
        "validation_error",
    )
    response = world.as_organizer.post(url, json={"advance_program_ids": [a.id, b.id]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "closed"
    session.expire_all()
    entries = {e.program_id: e for e in session.execute(select(RoundEntry)).scalars()}
    assert [
        (entries[p.id].advanced, entries[p.id].final_score, entries[p.id].final_rank)
        for p in (a, b, c, d)
    ] == [
        (True, Decimal("87.50"), 1),
        (True, Decimal("70.00"), 2),
        (False, Decimal("70.00"), 2),
        (False, Decimal("40.00"), 4),
    ]
    assert [session.get(Program, p.id).status for p in (a, b, c, d)] == [
        ProgramStatus.advanced,
        ProgramStatus.advanced,
        ProgramStatus.eliminated,
        ProgramStatus.eliminated,
    ]
    error_of(world.as_organizer.post(url, json={}), 409, "round_closed")


def test_close_refuses_while_score_sheets_are_missing(world, session):
    world.make_round()
    world.score(world.programs[0], [(60, 55)] * 3)
    error_of(
        world.as_organizer.post(f"/api/v1/rounds/{world.round.id}/close", json={}), 409, "conflict"
    )
    session.expire_all()
    assert session.get(Round, world.round.id).status is RoundStatus.open


# POST /programs/{id}/recommend


@pytest.fixture
def advanced(world, session):
    world.make_round()
    world.score_the_standard_field()
    a, b = world.programs[:2]
    response = world.as_organizer.post(
        f"/api/v1/rounds/{world.round.id}/close", json={"advance_program_ids": [a.id, b.id]}
    )
    assert response.status_code == 200
    return world


def test_recommend_answers_201_with_the_linked_program(advanced, session):
    world = advanced
    city = factories.make_festival(session, level="city")
    session.commit()
    a = world.programs[0]
    response = world.as_organizer.post(
        f"/api/v1/programs/{a.id}/recommend", json={"festival_id": city.id}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["recommended_from_id"] == a.id and body["festival_id"] == city.id
    assert (body["title"], body["troupe_id"], body["category_name"]) == (
        "Program A",
        a.troupe_id,
        "舞蹈",
    )
    assert body["performer_ids"] == sorted(p.person_id for p in a.performers)
    assert body["status"] == "submitted"


def test_recommend_to_the_same_level_answers_422(advanced, session):
    world = advanced
    other_district = factories.make_festival(session, level="district")
    session.commit()
    error = error_of(
        world.as_organizer.post(
            f"/api/v1/programs/{world.programs[0].id}/recommend",
            json={"festival_id": other_district.id},
        ),
        422,
        "validation_error",
    )
    assert "festival_id" in error["fields"]
    assert count(session, Program, Program.festival_id == other_district.id) == 0
