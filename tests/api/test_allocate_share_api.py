"""POST /api/v1/festivals/{id}/awards/allocate with shares, by category and a minimum score;
GET /api/v1/festivals/{id}/awards grouped by category (issue 18)."""

import pytest

from festival.awards.models import Award
from tests import factories
from tests.checks import refusal as error_of
from tests.checks import row_count as count

NOW = factories.NOW


class World:
    """A festival with the categories Dance and Song; a closed round ranked by category over
    ``marks`` (category name → marks out of 100, one judge)."""

    def __init__(self, session, api, marks: dict[str, list[str]]):
        self.session = session
        office = factories.make_organization(session, name="District Office")
        self.festival = factories.make_festival(
            session, organization=office, categories=("Dance", "Song")
        )
        self.organizer = factories.make_user(session, role="organizer", organization=office)
        categories = {c.name: c for c in self.festival.categories}
        self.programs = {
            name: [
                factories.make_program(
                    session, festival=self.festival, category=categories[name], title=f"{name} {i}"
                )
                for i in range(1, len(values) + 1)
            ]
            for name, values in marks.items()
        }
        self.round = factories.make_closed_round(
            session,
            festival=self.festival,
            organizer=self.organizer,
            marks={
                program: mark
                for name, values in marks.items()
                for program, mark in zip(self.programs[name], values, strict=True)
            },
            ranking="by_category",
        )
        session.commit()
        self.as_organizer = api.as_user(self.organizer)

    def allocate(self, **body):
        return self.as_organizer.post(
            f"/api/v1/festivals/{self.festival.id}/awards/allocate",
            json={"round_id": self.round.id, **body},
        )


MARKS = {"Dance": ["90", "80", "70", "60", "50"], "Song": ["88", "77"]}


@pytest.fixture
def world(app, session, api) -> World:
    return World(session, api, MARKS)


def test_shares_by_category_give_each_category_floor_of_its_ranked_programs(world, session):
    response = world.allocate(
        by_category=True,
        tiers=[{"tier": "first", "share": "0.4"}, {"tier": "second", "count": 1}],
    )
    assert response.status_code == 201, response.get_json()
    items = response.get_json()["items"]
    assert [(i["category_name"], i["tier"], i["program_title"]) for i in items] == [
        ("Dance", "first", "Dance 1"),
        ("Dance", "first", "Dance 2"),
        ("Dance", "second", "Dance 3"),
        ("Song", "second", "Song 1"),
    ]
    categories = {c.name: c.id for c in world.festival.categories}
    saved = session.query(Award).order_by(Award.id).all()
    assert [a.category_id for a in saved] == [categories["Dance"]] * 3 + [categories["Song"]]


def test_min_score_leaves_places_below_it_vacant(world):
    response = world.allocate(
        by_category=True, min_score="85", tiers=[{"tier": "first", "count": 2}]
    )
    assert response.status_code == 201, response.get_json()
    assert [i["program_title"] for i in response.get_json()["items"]] == ["Dance 1", "Song 1"]


def test_the_existing_contract_with_counts_overall_is_unchanged(world):
    response = world.allocate(tiers=[{"tier": "first", "count": 1}, {"tier": "second", "count": 2}])
    assert response.status_code == 201, response.get_json()
    assert [(i["tier"], i["program_title"]) for i in response.get_json()["items"]] == [
        ("first", "Dance 1"),
        ("second", "Song 1"),
        ("second", "Dance 2"),
    ]


@pytest.mark.parametrize(
    "tier",
    [
        {"tier": "first", "count": 1, "share": "0.5"},
        {"tier": "first"},
        {"tier": "first", "share": "1.5"},
    ],
)
def test_a_tier_with_both_or_neither_or_a_share_out_of_range_is_422_naming_it(world, session, tier):
    response = world.allocate(by_category=True, tiers=[{"tier": "second", "count": 1}, tier])
    error = error_of(response, 422, "validation_error")
    assert "tiers.1" in error["fields"]
    assert count(session, Award) == 0


def test_a_tie_at_a_boundary_in_any_category_is_409_and_awards_nothing(app, session, api):
    world = World(session, api, {"Dance": ["90", "80"], "Song": ["88", "88", "70"]})
    response = world.allocate(
        by_category=True, tiers=[{"tier": "first", "count": 1}, {"tier": "second", "count": 1}]
    )
    error = error_of(response, 409, "tie_at_boundary")
    song = world.programs["Song"]
    assert error["fields"]["tiers"] == [str(song[0].id), str(song[1].id)]
    assert "《Song 1》" in error["message"] and "《Song 2》" in error["message"]
    assert count(session, Award) == 0


def test_the_award_list_is_grouped_by_category_then_tier(world, session):
    world.allocate(
        by_category=True, tiers=[{"tier": "first", "count": 1}, {"tier": "second", "count": 1}]
    )
    response = world.as_organizer.get(f"/api/v1/festivals/{world.festival.id}/awards")
    assert [(i["category_name"], i["tier"]) for i in response.get_json()["items"]] == [
        ("Dance", "first"),
        ("Dance", "second"),
        ("Song", "first"),
        ("Song", "second"),
    ]
