"""Awards through the JSON API: giving awards by hand, allocating them down a closed round,
the award list and who may read it, publication, corrections, and every status code."""

from datetime import timedelta

import pytest

from festival.audit.models import AuditEntry
from festival.awards import services as awards
from festival.awards.models import Award
from festival.festivals.models import Festival
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from tests import factories
from tests.checks import refusal as error_of
from tests.checks import row_count as count

NOW = factories.NOW
CONTRACT_FIELDS = {
    "id",
    "tier",
    "title",
    "program_id",
    "program_title",
    "troupe_name",
    "organization_id",
    "organization_name",
    "category_name",
    "score",
    "certificate_number",
}


class World:
    """A district office running a festival; its organizer; a leader and a judge; programs
    "Program A", "Program B", ... of the troupe "Sunset Dancers" of the village "West Village"."""

    def __init__(self, session, api, *, programs=4):
        self.session = session
        self.api = api
        self.office = factories.make_organization(session, name="District Office")
        self.village = factories.make_organization(
            session, name="West Village", level="other", parent=self.office
        )
        self.festival = factories.make_festival(
            session, organization=self.office, categories=("Dance", "Song")
        )
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        self.leader = factories.make_user(session, role="leader")
        self.judge = factories.make_user(session, role="judge")
        self.troupe = factories.make_troupe(
            session, name="Sunset Dancers", organization=self.village, leader=self.leader
        )
        self.programs = [
            factories.make_program(
                session, festival=self.festival, troupe=self.troupe, title=f"Program {chr(65 + i)}"
            )
            for i in range(programs)
        ]
        session.commit()
        self.as_organizer = api.as_user(self.organizer)
        self._clients = {}

    def as_(self, user):
        if user.id not in self._clients:
            self._clients[user.id] = self.api.as_user(user)
        return self._clients[user.id]

    def make_round(self, *marks, close=True):
        """A round over the first len(marks) programs, scored by the judge on one criterion out
        of 100, so a program's score is its mark; closed unless ``close`` is false."""
        round_ = judging.create_round(
            self.session,
            festival=self.festival,
            name="Final",
            aggregation="mean",
            criteria=[{"name": "art", "max_score": 100}],
            advance_count=None,
            actor=self.organizer,
            now=NOW,
        )
        judging.assign_judge(
            self.session, round_=round_, user_id=self.judge.id, actor=self.organizer, now=NOW
        )
        chosen = self.programs[: len(marks)]
        judging.add_entries(
            self.session,
            round_=round_,
            program_ids=[p.id for p in chosen],
            actor=self.organizer,
            now=NOW,
        )
        for program, mark in zip(chosen, marks, strict=True):
            judging_scores.save_scores(
                self.session,
                round_=round_,
                program_id=program.id,
                judge=self.judge,
                values={"art": mark},
                now=NOW,
            )
        if close:
            judging.close_round(
                self.session, round_=round_, advance_program_ids=None, actor=self.organizer, now=NOW
            )
        self.session.commit()
        return round_

    def award(self, program, tier="first", **fields):
        """An award given through the services."""
        award = awards.create_award(
            self.session,
            festival=self.festival,
            tier=tier,
            program_id=program.id,
            actor=self.organizer,
            now=NOW,
            **fields,
        )
        self.session.commit()
        return award

    def url(self, tail=""):
        return f"/api/v1/festivals/{self.festival.id}{tail}"


@pytest.fixture
def world(app, session, api) -> World:
    return World(session, api)


def fresh_festival(session, festival_id: int) -> Festival:
    session.expire_all()
    return session.get(Festival, festival_id)


# POST /festivals/{id}/awards


