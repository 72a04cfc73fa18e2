"""The dashboard's counts and lists (service tests: a session, no HTTP)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete

from festival.dashboard import queries
from festival.dashboard.queries import ProblemKind
from festival.programs.models import ProgramPerformer, ProgramStatus
from festival.troupes.models import Membership
from tests import factories

LATE = datetime(2026, 4, 25, 9, 0, tzinfo=UTC)  # after make_festival's deadline of 20 April


@pytest.fixture
def office(session):
    return factories.make_organization(session, name="江岸区老龄办", level="city")


@pytest.fixture
def festival(session, office):
    # Opens 1 May 2026; performers must be 60; each category allows 8 minutes.
    return factories.make_festival(
        session, organization=office, categories=("舞蹈", "歌舞", "戏曲")
    )


def withdraw(session, program):
    program.status = ProgramStatus.withdrawn
    session.flush()


def add_performer(session, program, *, name, birth_date=date(1950, 1, 1), member=True):
    person = factories.make_person(
        session, name=name, birth_date=birth_date, troupe=program.troupe if member else None
    )
    session.add(ProgramPerformer(program_id=program.id, person_id=person.id))
    session.flush()
    return person


# Counts


def test_status_counts_show_every_status_with_zeros_the_late_and_the_total(session, festival):
    factories.make_program(session, festival=festival)
    factories.make_program(session, festival=festival)
    factories.make_program(session, festival=festival, now=LATE)
    withdraw(session, factories.make_program(session, festival=festival, now=LATE))

    counts = queries.status_counts(session, festival)

    assert counts.by_status == {
        ProgramStatus.submitted: 3,
        ProgramStatus.withdrawn: 1,
        ProgramStatus.screening: 0,
        ProgramStatus.advanced: 0,
        ProgramStatus.eliminated: 0,
    }
    assert counts.late == 1  # the withdrawn late program is no longer late
    assert counts.total == 4
    assert counts.active == 3


def test_status_counts_ignore_other_festivals(session, festival, office):
    other = factories.make_festival(session, organization=office)
    factories.make_program(session, festival=other, now=LATE)

    counts = queries.status_counts(session, festival)

    assert counts.total == 0 and counts.late == 0


def test_category_counts_list_every_category_in_order_without_withdrawn_programs(session, festival):
    dance, song, opera = festival.categories
    factories.make_program(session, festival=festival, category=song)
    factories.make_program(session, festival=festival, category=song, now=LATE)
    factories.make_program(session, festival=festival, category=dance)
    withdraw(session, factories.make_program(session, festival=festival, category=dance))

    rows = queries.category_counts(session, festival)

    assert [(row.name, row.programs, row.late) for row in rows] == [
        ("舞蹈", 1, 0),
        ("歌舞", 2, 1),
        ("戏曲", 0, 0),
    ]
    assert rows[0].max_duration_minutes == 8


def test_organization_counts_count_programs_by_the_troupes_organisation_most_first(
    session, festival, office
):
    east = factories.make_organization(session, name="东街道", parent=office, level="district")
    west = factories.make_organization(session, name="西街道", parent=office, level="district")
    for organization, programs in ((east, 1), (west, 3)):
        troupe = factories.make_troupe(session, organization=organization)
        for _ in range(programs):
            factories.make_program(session, festival=festival, troupe=troupe)
    withdraw(
        session,
        factories.make_program(
            session, festival=festival, troupe=factories.make_troupe(session, organization=east)
        ),
    )

    rows, more = queries.organization_counts(session, festival)

    assert [(row.name, row.programs) for row in rows] == [("西街道", 3), ("东街道", 1)]
    assert more is False


def test_organization_counts_stop_at_the_limit_and_say_that_there_are_more(
    session, festival, office
):
    for number in range(3):
        organization = factories.make_organization(
            session, name=f"社区{number}", parent=office, level="district"
        )
        factories.make_program(
            session,
            festival=festival,
            troupe=factories.make_troupe(session, organization=organization),
        )

    rows, more = queries.organization_counts(session, festival, limit=2)

    assert len(rows) == 2 and more is True


# Troupes with nothing submitted


@pytest.fixture
def troupes(session, festival, office):
    """Troupes in the festival's tree (some with programs) and one in another tree."""
    street = factories.make_organization(session, name="街道", parent=office, level="district")
    community = factories.make_organization(session, name="社区", parent=street, level="other")
    elsewhere = factories.make_organization(session, name="别区老龄办")
    made = {
        "submitted": factories.make_troupe(session, name="已报团", organization=office),
        "only_withdrawn": factories.make_troupe(session, name="撤回团", organization=office),
        "idle": factories.make_troupe(session, name="空闲团", organization=office),
        "idle_team": factories.make_troupe(
            session, name="空闲队", organization=street, kind="team"
        ),
        "deep": factories.make_troupe(
            session,
            name="社区团",
            organization=community,
            leader=factories.make_user(session, display_name="李队长"),
        ),
        "elsewhere": factories.make_troupe(session, name="外区团", organization=elsewhere),
    }
    factories.make_program(session, festival=festival, troupe=made["submitted"])
    withdraw(
        session, factories.make_program(session, festival=festival, troupe=made["only_withdrawn"])
    )
    other_festival = factories.make_festival(session, organization=office)
    factories.make_program(session, festival=other_festival, troupe=made["idle"])
    return made, street


