"""Numbers too large to hold on the judging pages (HTTP tests): the judge's score sheet and the
round form refuse them next to the field (422) and store nothing, as the API does; an id too
large for the database is an invalid choice, never a server error."""

import pytest

from festival.judging.models import JudgeAssignment, Round
from tests import factories
from tests.checks import row_count
from tests.judging.test_sheet_http import build_round, post_row, stored_scores

EN = {"Accept-Language": "en"}
NUMBER_MESSAGE = "Enter a number with at most 12 digits before the decimal point."
HUGE = ["1e30", "-1e30", "99999999999999999999", "1E+999999999", "9999999999999.00"]


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_score_on_the_sheet_is_refused_next_to_its_criterion(session, client, value):
    round_, programs, (judge,), _ = build_round(session)
    client.login(judge.username)
    response = post_row(client, round_, programs[0], value, "30")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert NUMBER_MESSAGE in html
    assert f'value="{value}"' in html  # what the judge typed is still there
    assert stored_scores(session) == 0


@pytest.fixture
def rounds_page(session, client):
    """A festival without rounds yet, its organizer logged in."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    session.commit()
    client.login(organizer.username)
    return festival


def round_form(**changes) -> dict:
    return {
        "name": "复赛",
        "aggregation": "mean",
        "advance_count": "",
        "criteria-0-name": "艺术表现",
        "criteria-0-max_score": "60",
        "criteria-0-weight": "1",
    } | changes


@pytest.mark.parametrize("field", ["criteria-0-max_score", "criteria-0-weight"])
@pytest.mark.parametrize("value", ["1e30", "9e15"])
def test_a_huge_maximum_or_weight_on_the_round_form_is_refused(
    session, client, rounds_page, field, value
):
    response = client.post_form(
        f"/festivals/{rounds_page.id}/rounds", round_form(**{field: value}), headers=EN
    )
    assert response.status_code == 422
    assert NUMBER_MESSAGE in response.get_data(as_text=True)
    assert row_count(session, Round) == 0


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999"])
def test_a_number_of_places_beyond_the_database_is_refused(session, client, rounds_page, value):
    response = client.post_form(
        f"/festivals/{rounds_page.id}/rounds", round_form(advance_count=value), headers=EN
    )
    assert response.status_code == 422
    assert row_count(session, Round) == 0


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/rounds/{round}/judges", {"user_id": "99999999999999999999"}, 422),
        (
            "/rounds/{round}/conflicts",
            {"user_id": "99999999999999999999", "program_id": "99999999999999999999"},
            422,
        ),
        (
            "/rounds/{round}/recommend",
            {"program_id": "99999999999999999999", "festival_id": "99999999999999999999"},
            400,
        ),
        (
            "/festivals/{festival}/awards",
            {"tier": "first", "program_id": "99999999999999999999"},
            422,
        ),
        ("/festivals/{festival}/awards/preview", {"round_id": "99999999999999999999"}, 422),
    ],
)
def test_an_id_beyond_the_database_in_a_form_is_refused_not_a_server_error(
    session, client, path, data, status
):
    round_, _programs, _judges, organizer = build_round(session)
    client.login(organizer.username)
    response = client.post_form(
        path.format(round=round_.id, festival=round_.festival_id), data, headers=EN
    )
    assert response.status_code == status
    assert row_count(session, JudgeAssignment) == 1
