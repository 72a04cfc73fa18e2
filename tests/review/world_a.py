"""A district office's year 2026, built through the services, chosen so that a wrong rule
shows in the year in review's figures (issue 24 (a)).

The world: a province over a city over the district office "东城" (and its sibling "西城");
"东城" has a street office under it. "东城" runs two festivals in 2026 (one published, one not)
and one in 2025. Its programs: p1 (awarded, recommended to the city and on to the province),
p2 (withdrawn), p3, p4 (recommended to the city, the copy withdrawn), p5 (of the unpublished
festival, recommended straight to the province). Its troupes: T1 (performances, an
exhibition, meetings across New Year in Asia/Shanghai), T2, T3, and a team that trains on
Saturdays with one session cancelled and attendance taken twice, one member joining in
February. The sibling and the street office have programs, events and awards that must not
leak in.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from festival.awards.recommendations import recommend_program
from festival.awards.services import create_award
from festival.festivals.models import Festival, FestivalStatus
from festival.judging import services as judging
from festival.programs.models import Program, ProgramStatus
from festival.programs.services import submit_program
from festival.schedules import attendance, occurrences
from festival.schedules import services as schedules
from festival.schedules.event_details import EventDetails
from festival.troupes.models import Membership
from tests import factories

YEAR = 2026
NOW = datetime(2026, 12, 31, 12, 0, tzinfo=UTC)
ZONE = "Asia/Shanghai"


@dataclass
class World:
    province: object
    city: object
    office: object
    sibling: object
    street: object
    admin: object
    festivals: dict = field(default_factory=dict)
    programs: dict = field(default_factory=dict)
    troupes: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def publish(festival: Festival) -> None:
    festival.status = FestivalStatus.announced
    festival.published_at = NOW


def program(session, world, festival, troupe, people, title) -> Program:
    return submit_program(
        session,
        festival=festival,
        troupe=troupe,
        category_id=festival.categories[0].id,
        title=title,
        duration_minutes=6,
        performer_ids=[person.id for person in people],
        may_submit_late=True,
        actor=world.admin,
        now=factories.NOW,
    )


def event(session, actor, owner, title, kind, start, *, hours, location="", rule=None):
    """An event (a series with ``rule``) of a festival or a troupe, ``hours`` long, in Beijing
    time."""
    return schedules.create_event(
        session,
        details=EventDetails(
            title=title,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            location=location,
            rule=rule,
        ),
        zone=ZONE,
        actor=actor,
        now=factories.NOW,
        **({"festival": owner} if isinstance(owner, Festival) else {"troupe": owner}),
    )


def person(session, troupe, born: date, joined_on: date | None = None):
    someone = factories.make_person(session, birth_date=born, troupe=troupe)
    if joined_on is not None:
        membership = session.get(Membership, (troupe.id, someone.id))
        membership.joined_on = joined_on
        session.flush()
    return someone


def festival(session, organization, level, *, year=YEAR, name=None) -> Festival:
    return factories.make_festival(
        session,
        organization=organization,
        level=level,
        starts_on=date(year, 6, 1),
        min_performer_age=50,
        name=name,
    )


def build_world(session) -> World:
    province = factories.make_organization(session, name="省", level="province")
    city = factories.make_organization(session, name="市", level="city", parent=province)
    office = factories.make_organization(session, name="东城", level="district", parent=city)
    sibling = factories.make_organization(session, name="西城", level="district", parent=city)
    street = factories.make_organization(session, name="东城街道", level="other", parent=office)
    world = World(
        province, city, office, sibling, street, factories.make_user(session, role="admin")
    )
    f1 = festival(session, office, "district", name="东城区2026年展演")
    f2 = festival(session, office, "district", name="东城区2026年合唱节")
    f0 = festival(session, office, "district", year=2025, name="东城区2025年展演")
    cf = festival(session, city, "city", name="市2026年展演")
    pf = festival(session, province, "province", name="省2026年展演")
    sf = festival(session, sibling, "district", name="西城区2026年展演")
    world.festivals.update(f1=f1, f2=f2, f0=f0, cf=cf, pf=pf, sf=sf)

    t1 = factories.make_troupe(session, name="东城艺术团", organization=office)
    t2 = factories.make_troupe(session, name="东城合唱团", organization=office)
    t3 = factories.make_troupe(session, name="东城舞蹈队", organization=office)
    team = factories.make_troupe(session, name="东城太极队", organization=office, kind="team")
    ts = factories.make_troupe(session, name="街道腰鼓队", organization=street)
    tw = factories.make_troupe(session, name="西城艺术团", organization=sibling)
    world.troupes.update(t1=t1, t2=t2, t3=t3, team=team, ts=ts, tw=tw)

    # Ages on 31 December 2026: 76, 60 (that very day), 86, 55; e (95) only in a withdrawn one.
    a = person(session, t1, date(1950, 6, 1))
    b = person(session, t1, date(1966, 12, 31))
    c = person(session, t1, date(1940, 1, 1))
    d = person(session, t3, date(1971, 1, 1))
    e = person(session, t2, date(1931, 3, 3))
    w = person(session, tw, date(1930, 1, 1))
    world.people.update(a=a, b=b, c=c, d=d, e=e, w=w)

    p1 = program(session, world, f1, t1, [a, b], "p1 春江花月夜")
    p2 = program(session, world, f1, t2, [e], "p2 withdrawn")
    p3 = program(session, world, f1, t1, [b, c], "p3 茉莉花")
    p4 = program(session, world, f1, t3, [d], "p4 copy withdrawn")
    p5 = program(session, world, f2, t1, [a], "p5 direct to the province")
    p0 = program(session, world, f0, t1, [a], "p0 last year")
    pw = program(session, world, sf, tw, [w], "pw sibling")
    p2.status = ProgramStatus.withdrawn
    judging.create_round(
        session,
        festival=f1,
        name="初评",
        criteria=[{"name": "art", "max_score": 100}],
        actor=world.admin,
        now=factories.NOW,
    )
    for prog, fest in ((p1, f1), (p4, f1), (p5, f2), (p0, f0), (pw, sf)):
        create_award(
            session, festival=fest, tier="first", program_id=prog.id, actor=world.admin, now=NOW
        )
    rec = {"actor": world.admin, "now": factories.NOW, "category_id": None}
    c1 = recommend_program(session, program=p1, target=cf, **rec)
    c4 = recommend_program(session, program=p4, target=cf, **rec)
    c4.status = ProgramStatus.withdrawn
    c5 = recommend_program(session, program=p5, target=pf, **rec)
    cw = recommend_program(session, program=pw, target=cf, **rec)
    create_award(session, festival=cf, tier="second", program_id=c1.id, actor=world.admin, now=NOW)
    create_award(session, festival=cf, tier="third", program_id=cw.id, actor=world.admin, now=NOW)
    # The city's organisation award to the office; the province's one is not published yet.
    for given_by, title in ((cf, "优秀组织奖"), (pf, "省优秀组织奖")):
        create_award(
            session,
            festival=given_by,
            tier="organization",
            organization_id=office.id,
            title=title,
            actor=world.admin,
            now=NOW,
        )
    c1.status = ProgramStatus.advanced
    c2 = recommend_program(session, program=c1, target=pf, **rec)
    create_award(session, festival=pf, tier="first", program_id=c2.id, actor=world.admin, now=NOW)
    for published in (f1, f0, cf, sf):
        publish(published)
    world.programs.update(p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, c1=c1, c2=c2, c4=c4, c5=c5)

    # The team trains on Saturdays from 3 January, ten times; 17 January is cancelled.
    m1 = person(session, team, date(1955, 1, 1))
    m2 = person(session, team, date(1956, 1, 1))
    m3 = person(session, team, date(1957, 1, 1), joined_on=date(2026, 2, 1))
    training = event(
        session,
        world.admin,
        team,
        "太极训练",
        "training",
        datetime(2026, 1, 3, 9, 0),
        hours=2,
        location="社区广场",
        rule="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
    )
    occurrences.cancel_occurrences(
        session, event=training, days=[date(2026, 1, 17)], actor=world.admin, now=factories.NOW
    )
    for day, present, absent in (
        (date(2026, 1, 10), [m1], [m2]),
        (date(2026, 2, 7), [m1, m2, m3], []),
    ):
        attendance.record_attendance(
            session,
            event=training,
            day=day,
            present_ids=[member.id for member in present],
            absent_ids=[member.id for member in absent],
            actor=world.admin,
            now=NOW,
        )
    # T1's meetings: weekly from 20 December 2025 (two in 2026), and three single ones around
    # New Year in Beijing time: 1 January 05:00 (still 2025 in UTC) and 31 December 20:00
    # count, 1 January 2027 02:00 (still 2026 in UTC) does not.
    event(
        session,
        world.admin,
        t1,
        "例会",
        "meeting",
        datetime(2025, 12, 20, 10, 0),
        hours=1,
        rule="FREQ=WEEKLY;COUNT=4",
    )
    single_events = [  # owner, title, kind, start, hours, location
        (t1, "新年例会", "meeting", datetime(2026, 1, 1, 5, 0), 1, ""),
        (t1, "新年例会", "meeting", datetime(2026, 12, 31, 20, 0), 1, ""),
        (t1, "新年例会", "meeting", datetime(2027, 1, 1, 2, 0), 1, ""),
        (t1, "慰问演出", "performance", datetime(2026, 10, 10, 14, 0), 2, "敬老院甲"),
        (t1, "慰问演出", "performance", datetime(2026, 10, 17, 14, 0), 2, "敬老院甲"),
        (t1, "慰问演出", "performance", datetime(2026, 10, 24, 14, 0), 2, "敬老院乙"),
        (t1, "书画展", "exhibition", datetime(2026, 9, 10, 9, 0), 8, "社区中心"),
        (f1, "开幕式", "performance", datetime(2026, 6, 1, 9, 0), 2, "区文化馆"),
        # Others' events: the street office's troupe and the sibling's troupe (not counted).
        (ts, "别人的演出", "performance", datetime(2026, 3, 1, 9, 0), 1, "别处"),
        (tw, "别人的演出", "performance", datetime(2026, 3, 1, 9, 0), 1, "别处"),
    ]
    for owner, title, kind, start, hours, location in single_events:
        event(session, world.admin, owner, title, kind, start, hours=hours, location=location)
    session.commit()
    return world