def test_create_award_answers_201_with_the_contract_fields(world, session):
    program = world.programs[0]
    response = world.as_organizer.post(
        world.url("/awards"), json={"tier": "first", "program_id": program.id}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == CONTRACT_FIELDS
    stored = session.get(Award, body["id"])
    assert body == {
        "id": stored.id,
        "tier": "first",
        "title": "",
        "program_id": program.id,
        "program_title": "Program A",
        "troupe_name": "Sunset Dancers",
        "organization_id": world.village.id,
        "organization_name": "West Village",
        "category_name": "Dance",
        "score": None,
        "certificate_number": f"{world.festival.year}-{world.festival.id:04d}-{stored.id:05d}",
    }


def test_create_award_answers_422_for_a_program_of_another_festival(world, session):
    other = factories.make_festival(world.session)
    foreign = factories.make_program(world.session, festival=other)
    world.session.commit()
    response = world.as_organizer.post(
        world.url("/awards"), json={"tier": "first", "program_id": foreign.id}
    )
    error = error_of(response, 422, "validation_error")
    assert set(error["fields"]) == {"program_id"}
    assert count(session, Award) == 0


def test_create_award_gives_an_organisation_award_with_its_title(world, session):
    response = world.as_organizer.post(
        world.url("/awards"),
        json={"tier": "organization", "organization_id": world.village.id, "title": "优秀组织奖"},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (
        body["tier"],
        body["title"],
        body["program_id"],
        body["organization_id"],
        body["organization_name"],
    ) == ("organization", "优秀组织奖", None, world.village.id, "West Village")


def test_create_award_answers_422_for_an_organisation_award_without_an_organisation(world, session):
    response = world.as_organizer.post(
        world.url("/awards"), json={"tier": "organization", "title": "优秀组织奖"}
    )
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"organization_id"}
    assert count(session, Award) == 0


def test_create_award_answers_422_for_an_unknown_tier(world, session):
    response = world.as_organizer.post(
        world.url("/awards"), json={"tier": "gold", "program_id": world.programs[0].id}
    )
    assert "tier" in error_of(response, 422, "validation_error")["fields"]
    assert count(session, Award) == 0


# POST /festivals/{id}/awards/allocate


def test_allocate_answers_201_with_the_awards_by_rank(world, session):
    round_ = world.make_round("87.5", "92", "70.25", "60")
    a, b, c, _ = world.programs
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={
            "round_id": round_.id,
            "tiers": [{"tier": "first", "count": 1}, {"tier": "second", "count": 2}],
        },
    )
    assert response.status_code == 201, response.get_json()
    items = response.get_json()["items"]
    assert [(i["tier"], i["program_id"], i["score"]) for i in items] == [
        ("first", b.id, "92.00"),
        ("second", a.id, "87.50"),
        ("second", c.id, "70.25"),
    ]
    assert all(set(item) == CONTRACT_FIELDS for item in items)
    assert len({item["certificate_number"] for item in items}) == 3
    assert count(session, Award) == 3
    assert count(session, AuditEntry, AuditEntry.action == "allocate_awards") == 1


def test_allocate_answers_the_awards_by_rank_whatever_the_order_of_the_tiers(world, session):
    round_ = world.make_round("90", "80", "70")
    a, b, c, _ = world.programs
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={
            "round_id": round_.id,
            "tiers": [
                {"tier": "special", "count": 1},
                {"tier": "first", "count": 1},
                {"tier": "excellence", "count": 1},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    assert [(i["tier"], i["program_id"]) for i in response.get_json()["items"]] == [
        ("special", a.id),
        ("first", b.id),
        ("excellence", c.id),
    ]


def test_allocate_leaves_a_place_below_the_minimum_score_vacant(world, session):
    round_ = world.make_round("88", "84", "70")
    a, b, _, _ = world.programs
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={
            "round_id": round_.id,
            "tiers": [
                {"tier": "first", "count": 1, "min_score": "90"},
                {"tier": "second", "count": 2},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    assert [(i["tier"], i["program_id"]) for i in response.get_json()["items"]] == [
        ("second", a.id),
        ("second", b.id),
    ]


def test_allocate_answers_400_for_a_minimum_score_that_is_not_a_number(world, session):
    round_ = world.make_round("88", "84")
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={"round_id": round_.id, "tiers": [{"tier": "first", "count": 1, "min_score": "high"}]},
    )
    assert "tiers.0.min_score" in error_of(response, 400, "bad_request")["fields"]
    assert count(session, Award) == 0


def test_allocate_answers_409_tie_at_boundary_naming_the_programs_and_saves_nothing(world, session):
    round_ = world.make_round("95", "88", "88", "70")
    _, b, c, _ = world.programs
    before = count(session, Award), count(session, AuditEntry)
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={
            "round_id": round_.id,
            "tiers": [{"tier": "first", "count": 1}, {"tier": "second", "count": 1}],
        },
    )
    error = error_of(response, 409, "tie_at_boundary")
    assert sorted(map(int, error["fields"]["tiers"])) == sorted([b.id, c.id])
    assert "Program B" in error["message"] and "Program C" in error["message"]
    assert (count(session, Award), count(session, AuditEntry)) == before


def test_allocate_answers_409_from_an_open_round_and_saves_nothing(world, session):
    round_ = world.make_round("95", "88", close=False)
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={"round_id": round_.id, "tiers": [{"tier": "first", "count": 1}]},
    )
    assert "round_id" in error_of(response, 409, "conflict")["fields"]
    assert count(session, Award) == 0


def test_allocate_answers_422_for_more_awards_than_entries(world, session):
    round_ = world.make_round("95", "88")
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={
            "round_id": round_.id,
            "tiers": [{"tier": "first", "count": 1}, {"tier": "second", "count": 2}],
        },
    )
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"tiers"}
    assert count(session, Award) == 0


