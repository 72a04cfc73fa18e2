"""Scores, maximums and weights written with an extreme exponent or endless zeros (HTTP tests):
each is the number it reads as, stored with two places, or a refusal next to its field; never a
server error (the database cannot hold 0E-1000000000 as written). A criterion named twice in
one save, by its id and by its name, is refused rather than one value silently winning."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.judging.models import Criterion, Score
from tests import factories
from tests.checks import row_count
from tests.judging.test_sheet_http import build_round, post_row

EN = {"Accept-Language": "en"}
ENDLESS_ZEROS = "10." + "0" * 16400


def stored_values(session) -> list[Decimal]:
    session.rollback()
    return sorted(session.execute(select(Score.value)).scalars())


@pytest.mark.parametrize(
    ("art", "layout", "stored"),
    [
        ("0e-1000000000", "30", [Decimal("0.00"), Decimal("30.00")]),
        (ENDLESS_ZEROS, "0E+5", [Decimal("0.00"), Decimal("10.00")]),
    ],
)
def test_a_score_with_an_extreme_exponent_is_stored_as_the_number_it_reads(
    session, client, art, layout, stored
):
    round_, programs, (judge,), _ = build_round(session)
    client.login(judge.username)
    response = post_row(client, round_, programs[0], art, layout)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert stored_values(session) == stored


def test_the_api_stores_an_extreme_exponent_as_the_number_it_reads(session, api):
    round_, programs, (judge,), _ = build_round(session)
    art, layout = round_.criteria
    response = api.as_user(judge).put(
        f"/api/v1/rounds/{round_.id}/scores/{programs[0].id}",
        json={"scores": {str(art.id): "0e-1000000000", str(layout.id): ENDLESS_ZEROS}},
    )
    assert response.status_code == 200, response.get_json()
    assert stored_values(session) == [Decimal("0.00"), Decimal("10.00")]


def test_a_criterion_named_by_its_id_and_by_its_name_is_refused(session, api):
    round_, programs, (judge,), _ = build_round(session)
    art, layout = round_.criteria
    response = api.as_user(judge).put(
        f"/api/v1/rounds/{round_.id}/scores/{programs[0].id}",
        json={"scores": {str(art.id): "50", art.name: "10", str(layout.id): "30"}},
        headers=EN,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][art.name] == ["艺术表现 is scored twice."]
    assert row_count(session, Score) == 0


def test_a_maximum_with_an_extreme_exponent_is_the_number_it_reads(session, api):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    sixty = "6" + "0" * 20001 + "e-20000"  # 60, written with 20,000 places
    response = api.as_user(organizer).post(
        f"/api/v1/festivals/{festival.id}/rounds",
        json={
            "name": "初选",
            "criteria": [{"name": "艺术表现", "max_score": sixty, "weight": "1"}],
        },
    )
    assert response.status_code == 201, response.get_json()
    session.rollback()
    assert session.execute(select(Criterion.max_score)).scalar_one() == Decimal("60.00")
