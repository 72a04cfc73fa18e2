"""The demo is the seed's year: the district of 通州区, and what its office's year-end report
tells of 2026, held in the database and counted back by the year in review.

Loading the demo takes a few seconds, so each test loads it once and checks a whole story."""

from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from festival.accounts.models import Organization, User
from festival.awards.models import Award
from festival.demo.people import DISTRICT, OTHER_DISTRICT
from festival.demo.schedules import GOLDEN_AUTUMN_HOMES
from festival.festivals.models import Festival
from festival.programs.models import Program, ProgramStatus
from festival.schedules.models import Attendance, Event, EventKind
from festival.troupes.models import Membership, Troupe

SEED_DISTRICT = "通州区老龄工作委员会办公室"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def load_demo(app, session) -> Organization:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return session.execute(
        select(Organization).where(Organization.name == SEED_DISTRICT)
    ).scalar_one()


def test_the_demo_district_is_the_seeds_own_and_holds_its_year(app, session):
    office = load_demo(app, session)

    # The seed names 共青团通州区委员会: the demo's district is 通州区, its neighbour 崇川区.
    assert DISTRICT == SEED_DISTRICT and OTHER_DISTRICT == "崇川区老龄工作委员会办公室"
    district = session.execute(select(User).where(User.username == "district")).scalar_one()
    assert district.organization_id == office.id
    assert district.display_name == "通州区老龄办 王主任"
    other = session.execute(
        select(Organization).where(Organization.name == OTHER_DISTRICT)
    ).scalar_one()
    assert other.parent_id == office.parent_id
    assert session.scalar(select(func.count()).where(Troupe.organization_id == other.id)) == 0

    # More than ten programs prepared (十余个) for the district's 2026 festival.
    [own] = session.execute(
        select(Festival).where(Festival.organization_id == office.id, Festival.year == 2026)
    ).scalars()
    assert "通州区" in own.name
    prepared = session.scalar(
        select(func.count()).where(
            Program.festival_id == own.id, Program.status != ProgramStatus.withdrawn
        )
    )
    assert 10 < prepared < 20

    # Six sent to the city: one second, two third, three excellence prizes there.
    sent = _sent_from(session, own.id)
    city_ids = {p.id for p in sent}
    assert len(city_ids) == 6
    [city] = {p.festival_id for p in sent}
    tiers = Counter(
        a.tier.value
        for a in session.execute(select(Award).where(Award.program_id.in_(city_ids))).scalars()
    )
    assert tiers == {"second": 1, "third": 2, "excellence": 3}

    # 《和谐大家园》 went on to the province and won its dance (舞蹈) second prize.
    [provincial] = session.execute(
        select(Program).where(Program.recommended_from_id.in_(city_ids))
    ).scalars()
    assert provincial.title == "和谐大家园"
    [prize] = session.execute(select(Award).where(Award.program_id == provincial.id)).scalars()
    assert prize.tier.value == "second" and prize.category.name == "舞蹈"

    # The city's excellent organisation award (优秀组织奖) to the district office.
    [organization_award] = session.execute(
        select(Award).where(Award.organization_id == office.id)
    ).scalars()
    assert organization_award.festival_id == city
    assert organization_award.tier.value == "organization"
    assert organization_award.title == "优秀组织奖"

    # The 40-member tai chi team: daily practice, weekly training with attendance, and the
    # exhibition of 24 October.
    team = session.execute(select(Troupe).where(Troupe.name == "太极拳展示队")).scalar_one()
    assert team.organization_id == office.id
    assert session.scalar(select(func.count()).where(Membership.troupe_id == team.id)) == 40
    events = list(session.execute(select(Event).where(Event.troupe_id == team.id)).scalars())
    kinds = {event.kind: event for event in events}
    assert "FREQ=DAILY" in kinds[EventKind.practice].rrule
    assert "FREQ=WEEKLY" in kinds[EventKind.training].rrule
    assert session.scalar(
        select(func.count(Attendance.id)).where(Attendance.event_id == kinds[EventKind.training].id)
    )
    exhibition_day = kinds[EventKind.exhibition].starts_at.astimezone(SHANGHAI).date()
    assert exhibition_day == date(2026, 10, 24)

    # The Golden Autumn tour: the nursing homes of twenty of the district's own towns.
    tour = list(
        session.execute(select(Event.location).where(Event.title == "金秋送情慰问演出")).scalars()
    )
    assert len(set(tour)) == 20 == len(set(GOLDEN_AUTUMN_HOMES))
    assert all(home.startswith("通州区") and home.endswith("敬老院") for home in tour)


def _sent_from(session, festival_id: int) -> list[Program]:
    own_ids = select(Program.id).where(Program.festival_id == festival_id)
    return list(
        session.execute(select(Program).where(Program.recommended_from_id.in_(own_ids))).scalars()
    )


def test_the_year_in_review_of_the_demo_district_counts_the_seeds_figures(app, session):
    figures = pytest.importorskip("festival.review.figures")
    from festival.review.summary import summary_texts

    office = load_demo(app, session)
    review = figures.year_in_review(session, organization_id=office.id, year=2026)

    assert review.organization_name == SEED_DISTRICT
    assert 10 < review.programs.prepared < 20  # 十余个
    assert review.programs.sent_upward == 6
    assert review.awards_by_level["city"] == {"second": 1, "third": 2, "excellence": 3}
    assert review.awards_by_level["province"] == {"second": 1}
    [provincial] = [r for r in review.results_above if r.level == "province"]
    assert (provincial.program_title, provincial.category_name, provincial.tier) == (
        "和谐大家园",
        "舞蹈",
        "second",
    )
    [organization_award] = review.organization_awards
    assert (organization_award.title, organization_award.tier) == ("优秀组织奖", "organization")
    teams = {team.name: team for team in review.teams}
    taichi = teams["太极拳展示队"]
    assert taichi.members == 40
    assert taichi.sessions["practice"] == 184  # every day from 1 May to 31 October
    assert taichi.sessions["training"] > 20 and taichi.sessions["exhibition"] == 1
    assert taichi.attendance_rate is not None and 0.8 < taichi.attendance_rate <= 1
    assert [(e.title, e.date) for e in review.events.exhibitions] == [
        ("千名老人太极拳展示", date(2026, 10, 24))
    ]
    assert teams["万年表歌舞团"].sessions["performance"] == 20
    # The tour's twenty nursing homes, the square of the Double Ninth celebration, and the
    # theatre of the district's performance day (its published running order).
    assert review.events.performance_venues == len(GOLDEN_AUTUMN_HOMES) + 2

    with force_locale("en"):
        english = summary_texts(review)["en"]
    assert "After repeated screening, 6 programs were sent on to 首届南通市老年特色文化艺术节." in (
        english
    )
    assert (
        "At the city level, all 6 programs sent won awards: second prize (1), third prize (2), "
        "and excellence award (3)."
    ) in english
    assert (
        "万年表歌舞团's 《和谐大家园》 was recommended on to 江苏省老年文艺节目展评 and won "
        "second prize in the 舞蹈 category."
    ) in english
    assert "The office itself received the 优秀组织奖 of 首届南通市老年特色文化艺术节." in english
    assert "太极拳展示队, with 40 members, held " in english
    assert "On October 24 the teams took part in “千名老人太极拳展示”" in english
