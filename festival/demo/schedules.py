"""The demo's schedules of the year: the tai chi team's practice, training and exhibition,
the Golden Autumn tour, the Double Ninth celebration, and rehearsals for 2027."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.festivals.models import Festival
from festival.schedules.attendance import record_attendance
from festival.schedules.event_details import EventDetails
from festival.schedules.models import EventKind
from festival.schedules.occurrences import cancel_occurrences, change_occurrence
from festival.schedules.recurrence_rules import Repeat, rule_from_repeat
from festival.schedules.services import DEFAULT_UID_DOMAIN, create_event, create_tour
from festival.schedules.tours import TourStop
from festival.troupes.models import Person, Troupe

ZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(ZONE)
TAICHI_TEAM = "太极拳展示队"
TOUR_TROUPE = "万年表歌舞团"
TRAINING_GROUND = "通州区文化馆广场"
EXHIBITION_DAY = date(2026, 10, 24)
# The nursing homes (敬老院) of the district's twenty towns that the Golden Autumn tour visits,
# in order.
GOLDEN_AUTUMN_HOMES = [
    f"通州区{town}敬老院"
    for town in [
        "石港镇",
        "西亭镇",
        "二甲镇",
        "骑岸镇",
        "刘桥镇",
        "平潮镇",
        "兴仁镇",
        "十总镇",
        "川姜镇",
        "东社镇",
        "三余镇",
        "五接镇",
        "金沙镇",
        "兴东镇",
        "张芝山镇",
        "川港镇",
        "平东镇",
        "四安镇",
        "先锋镇",
        "五甲镇",
    ]
]


def make_schedules(
    session: Session,
    *,
    users: dict[str, User],
    troupes: dict[str, Troupe],
    members_of: dict[str, list[Person]],
    district: Festival,
    city: Festival,
    next_festival: Festival,
    now: datetime,
) -> dict[str, int]:
    """The year's schedules of DOMAIN.md, each write at the moment it would have been made
    (so that attendance is taken after its session, whatever the real clock says); the 2027
    festival, made ``now``, gets its event ``now`` too."""
    domain = (
        current_app.config.get("CALENDAR_UID_DOMAIN", DEFAULT_UID_DOMAIN)
        if has_app_context()
        else DEFAULT_UID_DOMAIN
    )
    team, taichi = troupes[TAICHI_TEAM], users["taichi"]
    events = []

    # Tai chi: every member practises every day, the team trains together every Saturday,
    # and on 24 October it shows its form at the city's thousand-elder exhibition.
    planned = _at(date(2026, 4, 25), 10)
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="个人练习",
                kind=EventKind.practice,
                starts_at=_at(date(2026, 5, 1), 6, 30),
                ends_at=_at(date(2026, 5, 1), 7, 30),
                location="各自家中或附近公园",
                notes="每天坚持个人训练：二十四式太极拳完整练习两遍。",
                rule=rule_from_repeat(Repeat(freq="daily", until=date(2026, 10, 31)), SHANGHAI),
            ),
            troupe=team,
            zone=ZONE,
            actor=taichi,
            now=planned,
            uid_domain=domain,
        )
    )
    weekly = create_event(
        session,
        details=EventDetails(
            title="每周集中训练",
            kind=EventKind.training,
            starts_at=_at(date(2026, 5, 2), 9),
            ends_at=_at(date(2026, 5, 2), 11),
            location=TRAINING_GROUND,
            notes="全队集中训练，统一动作和队形；请穿统一服装和平底鞋。",
            rule=rule_from_repeat(
                Repeat(freq="weekly", weekdays=("SA",), until=date(2026, 10, 31)), SHANGHAI
            ),
        ),
        troupe=team,
        zone=ZONE,
        actor=taichi,
        now=planned,
        uid_domain=domain,
    )
    events.append(weekly)
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="千名老人太极拳展示",
                kind=EventKind.exhibition,
                starts_at=_at(EXHIBITION_DAY, 9),
                ends_at=_at(EXHIBITION_DAY, 11, 30),
                location="南通市体育会展中心",
                is_public=True,
                notes="全市千名老人太极拳展示，本队以40人方队参加；8:15在体育场东门集合。",
            ),
            troupe=team,
            zone=ZONE,
            actor=taichi,
            now=_at(date(2026, 8, 20), 15),
            uid_domain=domain,
        )
    )
    # No training on the Mid-Autumn and National Day holidays, nor on the exhibition's morning;
    # on 17 October the square hosts the Double Ninth (敬老日) celebration until noon.
    cancel_occurrences(
        session,
        event=weekly,
        days=[date(2026, 9, 26), date(2026, 10, 3)],
        actor=taichi,
        now=_at(date(2026, 9, 15), 20),
    )
    cancel_occurrences(
        session, event=weekly, days=[EXHIBITION_DAY], actor=taichi, now=_at(date(2026, 10, 10), 12)
    )
    change_occurrence(
        session,
        event=weekly,
        day=date(2026, 10, 17),
        starts_at=_at(date(2026, 10, 17), 14),
        ends_at=_at(date(2026, 10, 17), 16),
        actor=taichi,
        now=_at(date(2026, 10, 12), 19),
    )
    # The coach takes the roll at the last eight trainings before the exhibition.
    cancelled = {row.occurrence_at.astimezone(SHANGHAI).date() for row in weekly.cancellations}
    roll_days = []
    day = EXHIBITION_DAY - timedelta(days=7)
    while len(roll_days) < 8:
        if day not in cancelled:
            roll_days.append(day)
        day -= timedelta(days=7)
    attendance_rng = random.Random(1024)
    members = members_of[TAICHI_TEAM]
    for number, day in enumerate(sorted(roll_days)):
        present, absent = [], []
        for index, person in enumerate(members):
            # The coach never misses; one member was in hospital in late August.
            away = index != 0 and (
                attendance_rng.random() < 0.06 or (index == len(members) - 1 and number < 2)
            )
            (absent if away else present).append(person.id)
        record_attendance(
            session,
            event=weekly,
            day=day,
            present_ids=present,
            absent_ids=absent,
            actor=taichi,
            now=_at(day, 18),
        )

    # The 23rd Respect-the-Elderly Day (敬老日, the Double Ninth, 18 October 2026): the district
    # celebrates on the square the day before, which moves the team's Saturday training.
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="第23个敬老日（重阳节）庆祝活动",
                kind=EventKind.performance,
                starts_at=_at(date(2026, 10, 17), 9),
                ends_at=_at(date(2026, 10, 17), 12),
                location=TRAINING_GROUND,
                is_public=True,
                notes="区老龄办主办，各老年文艺团体参加展演；太极拳展示队当天下午训练。",
            ),
            festival=district,
            zone=district.timezone,
            actor=users["district"],
            now=_at(date(2026, 9, 28), 10),
            uid_domain=domain,
        )
    )

    # Golden Autumn service month: the deployment meeting of the city festival, then a tour
    # of consolation performances, one nursing home a day.
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="金秋送情活动部署会",
                kind=EventKind.meeting,
                starts_at=_at(date(2026, 9, 8), 14, 30),
                ends_at=_at(date(2026, 9, 8), 16, 30),
                location="南通市行政中心第三会议室",
                is_public=True,
                notes="市老龄办会同民政、文广旅、卫健等十余个部门部署金秋送情敬老月活动。",
            ),
            festival=city,
            zone=city.timezone,
            actor=users["city"],
            now=_at(date(2026, 9, 1), 9),
            uid_domain=domain,
        )
    )
    first_stop = date(2026, 9, 10)
    events.extend(
        create_tour(
            session,
            troupe=troupes[TOUR_TROUPE],
            title="金秋送情慰问演出",
            kind=EventKind.performance,
            stops=[
                TourStop(first_stop + timedelta(days=n), home)
                for n, home in enumerate(GOLDEN_AUTUMN_HOMES)
            ],
            start_time=time(14, 30),
            end_time=time(16, 0),
            notes="节目有《和谐大家园》《茉莉花开》《夕阳红》等，约一小时；13:30在团部集合乘车。",
            is_public=True,
            zone=ZONE,
            actor=users["leader"],
            now=_at(date(2026, 9, 8), 18),
            uid_domain=domain,
        )
    )

    # Towards the 2027 festival: the dancers rehearse twice a week through the winter, with
    # a break for the Spring Festival; the district office calls its troupes together.
    rehearsal = create_event(
        session,
        details=EventDetails(
            title="排练",
            kind=EventKind.rehearsal,
            starts_at=_at(date(2026, 11, 3), 14),
            ends_at=_at(date(2026, 11, 3), 16),
            location="通州区老年大学排练厅",
            notes="排练2027年汇演的新节目。",
            rule=rule_from_repeat(
                Repeat(freq="weekly", weekdays=("TU", "TH"), until=date(2027, 4, 30)), SHANGHAI
            ),
        ),
        troupe=troupes[TOUR_TROUPE],
        zone=ZONE,
        actor=users["leader"],
        now=_at(date(2026, 10, 27), 10),
        uid_domain=domain,
    )
    events.append(rehearsal)
    cancel_occurrences(
        session,
        event=rehearsal,
        days=[date(2027, 2, 9), date(2027, 2, 11)],
        actor=users["leader"],
        now=_at(date(2026, 11, 20), 10),
    )
    # The hall is taken on 10 December; that week's Thursday rehearsal moves to Friday.
    change_occurrence(
        session,
        event=rehearsal,
        day=date(2026, 12, 10),
        starts_at=_at(date(2026, 12, 11), 14),
        ends_at=_at(date(2026, 12, 11), 16),
        actor=users["leader"],
        now=_at(date(2026, 11, 20), 10, 5),
    )
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="2027年通州区老年文艺汇演动员会",
                kind=EventKind.meeting,
                starts_at=_at(date(2026, 12, 16), 14, 30),
                ends_at=_at(date(2026, 12, 16), 16),
                location="通州区老龄办会议室",
                is_public=True,
                notes="各团队负责人参加：汇演安排、节目类别和报送时间。",
            ),
            festival=next_festival,
            zone=next_festival.timezone,
            actor=users["district"],
            now=now,
            uid_domain=domain,
        )
    )
    return {"events": len(events), "sessions with attendance": len(roll_days)}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall time in Shanghai, as the aware UTC datetime that services take."""
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)
