"""The schedule pages through the test client (HTTP tests): what a leader or an organizer sees
and what the forms store."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from festival.schedules import attendance, feeds, occurrences, services
from festival.schedules.models import Attendance, CalendarFeed, Event, EventCancellation
from festival.schedules.views import calendar_model
from tests import factories
from tests.checks import row_count
from tests.html import Page

EN = {"Accept-Language": "en"}
ZONE = "Asia/Shanghai"

WEEKLY = {
    "title": "每周集中训练",
    "kind": "training",
    "day": "2027-05-01",
    "start_time": "09:00",
    "end_time": "11:00",
    "location": "崇川区文化馆广场",
    "notes": "请穿平底鞋",
    "repeat": "weekly",
    "interval": "1",
    "weekdays": "SA",
    "ends": "until",
    "until": "2027-05-29",
    "count": "",
}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def month_cells(page: str) -> dict[int, str]:
    """The cells of the month grid's own days, by day of the month."""
    cells = {}
    for chunk in page.split('<td class="day')[1:]:
        if "other-month" in chunk.split(">", 1)[0]:
            continue
        number = int(re.search(r'class="day-number" aria-hidden="true">(\d+)<', chunk).group(1))
        cells[number] = chunk.split("</td>", 1)[0]
    return cells


@pytest.fixture
def team(session, login_as, office):
    """A logged-in leader's team of two members."""
    leader = login_as("leader", username="taichi")
    troupe = factories.make_troupe(
        session, name="太极拳展示队", organization=office, kind="team", leader=leader
    )
    members = [
        factories.make_person(session, name=name, troupe=troupe) for name in ("钱教练", "孙秀英")
    ]
    session.commit()
    return troupe, leader, members


def add_event(
    session,
    troupe,
    actor,
    *,
    title="每周集中训练",
    day=date(2027, 5, 1),
    start=time(9),
    end=time(11),
    rule="FREQ=WEEKLY;BYDAY=SA;UNTIL=20270529",
    location="崇川区文化馆广场",
    **kwargs,
) -> Event:
    event = services.create_event(
        session,
        troupe=troupe,
        zone=ZONE,
        actor=actor,
        now=factories.NOW,
        details=services.EventDetails(
            title=title,
            kind=kwargs.pop("kind", "training"),
            starts_at=datetime.combine(day, start),
            ends_at=datetime.combine(day, end),
            location=location,
            rule=rule,
            **kwargs,
        ),
    )
    session.commit()
    return event


# Creating and showing series


def test_a_weekly_series_made_with_the_form_shows_on_the_saturdays_of_the_month(client, team):
    troupe, _, _ = team
    response = client.post_form(f"/troupes/{troupe.id}/events/new", WEEKLY, headers=EN)
    assert response.status_code == 302
    event_page = client.get(response.headers["Location"], headers=EN)
    assert "Every Saturday 09:00–11:00, until May 29, 2027" in text_of(event_page)
    assert "每周集中训练 added to the calendar." in text_of(event_page)

    cells = month_cells(
        text_of(client.get(f"/troupes/{troupe.id}/schedule?month=2027-05", headers=EN))
    )
    saturdays = {day for day, cell in cells.items() if "每周集中训练" in cell}
    assert saturdays == {1, 8, 15, 22, 29}
    assert '<span class="entry-time">09:00</span>' in cells[8]
    assert "每周集中训练" not in text_of(
        client.get(f"/troupes/{troupe.id}/schedule?month=2027-06", headers=EN)
    )


def test_a_session_in_the_grid_leads_to_its_row_on_the_event_page(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader, rule="FREQ=WEEKLY;BYDAY=SA;COUNT=40")
    cells = month_cells(
        text_of(client.get(f"/troupes/{troupe.id}/schedule?month=2027-12", headers=EN))
    )
    link = re.search(r'<a href="([^"]+)">', cells[25]).group(1)
    assert link == f"/events/{event.id}?from=2027-12-25#session-2027-12-25"
    page = text_of(client.get(link, headers=EN))
    assert "Sessions from December 25, 2027" in page
    row = page.split('id="session-2027-12-25"', 1)[1].split("</li>", 1)[0]
    assert "Sat, Dec 25, 2027 09:00–11:00" in row and "Change this session" in row


