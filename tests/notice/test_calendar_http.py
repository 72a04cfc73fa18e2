"""The admin's working-day calendar page: days set by hand, used by notice periods."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.notice.models import CalendarDay
from festival.notice.working_days import notice_period_for
from tests.checks import row_count

EN = {"Accept-Language": "en"}


def test_an_admin_adds_and_removes_days_and_the_period_counts_them(client, session, login_as):
    login_as("admin")
    page = client.get("/admin/calendar-days", headers=EN).get_data(as_text=True)
    assert "No day is set by hand." in page and "2004 to 2026" in page
    assert 'href="/admin/calendar-days"' in page  # in the admin's menu
    saved = client.post_form(
        "/admin/calendar-days",
        {"day": "2027-02-08", "working": "no", "note": "春节"},
        headers=EN,
    )
    assert saved.status_code == 302
    client.post_form("/admin/calendar-days", {"day": "2027-02-06", "working": "yes"})
    page = client.get("/admin/calendar-days", headers=EN).get_data(as_text=True)
    assert "February 8, 2027" in page and "春节" in page and "Day off" in page
    assert "Working day" in page
    session.expire_all()
    period = notice_period_for(session, datetime(2027, 2, 5, 2, tzinfo=UTC), 2, "Asia/Shanghai")
    assert period.last_day == date(2027, 2, 9)

    removed = client.post_form("/admin/calendar-days/2027-02-06/remove", headers=EN)
    assert removed.status_code == 302
    assert row_count(session, CalendarDay) == 1
    actions = session.execute(
        select(AuditEntry.action, AuditEntry.changes).order_by(AuditEntry.id)
    ).all()
    assert [a for a, _ in actions][-3:] == [
        "set_calendar_day",
        "set_calendar_day",
        "remove_calendar_day",
    ]
    assert actions[-1][1]["day"] == "2027-02-06"


def test_a_bad_day_is_refused_on_the_form_and_nothing_is_saved(client, session, login_as):
    login_as("admin")
    refused = client.post_form("/admin/calendar-days", {"day": "2027-02-30"}, headers=EN)
    assert refused.status_code == 422
    assert row_count(session, CalendarDay) == 0


def test_organizers_may_not_set_days(client, login_as):
    login_as("organizer")
    assert client.get("/admin/calendar-days").status_code == 403
    assert client.post_form("/admin/calendar-days", {"day": "2027-02-08"}).status_code == 403
