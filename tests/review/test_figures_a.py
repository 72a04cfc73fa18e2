"""The year in review's figures (service tests): each figure against a world in which a wrong
rule shows (tests/review/world_a.py), a year with nothing, and a constant number of queries."""

from datetime import date, datetime

import pytest

from festival.accounts.models import Level
from festival.awards.models import AwardTier
from festival.review.figures import year_in_review
from festival.review.values import Exhibition, MonthFigures
from festival.schedules import queries as schedule_queries
from festival.schedules import services as schedules
from festival.schedules.event_details import EventDetails
from festival.troupes.models import TroupeKind
from tests import factories
from tests.review import world_a
from tests.review.world_a import YEAR


@pytest.fixture
def world(session):
    return world_a.build_world(session)


@pytest.fixture
def review(session, world):
    return year_in_review(session, organization_id=world.office.id, year=YEAR)


def test_festivals_run_are_the_offices_own_of_the_year_without_withdrawn_programs(review, world):
    runs = [(r.name, r.level, r.programs, r.rounds, r.awards) for r in review.festivals_run]
    assert runs == [
        # p2 withdrawn; two awards (p1, p4) once published
        ("东城区2026年展演", Level.district, 3, 1, 2),
        # its award is not published: none counted
        ("东城区2026年合唱节", Level.district, 1, 0, 0),
    ]
    assert review.festivals_run[0].festival_id == world.festivals["f1"].id
    assert review.organization_name == "东城" and review.year == YEAR


def test_programs_count_prepared_troupes_performers_and_those_sent_upward(review):
    assert review.programs.prepared == 4  # p1, p3, p4, p5; not the withdrawn p2
    assert review.programs.troupes == 2  # 艺术团 and 舞蹈队; 合唱团's only program is withdrawn
    assert review.programs.performers == 4  # a, b (in two programs), c, d; not e
    # p1 (to the city) and p5 (straight to the province); p4's copy was withdrawn
    assert review.programs.sent_upward == 2


def test_results_above_follow_the_chain_with_tiers_only_where_published(review, world):
    found = [
        (r.festival_name, r.level, r.program_id, r.program_title, r.troupe_name, r.tier)
        for r in review.results_above
    ]
    programs = world.programs
    assert found == [
        (
            "市2026年展演",
            Level.city,
            programs["c1"].id,
            "p1 春江花月夜",
            "东城艺术团",
            AwardTier.second,
        ),
        # two levels up: the copy of the copy; the province has not published its awards
        ("省2026年展演", Level.province, programs["c2"].id, "p1 春江花月夜", "东城艺术团", None),
        (
            "省2026年展演",
            Level.province,
            programs["c5"].id,
            "p5 direct to the province",
            "东城艺术团",
            None,
        ),
    ]
    assert {r.category_name for r in review.results_above} == {"舞蹈"}


def test_awards_by_level_count_the_tiers_of_results_above(review):
    assert review.awards_by_level == {"city": {"second": 1}}


def test_organization_awards_only_of_published_festivals(review, world):
    assert [(a.festival_name, a.level, a.tier, a.title) for a in review.organization_awards] == [
        ("市2026年展演", Level.city, AwardTier.organization, "优秀组织奖")
    ]
    assert review.organization_awards[0].festival_id == world.festivals["cf"].id


def test_teams_are_own_troupes_with_sessions_held_and_attendance_from_joining(review, world):
    teams = {team.name: team for team in review.teams}
    assert list(teams) == [
        "东城太极队",
        "东城艺术团",
    ]  # no events: 合唱团, 舞蹈队; 街道's is not own
    tai_chi = teams["东城太极队"]
    assert tai_chi.kind is TroupeKind.team and tai_chi.members == 3
    assert tai_chi.sessions == {"training": 9}  # ten Saturdays, one cancelled
    # 10 January: 1 of 2 (the third joined in February); 7 February: 3 of 3
    assert tai_chi.attendance_rate == pytest.approx(4 / 5)
    arts = teams["东城艺术团"]
    assert arts.troupe_id == world.troupes["t1"].id and arts.members == 3
    assert arts.sessions == {"performance": 3, "exhibition": 1, "meeting": 4}
    assert arts.attendance_rate is None


def test_team_rate_is_the_attendance_pages_rate(session, review, world):
    team = world.troupes["team"]
    weeks = schedule_queries.weekly_attendance(
        session,
        team.id,
        datetime(2026, 1, 1, tzinfo=world_a.NOW.tzinfo),
        datetime(2027, 1, 1, tzinfo=world_a.NOW.tzinfo),
        world_a.NOW.tzinfo,
    )
    present, recorded = sum(w.present for w in weeks), sum(w.recorded for w in weeks)
    rate = next(t.attendance_rate for t in review.teams if t.troupe_id == team.id)
    assert rate == schedule_queries.attendance_rate(present, recorded)


def test_events_by_kind_in_the_local_year_with_venues_and_exhibitions(review):
    events = review.events
    # meetings: 3 and 10 January of the weekly series, 1 January 05:00 and 31 December
    # 20:00 Beijing time; not 1 January 2027 02:00 (31 December in UTC)
    assert events.by_kind == {"training": 9, "performance": 4, "exhibition": 1, "meeting": 4}
    assert events.performance_venues == 3  # 敬老院甲 twice, 敬老院乙, 区文化馆
    assert events.exhibitions == [Exhibition("书画展", date(2026, 9, 10), "社区中心")]