def test_allocate_answers_409_for_programs_awarded_already(world, session):
    round_ = world.make_round("95", "88")
    world.award(world.programs[0], tier="special")
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={"round_id": round_.id, "tiers": [{"tier": "first", "count": 1}]},
    )
    error_of(response, 409, "conflict")
    assert count(session, Award) == 1


def test_allocate_answers_422_for_a_round_of_another_festival(world, session):
    other = factories.make_festival(world.session)
    round_ = judging.create_round(
        world.session,
        festival=other,
        name="Other",
        criteria=[{"name": "art", "max_score": 10}],
        actor=world.organizer,
        now=NOW,
    )
    world.session.commit()
    response = world.as_organizer.post(
        world.url("/awards/allocate"),
        json={"round_id": round_.id, "tiers": [{"tier": "first", "count": 1}]},
    )
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"round_id"}


@pytest.mark.parametrize(
    "tiers",
    [
        [{"tier": "organization", "count": 1}],
        [{"tier": "first", "count": -1}],
        [{"tier": "first", "count": 0}],
        [],
    ],
)
def test_allocate_answers_422_for_tiers_that_give_no_prize(world, session, tiers):
    round_ = world.make_round("95", "88")
    response = world.as_organizer.post(
        world.url("/awards/allocate"), json={"round_id": round_.id, "tiers": tiers}
    )
    error_of(response, 422, "validation_error")
    assert count(session, Award) == 0


# GET /festivals/{id}/awards


def test_award_list_is_hidden_from_anyone_but_organizers_until_published(world, api, session):
    world.award(world.programs[0])
    error_of(api.get(world.url("/awards")), 404, "not_found")
    error_of(world.as_(world.leader).get(world.url("/awards")), 404, "not_found")
    response = world.as_organizer.get(world.url("/awards"))
    assert response.status_code == 200, response.get_json()
    assert [i["program_id"] for i in response.get_json()["items"]] == [world.programs[0].id]


def test_award_list_is_public_once_published(world, api, session):
    world.award(world.programs[0])
    assert world.as_organizer.post(world.url("/publish"), json={}).status_code == 200
    for client in (api, world.as_(world.leader), world.as_organizer):
        response = client.get(world.url("/awards"))
        assert response.status_code == 200, response.get_json()
        assert [i["program_id"] for i in response.get_json()["items"]] == [world.programs[0].id]


def test_award_list_is_hidden_again_after_unpublishing(world, api, session):
    world.award(world.programs[0])
    world.as_organizer.post(world.url("/publish"), json={"notice_days": 5})
    assert api.get(world.url("/awards")).status_code == 200
    response = world.as_organizer.post(world.url("/unpublish"))
    assert response.status_code == 200, response.get_json()
    error_of(api.get(world.url("/awards")), 404, "not_found")


def test_award_list_puts_the_best_tier_first_then_the_score(world, session):
    round_ = world.make_round("70", "95", "80", "85")
    a, b, c, d = world.programs
    awards.allocate_awards(
        session,
        festival=world.festival,
        round_id=round_.id,
        tiers=[("excellence", 2)],
        actor=world.organizer,
        now=NOW,
    )
    world.award(a, tier="third")
    world.award(c, tier="first")
    session.commit()
    items = world.as_organizer.get(world.url("/awards")).get_json()["items"]
    assert [(i["tier"], i["program_id"], i["score"]) for i in items] == [
        ("first", c.id, None),
        ("third", a.id, None),
        ("excellence", b.id, "95.00"),
        ("excellence", d.id, "85.00"),
    ]


def test_award_list_of_an_unknown_festival_is_404(world, api):
    error_of(world.as_organizer.get("/api/v1/festivals/99999/awards"), 404, "not_found")


