"""Intake (HTTP and service tests): setting up a screening round leaves submissions open;
closing them is the organizer's explicit action, asked first; a festival's dates are
checked against each other in the service, so the page and the API refuse alike."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.festivals.models import Festival, FestivalStatus
from festival.judging import services as judging
from festival.judging.models import RoundEntry
from tests import factories
from tests.checks import row_count

EN = {"Accept-Language": "en"}
DEADLINE_MESSAGE = "The submission deadline must be on or before the first day"


def text(response) -> str:
    return response.get_data(as_text=True)


def festival_form(office, **changes) -> dict:
    return {
        "name": "2027年崇川区老年文艺汇演",
        "level": "district",
        "organization_id": office.id,
        "year": "2027",
        "starts_on": "2027-05-18",
        "ends_on": "2027-05-19",
        "submission_deadline": "2027-03-31T17:00",
        "timezone": "Asia/Shanghai",
        "min_performer_age": "60",
        "description": "",
    } | changes


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


# --- a round does not close intake ------------------------------------------------------------


def test_creating_the_first_round_leaves_the_festival_open_for_submissions(
    client, session, login_as, office, festival
):
    login_as("organizer", organization=office)
    response = client.post_form(
        f"/festivals/{festival.id}/rounds",
        {
            "name": "初赛",
            "aggregation": "trimmed_mean",
            "criteria-0-name": "艺术表现",
            "criteria-0-max_score": "100",
            "criteria-0-weight": "1",
        },
        headers=EN,
    )
    assert response.status_code == 302, text(response)
    session.expire_all()
    assert session.get(Festival, festival.id).status is FestivalStatus.open


def test_a_program_submitted_after_the_round_is_set_up_can_be_entered_by_the_organizer(
    session, festival, organizer
):
    first = factories.make_program(session, festival=festival)
    round_ = judging.create_round(
        session,
        festival=festival,
        name="初赛",
        criteria=[{"name": "艺术表现", "max_score": 100}],
        actor=organizer,
        now=factories.NOW,
    )
    judging.add_entries(
        session, round_=round_, program_ids=[first.id], actor=organizer, now=factories.NOW
    )
    later = factories.make_program(session, festival=festival)  # intake is still open
    assert festival.status is FestivalStatus.open
    assert later.status.value == "submitted"  # not entered by itself
    judging.add_entries(
        session, round_=round_, program_ids=[later.id], actor=organizer, now=factories.NOW
    )
    entered = session.execute(
        select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
    ).scalars()
    assert set(entered) == {first.id, later.id}


# --- closing intake is explicit and asked first -----------------------------------------------


def test_the_festival_page_says_submissions_are_open_and_offers_to_close_them(
    client, login_as, office, festival
):
    login_as("organizer", organization=office)
    html = text(client.get(f"/festivals/{festival.id}", headers=EN))
    assert 'id="intake"' in html
    assert "Setting up a screening round does not close submissions." in html
    assert f'href="/festivals/{festival.id}/close-intake"' in html


def test_closing_intake_asks_first_then_closes_on_confirmation(
    client, session, login_as, office, festival
):
    login_as("organizer", organization=office)
    url = f"/festivals/{festival.id}/close-intake"
    question = client.get(url, headers=EN)
    assert question.status_code == 200
    assert "Close 崇川区老年文艺汇演 to submissions?" in text(question)
    # The button without confirm only asks again; nothing changes.
    again = client.post_form(url, headers=EN)
    assert again.status_code == 200 and "Yes, close submissions" in text(again)
    session.expire_all()
    assert session.get(Festival, festival.id).status is FestivalStatus.open
    done = client.post_form(url, {"confirm": "yes"}, headers=EN)
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Festival, festival.id).status is FestivalStatus.screening
    actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "close_intake" in actions
    page = text(client.get(f"/festivals/{festival.id}", headers=EN))
    assert "Closed: troupes can no longer submit" in page


def test_the_api_closes_intake_explicitly(app, session, api, office, festival):
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()
    caller = api.as_user(organizer)
    response = caller.post(f"/api/v1/festivals/{festival.id}/close-intake")
    assert response.status_code == 200
    assert response.get_json()["status"] == "screening"
    assert caller.post(f"/api/v1/festivals/{festival.id}/close-intake").status_code == 409


# --- dates in order ---------------------------------------------------------------------------


def test_a_deadline_after_the_first_day_is_refused_on_the_field(client, session, login_as, office):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new",
        festival_form(office, submission_deadline="2027-05-20T17:00"),
        headers=EN,
    )
    assert response.status_code == 200
    assert DEADLINE_MESSAGE in field_error(text(response), "submission_deadline")
    assert row_count(session, Festival) == 0


def test_a_deadline_on_the_first_day_is_accepted(client, session, login_as, office):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new",
        festival_form(office, submission_deadline="2027-05-18T09:00"),
        headers=EN,
    )
    assert response.status_code == 302
    assert row_count(session, Festival) == 1


def test_editing_a_festival_cannot_move_its_first_day_before_the_deadline(
    client, session, login_as, office, festival
):
    login_as("organizer", organization=office)
    response = client.post_form(
        f"/festivals/{festival.id}/edit",
        festival_form(
            office,
            starts_on="2026-04-01",
            ends_on="2026-04-02",
            submission_deadline="2026-04-20T16:00",
        ),
        headers=EN,
    )
    assert DEADLINE_MESSAGE in field_error(text(response), "submission_deadline")
    session.expire_all()
    assert session.get(Festival, festival.id).starts_on == date(2026, 5, 1)


def test_the_last_day_before_the_first_is_refused_on_the_field(client, login_as, office):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new", festival_form(office, ends_on="2027-05-17"), headers=EN
    )
    assert "cannot end before it starts" in field_error(text(response), "ends_on")


@pytest.mark.parametrize(
    ("deadline", "refused"),
    [
        ("2026-05-02T09:00:00", True),
        ("2026-05-01T23:00:00", False),
        # 2026-04-30 20:00 UTC is 2026-05-01 04:00 in Shanghai: still the first day
        ("2026-04-30T20:00:00Z", False),
        ("2026-05-01T17:00:00Z", True),  # 2026-05-02 01:00 in Shanghai
    ],
)
def test_the_api_refuses_a_deadline_after_the_first_day(app, session, api, deadline, refused):
    office = factories.make_organization(session)
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()
    response = api.as_user(organizer).post(
        "/api/v1/festivals",
        json={
            "name": "Golden Autumn",
            "level": "district",
            "organization_id": office.id,
            "year": 2026,
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-03",
            "submission_deadline": deadline,
        },
        headers=EN,
    )
    if refused:
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "validation_error"
        assert DEADLINE_MESSAGE in error["fields"]["submission_deadline"][0]
    else:
        assert response.status_code == 201, response.get_json()


def test_the_service_refuses_a_deadline_after_the_first_day(session, office):
    from festival.core.errors import ValidationFailed
    from festival.festivals.services import create_festival

    with pytest.raises(ValidationFailed) as refused:
        create_festival(
            session,
            name="x",
            level="district",
            organization_id=office.id,
            year=2026,
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 5, 1),
            submission_deadline=datetime(2026, 5, 3, 0, 0, tzinfo=UTC),
            actor=None,
            now=factories.NOW,
        )
    assert set(refused.value.fields) == {"submission_deadline"}