def names(page) -> set[str]:
    return {troupe.name for troupe in page.items}


def test_troupes_without_programs_are_those_of_the_tree_with_nothing_but_withdrawals(
    session, festival, troupes
):
    page = queries.troupes_without_programs(session, festival)

    assert names(page) == {"撤回团", "空闲团", "空闲队", "社区团"}
    assert page.total == 4
    deep = next(troupe for troupe in page.items if troupe.name == "社区团")
    assert deep.organization.name == "社区"
    assert deep.leader.display_name == "李队长"


def test_troupes_without_programs_filter_by_kind(session, festival, troupes):
    page = queries.troupes_without_programs(session, festival, kind="team")

    assert names(page) == {"空闲队"}


def test_troupes_without_programs_filter_by_an_organisation_and_those_under_it(
    session, festival, troupes
):
    _made, street = troupes

    page = queries.troupes_without_programs(session, festival, organization_id=street.id)

    assert names(page) == {"空闲队", "社区团"}


def test_troupes_without_programs_never_list_another_tree_even_when_asked_for_it(
    session, festival, troupes
):
    made, _street = troupes

    page = queries.troupes_without_programs(
        session, festival, organization_id=made["elsewhere"].organization_id
    )

    assert page.total == 0


def test_troupes_without_programs_are_paginated(session, festival, troupes):
    first = queries.troupes_without_programs(session, festival, page=1, per_page=3)
    second = queries.troupes_without_programs(session, festival, page=2, per_page=3)

    assert (first.total, len(first.items), len(second.items)) == (4, 3, 1)
    assert names(first) | names(second) == {"撤回团", "空闲团", "空闲队", "社区团"}


def test_organizations_under_the_festival_are_its_tree_only(session, festival, troupes):
    assert [o.name for o in queries.organizations_under(session, festival)] == sorted(
        ["江岸区老龄办", "街道", "社区"]
    )


# Programs with problems


def problems_by_title(page) -> dict[str, queries.ProgramProblems]:
    return {row.program.title: row for row in page.items}


def test_a_performer_who_turns_60_the_day_after_the_start_is_under_age(session, festival):
    program = factories.make_program(session, festival=festival, title="夕阳红")
    add_performer(session, program, name="王小妹", birth_date=date(1966, 5, 2))
    fine = factories.make_program(session, festival=festival, title="正好六十")
    add_performer(session, fine, name="李正好", birth_date=date(1966, 5, 1))

    rows = problems_by_title(queries.programs_with_problems(session, festival))

    assert set(rows) == {"夕阳红"}
    assert rows["夕阳红"].under_age == ["王小妹"]
    assert rows["夕阳红"].kinds == [ProblemKind.under_age]