def test_by_month_counts_the_teams_sessions_and_attendance(review):
    months = review.events.by_month
    assert [m.month for m in months] == list(range(1, 13))
    assert [m.sessions for m in months] == [7, 4, 1, 0, 0, 0, 0, 0, 1, 3, 0, 1]
    assert months[0] == MonthFigures(1, 7, 0.5)
    assert months[1] == MonthFigures(2, 4, 1.0)
    assert all(m.attendance_rate is None for m in months[2:])


def test_people_ages_on_31_december(review):
    people = review.people
    assert people.performers == 4
    assert people.aged_60_plus == 3  # b turns 60 on 31 December itself
    assert people.age_median == 68.0  # 55, 60, 76, 86
    assert people.age_max == 86  # not e's 95: e's program was withdrawn


def test_a_second_organisation_sees_only_its_own(session, world):
    sibling = year_in_review(session, organization_id=world.sibling.id, year=YEAR)
    assert [run.name for run in sibling.festivals_run] == ["西城区2026年展演"]
    assert [(r.program_title, r.tier) for r in sibling.results_above] == [
        ("pw sibling", AwardTier.third)
    ]
    assert sibling.awards_by_level == {"city": {"third": 1}}
    assert sibling.organization_awards == []
    assert [team.name for team in sibling.teams] == ["西城艺术团"]
    assert sibling.events.by_kind == {"performance": 1}
    assert sibling.people.performers == 1 and sibling.people.age_max == 96
    street = year_in_review(session, organization_id=world.street.id, year=YEAR)
    assert [team.name for team in street.teams] == ["街道腰鼓队"]
    assert street.festivals_run == [] and street.programs.prepared == 0


def test_the_city_counts_its_festival_not_the_districts(session, world):
    city = year_in_review(session, organization_id=world.city.id, year=YEAR)
    assert [(run.name, run.programs, run.awards) for run in city.festivals_run] == [
        ("市2026年展演", 2, 3)  # c1, cw (c4 withdrawn); two prizes and one organisation award
    ]
    assert [(r.program_title, r.level) for r in city.results_above] == [
        ("p1 春江花月夜", Level.province)
    ]
    assert city.programs.sent_upward == 1


def test_a_year_with_nothing_is_empty(session, world):
    review = year_in_review(session, organization_id=world.office.id, year=2030)
    assert review.is_empty
    assert review.festivals_run == [] and review.results_above == [] and review.teams == []
    assert review.programs.prepared == review.programs.sent_upward == 0
    assert review.awards_by_level == {} and review.organization_awards == []
    assert review.events.by_kind == {} and review.events.exhibitions == []
    assert [m.sessions for m in review.events.by_month] == [0] * 12
    assert review.people.performers == 0 and review.people.age_median is None


def test_the_previous_year_counts_its_own_festival(session, world):
    review = year_in_review(session, organization_id=world.office.id, year=2025)
    assert [(run.name, run.programs, run.awards) for run in review.festivals_run] == [
        ("东城区2025年展演", 1, 1)
    ]
    # the weekly meetings of 20 and 27 December 2025
    assert review.events.by_kind == {"meeting": 2}


def _office_with_festivals(session, count: int):
    office = factories.make_organization(session, level="district")
    admin = factories.make_user(session, role="admin")
    troupe = factories.make_troupe(session, organization=office)
    for index in range(count):
        fest = factories.make_festival(session, organization=office, starts_on=date(YEAR, 6, 1))
        factories.make_program(session, festival=fest, troupe=troupe, actor=admin, performers=2)
        world_a.publish(fest)
        schedules.create_event(
            session,
            festival=fest,
            details=EventDetails(
                title="演出",
                kind="performance",
                starts_at=datetime(YEAR, 6, 1 + index % 20, 9),
                ends_at=datetime(YEAR, 6, 1 + index % 20, 10),
                location=f"场地{index}",
                rule="FREQ=WEEKLY;COUNT=3",
            ),
            zone="Asia/Shanghai",
            actor=admin,
            now=factories.NOW,
        )
    session.commit()
    return office


def test_queries_are_the_same_for_1_and_for_100_festivals(session, count_queries):
    one = _office_with_festivals(session, 1)
    hundred = _office_with_festivals(session, 100)
    session.expire_all()
    with count_queries() as small:
        first = year_in_review(session, organization_id=one.id, year=YEAR)
    session.expire_all()
    with count_queries() as large:
        second = year_in_review(session, organization_id=hundred.id, year=YEAR)
    assert len(first.festivals_run) == 1 and len(second.festivals_run) == 100
    assert second.events.by_kind == {"performance": 300}
    assert second.programs.prepared == 100
    assert len(small) == len(large) <= 15


def test_a_team_counts_its_members_on_31_december_not_those_who_joined_later(session, world):
    # Someone who joins the tai chi team in the next year: the year's report, read later,
    # still says three members.
    world_a.person(session, world.troupes["team"], date(1958, 1, 1), joined_on=date(2027, 1, 5))
    session.commit()
    later = year_in_review(session, organization_id=world.office.id, year=YEAR)
    assert {team.name: team.members for team in later.teams}["东城太极队"] == 3
    next_year = year_in_review(session, organization_id=world.office.id, year=YEAR + 1)
    assert all(team.name != "东城太极队" for team in next_year.teams)  # no events in 2027