# POST /festivals/{id}/publish, /unpublish


def test_publish_answers_200_with_the_announced_festival(world, session):
    world.award(world.programs[0])
    response = world.as_organizer.post(world.url("/publish"), json={"notice_days": 7})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "announced"
    festival = fresh_festival(session, world.festival.id)
    assert festival.published_at is not None
    assert festival.notice_until == festival.published_at + timedelta(days=7)


def test_publish_twice_answers_409(world, session):
    world.award(world.programs[0])
    assert world.as_organizer.post(world.url("/publish"), json={}).status_code == 200
    published_at = fresh_festival(session, world.festival.id).published_at
    error_of(world.as_organizer.post(world.url("/publish"), json={}), 409, "conflict")
    assert fresh_festival(session, world.festival.id).published_at == published_at


def test_publish_without_awards_answers_422(world, session):
    status = world.festival.status
    error_of(world.as_organizer.post(world.url("/publish"), json={}), 422, "validation_error")
    assert fresh_festival(session, world.festival.id).status is status


def test_publish_answers_422_for_notice_days_out_of_range(world, session):
    world.award(world.programs[0])
    response = world.as_organizer.post(world.url("/publish"), json={"notice_days": 61})
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"notice_days"}
    assert fresh_festival(session, world.festival.id).published_at is None


def test_unpublish_when_nothing_is_published_answers_409(world):
    error_of(world.as_organizer.post(world.url("/unpublish")), 409, "conflict")


# DELETE /awards/{id}


def test_remove_award_answers_204_then_404(world, session):
    url = f"/api/v1/awards/{world.award(world.programs[0]).id}"
    response = world.as_organizer.delete(url)
    assert response.status_code == 204
    assert count(session, Award) == 0
    error_of(world.as_organizer.delete(url), 404, "not_found")


def test_remove_award_answers_409_once_the_results_are_final(world, session):
    award = world.award(world.programs[0])
    world.as_organizer.post(world.url("/publish"), json={})
    error_of(world.as_organizer.delete(f"/api/v1/awards/{award.id}"), 409, "conflict")
    assert count(session, Award) == 1


def test_remove_award_during_the_notice_answers_204(world, session):
    award = world.award(world.programs[0])
    world.award(world.programs[1], tier="second")
    world.as_organizer.post(world.url("/publish"), json={"notice_days": 7})
    assert world.as_organizer.delete(f"/api/v1/awards/{award.id}").status_code == 204
    assert count(session, Award) == 1


# who may write


def writes(world, award_id, round_id):
    return [
        ("post", world.url("/awards"), {"tier": "first", "program_id": world.programs[1].id}),
        (
            "post",
            world.url("/awards/allocate"),
            {"round_id": round_id, "tiers": [{"tier": "first", "count": 1}]},
        ),
        ("post", world.url("/publish"), {}),
        ("post", world.url("/unpublish"), None),
        ("delete", f"/api/v1/awards/{award_id}", None),
    ]


@pytest.mark.parametrize("role", ["leader", "judge"])
def test_award_writes_are_forbidden_to_leaders_and_judges(world, session, role):
    award = world.award(world.programs[0])
    round_ = world.make_round("90", "80")
    client = world.as_(world.leader if role == "leader" else world.judge)
    before = count(session, Award), count(session, AuditEntry)
    for method, url, body in writes(world, award.id, round_.id):
        kwargs = {"json": body} if method == "post" else {}
        error_of(getattr(client, method)(url, **kwargs), 403, "forbidden")
    assert (count(session, Award), count(session, AuditEntry)) == before
    assert fresh_festival(session, world.festival.id).published_at is None


def test_award_writes_need_a_login(world, api, session):
    award = world.award(world.programs[0])
    round_ = world.make_round("90", "80")
    before = count(session, Award), count(session, AuditEntry)
    for method, url, body in writes(world, award.id, round_.id):
        kwargs = {"json": body} if method == "post" else {}
        error_of(getattr(api, method)(url, **kwargs), 401, "unauthorized")
    assert (count(session, Award), count(session, AuditEntry)) == before


def test_an_organizer_of_another_office_may_not_give_awards(world, session):
    stranger = factories.make_user(world.session, role="organizer")
    response = world.as_(stranger).post(
        world.url("/awards"), json={"tier": "first", "program_id": world.programs[0].id}
    )
    error_of(response, 403, "forbidden")
    assert count(session, Award) == 0
