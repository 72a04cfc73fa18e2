"""Festival days and deadlines outside the years 2000 to 2100 on the festival pages (HTTP
tests): the form says so next to the field and nothing is stored or changed."""

from datetime import date

import pytest
from sqlalchemy import select

from festival.festivals.models import Festival
from tests.checks import row_count

EN = {"Accept-Language": "en"}
MESSAGE = "Enter a date from 2000-01-01 to 2100-12-31."
OUTSIDE = [
    ("starts_on", "0001-01-01"),
    ("starts_on", "9999-12-31"),
    ("ends_on", "9999-12-31"),
    ("ends_on", "1999-12-31"),
    ("submission_deadline", "0001-01-01T00:00"),
    ("submission_deadline", "9999-12-31T23:59"),
    ("submission_deadline", "2101-01-01T00:00"),
]


def festival_form(office, **changes) -> dict:
    return {
        "name": "2027年崇川区老年文艺汇演",
        "level": "district",
        "organization_id": office.id,
        "year": "2027",
        "starts_on": "2027-05-18",
        "ends_on": "2027-05-18",
        "submission_deadline": "2027-03-31T17:00",
        "timezone": "Asia/Shanghai",
        "min_performer_age": "60",
        "description": "",
    } | changes


@pytest.mark.parametrize(("field", "value"), OUTSIDE)
def test_a_new_festival_at_either_end_of_time_is_refused_next_to_the_field(
    client, session, login_as, office, field, value
):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new", festival_form(office, **{field: value}), headers=EN
    )
    assert response.status_code == 200  # the form again, with its error
    assert MESSAGE in response.get_data(as_text=True)
    assert row_count(session, Festival) == 0


@pytest.mark.parametrize(("field", "value"), OUTSIDE)
def test_editing_a_festival_to_either_end_of_time_is_refused_and_changes_nothing(
    client, session, login_as, office, festival, field, value
):
    login_as("organizer", organization=office)
    response = client.post_form(
        f"/festivals/{festival.id}/edit", festival_form(office, **{field: value}), headers=EN
    )
    assert MESSAGE in response.get_data(as_text=True)
    session.expire_all()
    kept = session.execute(select(Festival)).scalar_one()
    assert (kept.starts_on, kept.ends_on) == (date(2026, 5, 1), date(2026, 5, 1))


def test_an_office_id_beyond_the_database_is_an_invalid_choice(client, session, login_as, office):
    login_as("admin")
    response = client.post_form(
        "/festivals/new", festival_form(office, organization_id="99999999999999999999"), headers=EN
    )
    assert response.status_code == 200
    assert row_count(session, Festival) == 0