def test_a_performer_removed_from_the_troupe_is_named(session, festival):
    program = factories.make_program(session, festival=festival, title="采茶舞")
    leaver = add_performer(session, program, name="赵离队")
    session.execute(delete(Membership).where(Membership.person_id == leaver.id))
    session.flush()

    rows = problems_by_title(queries.programs_with_problems(session, festival))

    assert rows["采茶舞"].not_members == ["赵离队"]
    assert rows["采茶舞"].under_age == []
    assert rows["采茶舞"].kinds == [ProblemKind.not_member]


def test_a_performer_of_another_troupe_is_not_a_member_of_this_one(session, festival):
    program = factories.make_program(session, festival=festival, title="借人")
    other = factories.make_program(session, festival=festival, title="别团节目")
    borrowed = add_performer(session, other, name="吴别团")
    session.add(ProgramPerformer(program_id=program.id, person_id=borrowed.id))
    session.flush()

    rows = problems_by_title(queries.programs_with_problems(session, festival))

    assert set(rows) == {"借人"}
    assert rows["借人"].not_members == ["吴别团"]


def test_a_program_longer_than_its_category_allows_is_a_problem(session, festival):
    program = factories.make_program(session, festival=festival, title="长剧", duration_minutes=8)
    factories.make_program(session, festival=festival, title="刚好", duration_minutes=8)
    program.duration_minutes = 9
    session.flush()

    rows = problems_by_title(queries.programs_with_problems(session, festival))

    assert set(rows) == {"长剧"}
    assert rows["长剧"].kinds == [ProblemKind.too_long]


def test_a_late_program_is_a_problem(session, festival):
    factories.make_program(session, festival=festival, title="迟到", now=LATE)
    factories.make_program(session, festival=festival, title="准时")

    rows = problems_by_title(queries.programs_with_problems(session, festival))

    assert set(rows) == {"迟到"}
    assert rows["迟到"].kinds == [ProblemKind.late]


def test_a_withdrawn_program_is_not_a_problem_whatever_is_wrong_with_it(session, festival):
    program = factories.make_program(session, festival=festival, title="撤回", now=LATE)
    add_performer(session, program, name="年轻人", birth_date=date(1980, 1, 1), member=False)
    withdraw(session, program)

    page = queries.programs_with_problems(session, festival)

    assert page.total == 0 and page.items == []


def test_every_problem_of_a_program_is_listed_and_each_kind_filters(session, festival):
    program = factories.make_program(session, festival=festival, title="全错", now=LATE)
    add_performer(session, program, name="钱年轻", birth_date=date(1970, 1, 1), member=False)
    add_performer(session, program, name="孙外人", member=False)
    program.duration_minutes = 30
    factories.make_program(session, festival=festival, title="只迟到", now=LATE)
    session.flush()

    everything = problems_by_title(queries.programs_with_problems(session, festival))

    assert everything["全错"].kinds == list(ProblemKind)
    assert everything["全错"].under_age == ["钱年轻"]
    assert everything["全错"].not_members == ["孙外人", "钱年轻"]
    for kind, expected in (
        (ProblemKind.late, {"全错", "只迟到"}),
        (ProblemKind.under_age, {"全错"}),
        (ProblemKind.not_member, {"全错"}),
        (ProblemKind.too_long, {"全错"}),
    ):
        page = queries.programs_with_problems(session, festival, kind=kind)
        assert set(problems_by_title(page)) == expected, kind


def test_programs_with_problems_are_paginated(session, festival):
    for number in range(5):
        factories.make_program(session, festival=festival, title=f"迟到{number}", now=LATE)

    second = queries.programs_with_problems(session, festival, page=2, per_page=2)

    assert (second.total, second.page, [row.program.title for row in second.items]) == (
        5,
        2,
        ["迟到2", "迟到3"],
    )