def test_a_rule_the_form_cannot_show_is_kept_when_the_event_is_edited(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader, rule="FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3")
    form = text_of(client.get(f"/events/{event.id}/edit", headers=EN))
    assert "Keep the current rule: FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3" in form
    assert "By the rule" in text_of(client.get(f"/events/{event.id}", headers=EN))
    response = client.post_form(
        f"/events/{event.id}/edit", {**WEEKLY, "title": "月度合练", "repeat": "custom"}
    )
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(Event, event.id)
    assert (changed.title, changed.rrule) == ("月度合练", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3")


def test_the_list_view_groups_the_month_by_day(client, session, team):
    troupe, leader, _ = team
    add_event(session, troupe, leader)
    page = text_of(
        client.get(f"/troupes/{troupe.id}/schedule?month=2027-05&view=agenda", headers=EN)
    )
    headings = re.findall(r'<section class="agenda-day[^"]*">\s*<h3>([^<]+)', page)
    assert [heading.strip() for heading in headings] == [
        "Sat, May 1",
        "Sat, May 8",
        "Sat, May 15",
        "Sat, May 22",
        "Sat, May 29",
    ]
    assert "09:00–11:00" in page and "崇川区文化馆广场" in page


def test_the_schedule_opens_on_the_current_local_month(client, session, team, monkeypatch):
    troupe, leader, _ = team
    add_event(session, troupe, leader)
    # 30 April 20:00 in UTC is already 1 May in Shanghai.
    monkeypatch.setattr(calendar_model, "utcnow", lambda: datetime(2027, 4, 30, 20, 0, tzinfo=UTC))
    page = text_of(client.get(f"/troupes/{troupe.id}/schedule", headers=EN))
    assert '<h2 class="calendar-title">May 2027</h2>' in page
    assert "每周集中训练" in month_cells(page)[1]
    assert "month=2027-04" in page and "month=2027-06" in page


def test_an_empty_month_says_how_to_start(client, team):
    troupe, _, _ = team
    page = text_of(client.get(f"/troupes/{troupe.id}/schedule?month=2027-05", headers=EN))
    assert "Nothing on the calendar in May 2027." in page
    assert "Every week" in page and "New tour" in page


def test_an_end_before_the_start_shows_the_error_and_stores_nothing(client, session, team):
    troupe, _, _ = team
    response = client.post_form(
        f"/troupes/{troupe.id}/events/new",
        {**WEEKLY, "start_time": "11:00", "end_time": "09:00"},
        headers=EN,
    )
    assert response.status_code == 422
    page = text_of(response)
    assert re.search(r'id="end_time-error" role="alert">The end must be after the start\.', page)
    assert row_count(session, Event) == 0


def test_a_first_day_off_the_chosen_weekdays_is_said_under_repeat(client, session, team):
    troupe, _, _ = team
    response = client.post_form(
        f"/troupes/{troupe.id}/events/new", {**WEEKLY, "day": "2027-05-02"}, headers=EN
    )
    assert response.status_code == 422
    repeat_box = text_of(response).split('class="field repeat-box', 1)[1].split("</fieldset>")[0]
    assert "The first session must itself fall on the repeat" in repeat_box
    assert row_count(session, Event) == 0


def test_a_clash_with_the_troupes_own_event_is_a_warning_not_a_refusal(client, session, team):
    troupe, leader, _ = team
    add_event(
        session,
        troupe,
        leader,
        title="排练",
        rule=None,
        day=date(2027, 5, 8),
        start=time(10),
        end=time(12),
        location="老年大学",
    )
    response = client.post_form(
        f"/troupes/{troupe.id}/events/new", WEEKLY, headers=EN, follow_redirects=True
    )
    assert response.status_code == 200
    assert '<p class="flash flash-warning">This troupe also has 排练 on' in text_of(response)
    assert row_count(session, Event) == 2


def test_a_festival_organizer_adds_a_public_event_and_the_schedule_flags_it(
    client, session, festival, organizer
):
    client.login(organizer.username)
    response = client.post_form(
        f"/festivals/{festival.id}/events/new",
        {
            **WEEKLY,
            "title": "开幕式",
            "kind": "performance",
            "day": "2026-05-01",
            "repeat": "none",
            "is_public": "y",
        },
        headers=EN,
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/festivals/{festival.id}/schedule?month=2026-05", headers=EN))
    cell = month_cells(page)[1]
    assert "开幕式" in cell and "status-public" in cell
    assert f"/festivals/{festival.slug}/calendar" in page


# Changing a series and its sessions


def test_the_cancel_form_removes_a_date_and_a_non_session_date_gets_the_message(
    client, session, team
):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    response = client.post_form(
        f"/events/{event.id}/cancel", {"dates": "2027-05-08 劳动节调休\n"}, headers=EN
    )
    assert response.status_code == 302
    cells = month_cells(
        text_of(client.get(f"/troupes/{troupe.id}/schedule?month=2027-05", headers=EN))
    )
    assert "<del>" in cells[8] and "Cancelled" in cells[8]
    assert "<del>" not in cells[15]

    refused = client.post_form(
        f"/events/{event.id}/cancel", {"dates": "2027-05-09\n2027-05-15"}, headers=EN
    )
    assert refused.status_code == 422
    assert re.search(
        r'id="dates-error" role="alert">Not a session of this event: May 9, 2027\.',
        text_of(refused),
    )
    assert row_count(session, EventCancellation) == 1

    typo = client.post_form(f"/events/{event.id}/cancel", {"dates": "2027-05-15\n国庆"}, headers=EN)
    assert typo.status_code == 422
    assert "Line 2: 国庆 is not a date." in text_of(typo)
    assert row_count(session, EventCancellation) == 1


def test_the_cancel_button_of_one_session_asks_first_then_cancels_and_restores(
    client, session, team
):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    button = Page(client.get(f"/events/{event.id}", headers=EN)).link("Cancel this session")
    assert button.href == f"/events/{event.id}/cancel?day=2027-05-01"  # a link: it asks first
    asked = Page(client.get(f"/events/{event.id}/cancel?day=2027-05-22", headers=EN))
    assert asked.h1 == "Cancel the session of Sat, May 22, 2027 09:00–11:00?"
    assert asked.crumbs[-1] == "Cancel sessions"
    assert row_count(session, EventCancellation) == 0
    confirm = asked.form_with_button("Yes, cancel this session")
    assert confirm.fields["days"] == "2027-05-22"
    assert client.post(confirm.action, data=confirm.fields).status_code == 302
    assert row_count(session, EventCancellation) == 1
    page = text_of(client.get(f"/events/{event.id}", headers=EN))
    row = page.split('id="session-2027-05-22"', 1)[1].split("</li>", 1)[0]
    assert "<del>" in row and "Restore this session" in row
    assert client.post_form(f"/events/{event.id}/occurrences/2027-05-22/restore").status_code == 302
    assert row_count(session, EventCancellation) == 0


def test_changing_one_session_shows_the_new_time(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    form = client.get(f"/events/{event.id}/occurrences/2027-05-15", headers=EN)
    assert 'value="09:00"' in text_of(form) and 'value="2027-05-15"' in text_of(form)
    response = client.post_form(
        f"/events/{event.id}/occurrences/2027-05-15",
        {
            "day": "2027-05-15",
            "start_time": "14:00",
            "end_time": "16:00",
            "title": "每周集中训练",
            "location": "崇川区文化馆广场",
        },
        headers=EN,
    )
    assert response.status_code == 302
    cells = month_cells(
        text_of(client.get(f"/troupes/{troupe.id}/schedule?month=2027-05", headers=EN))
    )
    assert '<span class="entry-time">14:00</span>' in cells[15] and "Changed" in cells[15]
    assert '<span class="entry-time">09:00</span>' in cells[22]
    page = text_of(client.get(f"/events/{event.id}", headers=EN))
    assert "Sat, May 15, 2027 14:00–16:00" in page
    assert "Moved from Sat, May 15, 2027 09:00–11:00" in page


def test_a_changed_session_with_its_end_before_its_start_is_refused(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    response = client.post_form(
        f"/events/{event.id}/occurrences/2027-05-15",
        {
            "day": "2027-05-15",
            "start_time": "14:00",
            "end_time": "13:00",
            "title": "每周集中训练",
            "location": "",
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert re.search(
        r'id="end_time-error" role="alert">The end must be after the start\.', text_of(response)
    )
    assert client.get(f"/events/{event.id}/occurrences/2027-05-16").status_code == 404


def test_editing_the_series_says_how_many_exceptions_were_dropped(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    client.post_form(f"/events/{event.id}/cancel", {"dates": "2027-05-08"})
    form = text_of(client.get(f"/events/{event.id}/edit", headers=EN))
    assert 'value="SA" checked' in form or re.search(r'checked[^>]*value="SA"', form)
    assert 'value="2027-05-29"' in form
    response = client.post_form(
        f"/events/{event.id}/edit",
        {**WEEKLY, "day": "2027-05-02", "weekdays": "SU", "until": "2027-05-30"},
        headers=EN,
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "1 cancelled, changed or attended session no longer falls on the new schedule" in page
    assert "Every Sunday 09:00–11:00, until May 30, 2027" in page
    assert row_count(session, EventCancellation) == 0


def test_deleting_an_event_asks_first(client, session, team):
    troupe, leader, _ = team
    event = add_event(session, troupe, leader)
    confirm = client.get(f"/events/{event.id}/delete", headers=EN)
    assert "Delete 每周集中训练?" in text_of(confirm)
    assert row_count(session, Event) == 1
    response = client.post_form(f"/events/{event.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/troupes/{troupe.id}/schedule")
    assert row_count(session, Event) == 0


# Tours


def test_a_tour_of_three_lines_creates_three_performances(client, session, team):
    troupe, _, _ = team
    response = client.post_form(
        f"/troupes/{troupe.id}/tours/new",
        {
            "title": "金秋送情慰问演出",
            "kind": "performance",
            "start_time": "14:30",
            "end_time": "16:00",
            "first_day": "",
            "stops": "2027-09-10 骑岸镇敬老院\n石港镇敬老院\n2027-09-15 西亭镇敬老院",
            "notes": "",
            "is_public": "y",
        },
        headers=EN,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/troupes/{troupe.id}/schedule?month=2027-09")
    page = text_of(client.get(response.headers["Location"], headers=EN))
    assert "3 performances added." in page
    cells = month_cells(page)
    assert {day for day, cell in cells.items() if "金秋送情慰问演出" in cell} == {10, 11, 15}
    session.expire_all()
    venues = session.query(Event.location).order_by(Event.starts_at).all()
    assert [venue for (venue,) in venues] == ["骑岸镇敬老院", "石港镇敬老院", "西亭镇敬老院"]


def test_a_tour_line_without_a_date_before_it_is_refused_and_nothing_stored(client, session, team):
    troupe, _, _ = team
    response = client.post_form(
        f"/troupes/{troupe.id}/tours/new",
        {
            "title": "慰问演出",
            "kind": "performance",
            "start_time": "14:30",
            "end_time": "16:00",
            "stops": "石港镇敬老院\n2027-09-31 西亭镇敬老院",
        },
        headers=EN,
    )
    assert response.status_code == 422
    page = html.unescape(text_of(response))
    assert "Line 1: give a date, or the tour's first day above." in page
    assert "Line 2: 2027-09-31 is not a date." in page
    assert row_count(session, Event) == 0


# Attendance


def test_attendance_is_saved_and_the_rate_page_shows_fifty_per_cent(client, session, team):
    troupe, leader, (coach, member) = team
    event = add_event(
        session, troupe, leader, day=date(2026, 1, 3), rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4"
    )
    sheet = client.get(f"/events/{event.id}/attendance/2026-01-03", headers=EN)
    assert sheet.status_code == 200
    assert f'id="present-{member.id}"' in text_of(sheet)
    everyone = text_of(client.get(f"/events/{event.id}/attendance/2026-01-03?all=1"))
    assert f'value="{member.id}" id="present-{member.id}" checked' in everyone

    first = client.post_form(
        f"/events/{event.id}/attendance/2026-01-03",
        {"present": [coach.id, member.id]},
        headers=EN,
        follow_redirects=True,
    )
    assert "Attendance saved: 2 came, 0 did not." in text_of(first)
    assert (
        client.post_form(
            f"/events/{event.id}/attendance/2026-01-10", {"present": [coach.id]}
        ).status_code
        == 302
    )
    assert row_count(session, Attendance, Attendance.present.is_(False)) == 1

    again = text_of(client.get(f"/events/{event.id}/attendance/2026-01-10"))
    assert f'value="{coach.id}" id="present-{coach.id}" checked' in again
    assert f'value="{member.id}" id="present-{member.id}">' in again

    report = text_of(
        client.get(f"/troupes/{troupe.id}/attendance?from=2026-01-01&to=2026-01-31", headers=EN)
    )
    rows = dict(
        re.findall(
            r'<th scope="row">([^<]+)</th>\s*<td class="num">2</td>\s*'
            r'<td class="num">\d</td>\s*<td class="num">(\d+%)</td>',
            report,
        )
    )
    assert rows == {"钱教练": "100%", "孙秀英": "50%"}
    assert "<svg" in report and 'id="attendance-per-week"' in report
    assert "Week of Dec 29" in report and "Week of Jan 5" in report


def test_attendance_refuses_someone_who_is_not_a_member(client, session, team):
    troupe, leader, (coach, _) = team
    stranger = factories.make_person(session, name="外人")
    session.commit()
    event = add_event(
        session, troupe, leader, day=date(2026, 1, 3), rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4"
    )
    response = client.post_form(
        f"/events/{event.id}/attendance/2026-01-03",
        {"present": [coach.id, stranger.id]},
        headers=EN,
    )
    assert response.status_code == 422
    assert f"Not members of this troupe: {stranger.id}." in text_of(response)
    assert row_count(session, Attendance) == 0


def test_attendance_of_a_future_session_waits_for_its_day(client, session, team):
    troupe, leader, (coach, _) = team
    event = add_event(session, troupe, leader)
    page = client.get(f"/events/{event.id}/attendance/2027-05-08", headers=EN)
    assert "Attendance can be taken on the day of the session or later." in text_of(page)
    assert 'name="present"' not in text_of(page)
    refused = client.post_form(
        f"/events/{event.id}/attendance/2027-05-08", {"present": [coach.id]}, headers=EN
    )
    assert refused.status_code == 422
    assert row_count(session, Attendance) == 0


# The calendar subscription


def test_the_subscribe_page_shows_the_webcal_link_and_a_qr_code(client, session, team):
    troupe, _, _ = team
    response = client.get(f"/troupes/{troupe.id}/calendar", headers=EN)
    assert response.status_code == 200
    page = text_of(response)
    secret = session.query(CalendarFeed.secret).filter_by(troupe_id=troupe.id).scalar()
    assert f'href="webcal://localhost/calendar/{secret}.ics"' in page
    assert f'value="http://localhost/calendar/{secret}.ics" readonly' in page
    qr = page.split('<figure class="subscribe-qr">', 1)[1].split("</figure>", 1)[0]
    assert re.search(r"<svg[^>]*class=\"qr\"", qr) and "<path" in qr
    assert " style=" not in page
    assert "添加已订阅的日历" in page and "Subscribe from web" in page
    assert "google" not in page.lower()  # not reachable in mainland China


def test_a_new_link_makes_the_old_feed_url_answer_404(client, session, team):
    troupe, _, _ = team
    old = re.search(
        r'value="http://localhost(/calendar/[^"]+\.ics)"',
        text_of(client.get(f"/troupes/{troupe.id}/calendar")),
    ).group(1)
    assert client.get(old).status_code == 200
    confirm = client.get(f"/troupes/{troupe.id}/calendar/rotate", headers=EN)
    assert "stops working at once, for everyone who subscribed" in text_of(confirm)
    assert client.get(old).status_code == 200  # asking is not doing
    response = client.post_form(f"/troupes/{troupe.id}/calendar/rotate")
    assert response.headers["Location"].endswith(f"/troupes/{troupe.id}/calendar")
    assert client.get(old).status_code == 404
    new = re.search(
        r'value="http://localhost(/calendar/[^"]+\.ics)"',
        text_of(client.get(f"/troupes/{troupe.id}/calendar")),
    ).group(1)
    assert new != old and client.get(new).status_code == 200


# Who may see what


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/troupes/{troupe}/schedule"),
        ("GET", "/troupes/{troupe}/events/new"),
        ("POST", "/troupes/{troupe}/events/new"),
        ("GET", "/troupes/{troupe}/tours/new"),
        ("POST", "/troupes/{troupe}/tours/new"),
        ("GET", "/troupes/{troupe}/attendance"),
        ("GET", "/troupes/{troupe}/calendar"),
        ("GET", "/troupes/{troupe}/calendar/rotate"),
        ("POST", "/troupes/{troupe}/calendar/rotate"),
        ("GET", "/events/{event}"),
        ("GET", "/events/{event}/edit"),
        ("POST", "/events/{event}/edit"),
        ("GET", "/events/{event}/delete"),
        ("POST", "/events/{event}/delete"),
        ("GET", "/events/{event}/cancel"),
        ("POST", "/events/{event}/cancel"),
        ("GET", "/events/{event}/occurrences/2026-01-10"),
        ("POST", "/events/{event}/occurrences/2026-01-10"),
        ("POST", "/events/{event}/occurrences/2026-01-10/restore"),
        ("GET", "/events/{event}/attendance/2026-01-10"),
        ("POST", "/events/{event}/attendance/2026-01-10"),
    ],
)
def test_another_troupes_leader_gets_404_on_every_page_of_this_troupes_schedule(
    client, session, office, method, path
):
    owner = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, organization=office, leader=owner)
    member = factories.make_person(session, troupe=troupe)
    other = factories.make_user(session, role="leader")
    factories.make_troupe(session, organization=office, leader=other)
    event = add_event(
        session, troupe, owner, day=date(2026, 1, 3), rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4"
    )
    feed = feeds.feed_for_troupe(session, troupe=troupe, now=factories.NOW)
    secret = feed.secret
    session.commit()
    client.login(other.username)
    url = path.format(troupe=troupe.id, event=event.id)
    data = {
        **WEEKLY,
        "present": [member.id],
        "dates": "2026-01-10",
        "days": "2026-01-10",
        "stops": "2027-09-10 骑岸镇敬老院",
    }
    response = client.post_form(url, data) if method == "POST" else client.get(url)
    assert response.status_code == 404
    assert troupe.name not in text_of(response)
    assert row_count(session, Event) == 1
    assert row_count(session, EventCancellation) == 0
    assert row_count(session, Attendance) == 0
    assert session.get(CalendarFeed, feed.id).secret == secret


def test_an_organizer_of_another_office_may_not_open_the_festival_schedule(
    client, session, festival
):
    stranger = factories.make_user(session, role="organizer")
    session.commit()
    client.login(stranger.username)
    assert client.get(f"/festivals/{festival.id}/schedule").status_code == 403
    assert client.get(f"/festivals/{festival.id}/events/new").status_code == 403


# The festival's public calendar


def make_festival_event(session, festival, organizer, title, *, public, day=date(2026, 5, 1)):
    services.create_event(
        session,
        festival=festival,
        zone=festival.timezone,
        actor=organizer,
        now=factories.NOW,
        details=services.EventDetails(
            title=title,
            kind="performance",
            starts_at=datetime.combine(day, time(9)),
            ends_at=datetime.combine(day, time(11)),
            location="南通大剧院",
            is_public=public,
        ),
    )
    session.commit()


def test_the_public_calendar_shows_public_events_but_not_private_ones(
    client, session, festival, organizer
):
    make_festival_event(session, festival, organizer, "开幕式", public=True)
    make_festival_event(session, festival, organizer, "评委碰头会", public=False)
    response = client.get(f"/festivals/{festival.slug}/calendar?month=2026-05", headers=EN)
    assert response.status_code == 200
    page = text_of(response)
    assert "开幕式" in month_cells(page)[1]
    assert "评委碰头会" not in page
    assert f'value="http://localhost/festivals/{festival.slug}/calendar.ics" readonly' in page
    assert f'href="http://localhost/festivals/{festival.slug}/calendar.ics?download=1"' in page
    assert f'href="webcal://localhost/festivals/{festival.slug}/calendar.ics"' in page
    agenda = text_of(client.get(f"/festivals/{festival.slug}/calendar?month=2026-05&view=agenda"))
    assert "南通大剧院" in agenda and "评委碰头会" not in agenda


def test_the_public_calendar_of_a_draft_festival_is_404(client, session, office, organizer):
    draft = factories.make_festival(session, organization=office, status="draft")
    make_festival_event(session, draft, organizer, "开幕式", public=True)
    assert client.get(f"/festivals/{draft.slug}/calendar").status_code == 404


# Constant cost


def fill_troupe(session, troupe, actor, size: int) -> None:
    """``size`` weekly series in May 2027, each with a cancelled and a moved session."""
    for number in range(size):
        event = add_event(
            session,
            troupe,
            actor,
            title=f"训练{number}",
            start=time(7 + number % 10),
            end=time(8 + number % 10),
            location=f"场地{number}",
        )
        occurrences.cancel_occurrences(
            session, event=event, days=[date(2027, 5, 8)], actor=actor, now=factories.NOW
        )
        occurrences.change_occurrence(
            session,
            event=event,
            day=date(2027, 5, 15),
            starts_at=datetime(2027, 5, 16, 9),
            ends_at=datetime(2027, 5, 16, 10),
            actor=actor,
            now=factories.NOW,
        )
    session.commit()


def test_the_month_view_costs_the_same_queries_for_2_and_12_series(
    client, session, office, count_queries
):
    leader = factories.make_user(session, role="leader")
    small = factories.make_troupe(session, organization=office, leader=leader)
    large = factories.make_troupe(session, organization=office, leader=leader)
    fill_troupe(session, small, leader, 2)
    fill_troupe(session, large, leader, 12)
    client.login(leader.username)
    for view in ("month", "agenda"):
        with count_queries() as few:
            assert (
                client.get(f"/troupes/{small.id}/schedule?month=2027-05&view={view}").status_code
                == 200
            )
        with count_queries() as many:
            page = client.get(f"/troupes/{large.id}/schedule?month=2027-05&view={view}")
        assert "训练11" in text_of(page)
        assert len(few) == len(many), "\n".join(many)


def test_the_attendance_page_costs_the_same_queries_for_few_and_many(
    client, session, office, count_queries
):
    leader = factories.make_user(session, role="leader")

    def build(members_n: int, sessions_n: int):
        troupe = factories.make_troupe(session, organization=office, leader=leader)
        people = [factories.make_person(session, troupe=troupe) for _ in range(members_n)]
        event = add_event(
            session,
            troupe,
            leader,
            day=date(2026, 1, 3),
            rule=f"FREQ=WEEKLY;BYDAY=SA;COUNT={sessions_n}",
        )
        for week in range(sessions_n):
            attendance.record_attendance(
                session,
                event=event,
                day=date(2026, 1, 3) + timedelta(days=7 * week),
                present_ids=[p.id for p in people[week % 2 :: 2]],
                absent_ids=[p.id for p in people[1 - week % 2 :: 2]],
                actor=leader,
                now=factories.NOW,
            )
        session.commit()
        return troupe, event

    (small, small_event), (large, large_event) = build(2, 2), build(12, 8)
    client.login(leader.username)
    for path in (
        "/troupes/{t}/attendance?from=2026-01-01&to=2026-03-31",
        "/events/{e}/attendance/2026-01-03",
    ):
        with count_queries() as few:
            assert client.get(path.format(t=small.id, e=small_event.id)).status_code == 200
        with count_queries() as many:
            assert client.get(path.format(t=large.id, e=large_event.id)).status_code == 200
        assert len(few) == len(many), "\n".join(many)
