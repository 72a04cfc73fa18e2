"""The demo's schedules: the tai chi team's practice, training, exhibition and roll calls, the
Golden Autumn meeting and tour, and the rehearsals towards 2027, as users see them.

Loading the demo takes a few seconds, so each test loads it once and checks a whole story.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from festival.accounts.models import User
from festival.core.clock import utcnow
from festival.festivals.models import Festival
from festival.schedules import queries
from festival.schedules.feeds import feed_for_troupe
from festival.schedules.models import Attendance, EventKind
from festival.troupes.models import Troupe

SHANGHAI = ZoneInfo("Asia/Shanghai")


def load_demo(app, session) -> dict[str, Troupe]:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return {t.name: t for t in session.execute(select(Troupe)).scalars()}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def occurrences(session, *, troupe_id=None, festival_id=None, first: date, last: date):
    after, before = local(first, 0), local(last + timedelta(days=1), 0)
    events = queries.owner_events(
        session, troupe_id=troupe_id, festival_id=festival_id, after=after, before=before
    )
    return queries.occurrences_between(events, after, before)


def test_demo_schedules_the_tai_chi_team_the_golden_autumn_tour_and_the_roll_calls(app, session):
    troupes = load_demo(app, session)
    team, dancers = troupes["太极拳展示队"], troupes["万年表歌舞团"]

    # The team: a daily practice and a Saturday training from May to October.
    season = occurrences(
        session, troupe_id=team.id, first=date(2026, 4, 1), last=date(2026, 12, 31)
    )
    practice = [o for o in season if o.title == "个人练习"]
    assert len(practice) == 184  # every day from 1 May to 31 October
    assert {(o.starts_at.time(), o.ends_at.time()) for o in practice} == {
        (time(6, 30), time(7, 30))
    }
    assert practice[0].starts_at.date() == date(2026, 5, 1)
    assert practice[-1].starts_at.date() == date(2026, 10, 31)
    training = [o for o in season if o.title == "每周集中训练"]
    assert all(o.starts_at.weekday() == 5 for o in training)
    days = [o.starts_at.date() for o in training]
    assert days[0] == date(2026, 5, 2) and days[-1] == date(2026, 10, 31)
    assert {date(2026, 9, 26), date(2026, 10, 3), date(2026, 10, 24)}.isdisjoint(days)
    moved = [o for o in training if o.is_changed]
    assert [(o.starts_at, o.ends_at) for o in moved] == [
        (local(date(2026, 10, 17), 14), local(date(2026, 10, 17), 16))
    ]
    [exhibition] = [o for o in season if o.title == "千名老人太极拳展示"]
    assert (exhibition.starts_at, exhibition.ends_at) == (
        local(date(2026, 10, 24), 9),
        local(date(2026, 10, 24), 11, 30),
    )

    # The coach took the roll at the last eight trainings before the exhibition.
    taichi = session.execute(select(User).where(User.username == "taichi")).scalar_one()
    rolls = session.execute(
        select(Attendance.occurrence_at, Attendance.recorded_by_id).distinct()
    ).all()
    assert {by for _at, by in rolls} == {taichi.id}
    assert sorted(at.astimezone(SHANGHAI).date() for at, _by in rolls) == [
        date(2026, 8, 15),
        date(2026, 8, 22),
        date(2026, 8, 29),
        date(2026, 9, 5),
        date(2026, 9, 12),
        date(2026, 9, 19),
        date(2026, 10, 10),
        date(2026, 10, 17),
    ]
    rates = queries.attendance_rates(
        session, team.id, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert len(rates) == 40 and {r.sessions for r in rates} == {8}
    overall = sum(r.attended for r in rates) / (8 * 40)
    assert 0.85 <= overall < 1
    assert min(r.rate for r in rates) >= 0.5
    assert sum(r.rate == 1 for r in rates) >= 15

    # Golden Autumn: the city festival's public deployment meeting, then twenty nursing homes
    # on twenty days in a row.
    city = session.execute(
        select(Festival).where(Festival.name == "首届南通市老年特色文化艺术节")
    ).scalar_one()
    [meeting] = queries.owner_events(session, festival_id=city.id, public_only=True)
    assert (meeting.title, meeting.kind) == ("金秋送情活动部署会", EventKind.meeting)
    assert meeting.starts_at.astimezone(SHANGHAI) == local(date(2026, 9, 8), 14, 30)
    tour = [
        o
        for o in occurrences(
            session, troupe_id=dancers.id, first=date(2026, 9, 1), last=date(2026, 10, 31)
        )
        if o.title == "金秋送情慰问演出"
    ]
    assert len(tour) == 20
    assert len({o.location for o in tour}) == 20
    assert all(o.location.endswith("敬老院") for o in tour)
    assert [o.starts_at for o in tour] == [
        local(date(2026, 9, 10) + timedelta(days=n), 14, 30) for n in range(20)
    ]
    assert {o.ends_at.time() for o in tour} == {time(16)}

    # The dancers rehearse on Tuesdays and Thursdays towards 2027; the month ahead is not empty.
    december = occurrences(
        session, troupe_id=dancers.id, first=date(2026, 12, 1), last=date(2026, 12, 31)
    )
    assert [o.starts_at.date().day for o in december] == [1, 3, 8, 11, 15, 17, 22, 24, 29, 31]
    assert [o.is_changed for o in december].count(True) == 1
    spring_festival = occurrences(
        session, troupe_id=dancers.id, first=date(2027, 2, 8), last=date(2027, 2, 14)
    )
    assert spring_festival == []


def test_demo_team_feed_passes_every_parser_with_the_exhibition_and_the_changed_sessions(
    app, session, client, ical_check
):
    troupes = load_demo(app, session)
    feeds = {
        name: feed_for_troupe(session, troupe=troupes[name], now=utcnow()).secret
        for name in ("太极拳展示队", "万年表歌舞团")
    }
    session.commit()

    response = client.get(f"/calendar/{feeds['太极拳展示队']}.ics")
    assert response.status_code == 200
    october = ical_check(response.data, "2026-10-01", "2026-11-01")
    assert ("2026-10-24 09:00", "2026-10-24 11:30", "千名老人太极拳展示") in october
    assert [o[:2] for o in october if o[2] == "每周集中训练"] == [
        ("2026-10-10 09:00", "2026-10-10 11:00"),
        ("2026-10-17 14:00", "2026-10-17 16:00"),
        ("2026-10-31 09:00", "2026-10-31 11:00"),
    ]
    assert [o[0] for o in october if o[2] == "个人练习"] == [
        f"2026-10-{day:02d} 06:30" for day in range(1, 32)
    ]

    response = client.get(f"/calendar/{feeds['万年表歌舞团']}.ics")
    assert response.status_code == 200
    autumn = ical_check(response.data, "2026-09-01", "2027-01-01")
    assert len([o for o in autumn if o[2] == "金秋送情慰问演出"]) == 20
    december = [o[0] for o in autumn if o[2] == "排练" and o[0].startswith("2026-12")]
    assert "2026-12-11 14:00" in december and not any(d.startswith("2026-12-10") for d in december)
