"""The bounds that every form shares (``festival.web.forms``: dates within the years 2000 to
2100, ids within the database's integers) on pages of several domains (HTTP tests): a value
outside is an error on the form, never a server error."""

import pytest

from festival.programs.models import Program
from festival.troupes.models import Membership, Troupe
from tests import factories
from tests.checks import row_count

EN = {"Accept-Language": "en"}
HUGE = "99999999999999999999"
DATE_MESSAGE = "Enter a date from 2000-01-01 to 2100-12-31."


@pytest.fixture
def leader_troupe(session, login_as, office):
    leader = login_as("leader", username="wanniangqing")
    troupe = factories.make_troupe(session, name="万年青歌舞团", organization=office, leader=leader)
    session.commit()
    return troupe


@pytest.mark.parametrize("field", ["organization_id", "leader_id"])
def test_a_troupe_naming_an_id_beyond_the_database_is_refused(
    client, session, login_as, office, field
):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/troupes/new",
        {"name": "夕阳红舞蹈队", "kind": "troupe", "organization_id": office.id, field: HUGE},
        headers=EN,
    )
    assert response.status_code in (200, 422)
    assert row_count(session, Troupe) == 0


def test_adding_a_person_by_an_id_beyond_the_database_is_refused(client, session, leader_troupe):
    response = client.post_form(
        f"/troupes/{leader_troupe.id}/members", {"person_id": HUGE, "role": "member"}, headers=EN
    )
    assert response.status_code == 422
    assert row_count(session, Membership) == 0


@pytest.mark.parametrize("field", ["category_id", "performer_ids"])
def test_a_program_naming_an_id_beyond_the_database_is_refused(
    client, session, festival, leader_troupe, field
):
    member = factories.make_person(session, troupe=leader_troupe)
    session.commit()
    data = {
        "title": "和谐大家园",
        "category_id": festival.categories[0].id,
        "duration_minutes": "6",
        "performer_ids": [member.id],
    } | {field: HUGE}
    response = client.post_form(
        f"/festivals/{festival.id}/programs/new?troupe_id={leader_troupe.id}", data, headers=EN
    )
    assert response.status_code in (200, 422)
    assert row_count(session, Program) == 0


@pytest.mark.parametrize(
    "query",
    ["date_from=0001-01-01", "date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31"],
)
def test_the_audit_log_filtered_by_a_date_out_of_range_says_so(client, login_as, query):
    login_as("admin")
    response = client.get(f"/audit?{query}", headers=EN)
    assert response.status_code == 200
    assert DATE_MESSAGE in response.get_data(as_text=True)
