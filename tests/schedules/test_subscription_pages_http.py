"""The subscribe page and the members' share page: the https link to copy, the .ics file,
webcal:// for Apple and Outlook, steps for Chinese phones; the share page reached by the
feed's secret, without a login, retired with the secret."""

import re
from urllib.parse import quote

import pytest

from festival.schedules.models import CalendarFeed
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.fixture
def team(session, login_as, office):
    leader = login_as("leader", username="taichi")
    troupe = factories.make_troupe(
        session, name="太极拳展示队", organization=office, kind="team", leader=leader
    )
    session.commit()
    return troupe, leader


def secret_of(session, troupe) -> str:
    return session.query(CalendarFeed.secret).filter_by(troupe_id=troupe.id).scalar()


def test_the_subscribe_page_offers_the_https_link_a_copy_button_the_file_and_the_share_page(
    client, session, team
):
    troupe, _ = team
    page = client.get(f"/troupes/{troupe.id}/calendar", headers=EN).get_data(as_text=True)
    secret = secret_of(session, troupe)
    assert f'id="feed-url" value="http://localhost/calendar/{secret}.ics" readonly' in page
    assert 'data-copy-from="feed-url"' in page and 'aria-live="polite"' in page
    assert f'href="http://localhost/calendar/{secret}.ics?download=1" download' in page
    assert f'href="webcal://localhost/calendar/{secret}.ics"' in page
    assert f'value="http://localhost/calendars/{secret}/" readonly' in page
    assert "js/copy-link.js" in page
    for phone in ("Xiaomi", "Huawei", "OPPO", "vivo", "iPhone", "Outlook"):
        assert f"<summary>{phone}" in page
    assert "google" not in page.lower()
    assert "does not change when the schedule changes" in page
    assert '<input checked id="evening_before"' in page


def test_the_share_page_works_logged_out_and_reveals_no_more_than_the_feed(
    app, client, session, team
):
    troupe, leader = team
    client.get(f"/troupes/{troupe.id}/calendar")
    secret = secret_of(session, troupe)
    anonymous = app.test_client()
    response = anonymous.get(f"/calendars/{secret}/", headers=EN)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    page = response.get_data(as_text=True)
    assert "太极拳展示队" in page
    assert f'value="http://localhost/calendar/{secret}.ics" readonly' in page
    assert f'href="http://localhost/calendar/{secret}.ics?download=1"' in page
    assert re.search(r'<svg[^>]*class="qr"', page)
    assert "Reminders: the evening before at 19:00, and one hour before" in page
    assert leader.display_name not in page and "/rotate" not in page
    assert f"/troupes/{troupe.id}" not in page


def test_the_calendar_file_downloads_as_an_attachment_named_after_the_troupe(
    app, client, session, team
):
    troupe, _ = team
    client.get(f"/troupes/{troupe.id}/calendar")
    secret = secret_of(session, troupe)
    anonymous = app.test_client()
    response = anonymous.get(f"/calendar/{secret}.ics?download=1")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"calendar.ics\"; filename*=UTF-8''" + quote("太极拳展示队.ics")
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.data == anonymous.get(f"/calendar/{secret}.ics").data
    assert response.data.startswith(b"BEGIN:VCALENDAR")


def test_a_new_secret_retires_the_share_page_and_the_file(app, client, session, team):
    troupe, _ = team
    client.get(f"/troupes/{troupe.id}/calendar")
    old = secret_of(session, troupe)
    anonymous = app.test_client()
    assert anonymous.get(f"/calendars/{old}/").status_code == 200
    assert client.post_form(f"/troupes/{troupe.id}/calendar/rotate").status_code == 302
    assert anonymous.get(f"/calendars/{old}/").status_code == 404
    assert anonymous.get(f"/calendar/{old}.ics?download=1").status_code == 404
    new = secret_of(session, troupe)
    assert anonymous.get(f"/calendars/{new}/").status_code == 200


@pytest.mark.parametrize("secret", ["nope", "x" * 80])
def test_a_wrong_secret_has_no_share_page(app, client, session, team, secret):
    troupe, _ = team
    client.get(f"/troupes/{troupe.id}/calendar")
    right = secret_of(session, troupe)
    anonymous = app.test_client()
    assert anonymous.get(f"/calendars/{secret}/").status_code == 404
    assert anonymous.get(f"/calendars/{right[:16]}{'A' * 27}/").status_code == 404


def test_only_those_who_manage_the_troupe_change_its_reminders(app, client, session, team, office):
    troupe, _ = team
    client.get(f"/troupes/{troupe.id}/calendar")
    other = factories.make_user(session, role="leader", username="other")
    session.commit()
    client.post_form("/logout")
    client.login(other.username)
    refused = client.post_form(f"/troupes/{troupe.id}/calendar/reminders", {})
    assert refused.status_code in {403, 404}
    feed = session.query(CalendarFeed).filter_by(troupe_id=troupe.id).one()
    session.refresh(feed)
    assert feed.remind_evening_before and feed.remind_hour_before


def test_the_leader_turns_the_reminders_off_on_the_subscribe_page(client, session, team):
    troupe, _ = team
    client.get(f"/troupes/{troupe.id}/calendar")
    saved = client.post_form(f"/troupes/{troupe.id}/calendar/reminders", {}, headers=EN)
    assert saved.status_code == 302
    page = client.get(f"/troupes/{troupe.id}/calendar", headers=EN).get_data(as_text=True)
    assert "Reminders saved" in page
    assert '<input checked id="evening_before"' not in page
    assert "Reminders: " not in page.split('id="reminders"')[0]


def test_the_festival_calendar_file_downloads_as_an_attachment(client, session, festival):
    response = client.get(f"/festivals/{festival.slug}/calendar.ics?download=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{festival.slug}.ics"; filename*=UTF-8'
    )
