"""Importing rows (service): every row checked first, all stored or nothing, constant queries."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from festival.imports.columns import COLUMNS, ImportRow
from festival.imports.services import import_rows
from festival.programs.models import Program, ProgramPerformer
from festival.troupes.models import Membership, Person, Troupe, TroupeKind
from tests import factories

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
OLD = date(1950, 5, 1)
YOUNG = date(1970, 1, 1)  # 56 on 1 May 2026: under the minimum age of 60


@pytest.fixture(autouse=True)
def english(app):
    """The messages are compared in English (outside a request the default is Chinese)."""
    with force_locale("en"):
        yield


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def rows_of(kind: str, *records: dict, first: int = 2) -> list[ImportRow]:
    keys = [column.key for column in COLUMNS[kind]]
    return [
        ImportRow(first + index, {key: record.get(key) for key in keys})
        for index, record in enumerate(records)
    ]


def messages(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, str(p.message)) for p in result.problems]


@pytest.fixture
def world(session):
    """A city office running an open festival; one troupe with old members and one young."""
    office = factories.make_organization(session, name="南通市老龄办", level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    for name in ("王秀英", "李桂兰", "张玉珍"):
        factories.make_person(session, name=name, birth_date=OLD, troupe=troupe)
    factories.make_person(session, name="小李", birth_date=YOUNG, troupe=troupe)
    organizer = factories.make_user(session, role="organizer", organization=office)
    return festival, troupe, organizer


def program(title: str, performers: str = "王秀英、李桂兰", **extra) -> dict:
    return {
        "troupe": "万年表歌舞团",
        "title": title,
        "category": "舞蹈",
        "duration_minutes": 6,
        "performers": performers,
        **extra,
    }


def run(session, festival, organizer, kind, rows):
    return import_rows(session, festival=festival, kind=kind, rows=rows, actor=organizer, now=NOW)


# Programs


def test_good_program_rows_are_all_stored_with_their_performers(session, world):
    festival, troupe, organizer = world

    result = run(
        session,
        festival,
        organizer,
        "programs",
        rows_of("programs", program("和谐大家园"), program("夕阳红", "张玉珍, 王秀英")),
    )

    assert result.ok and result.created == 2
    programs = session.execute(select(Program).order_by(Program.title)).scalars().all()
    assert [p.title for p in programs] == ["和谐大家园", "夕阳红"]
    assert all(p.troupe_id == troupe.id and p.submitted_by_id == organizer.id for p in programs)
    assert count(session, ProgramPerformer) == 4


def test_an_under_age_performer_reports_that_row_and_stores_no_program(session, world):
    festival, _, organizer = world
    rows = rows_of("programs", program("一"), program("二", "王秀英、小李"), program("三"))

    result = run(session, festival, organizer, "programs", rows)

    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(3, "performers")]
    assert "小李 is 56" in str(result.problems[0].message)
    assert "under the minimum age of 60" in str(result.problems[0].message)
    assert count(session, Program) == 0


def test_an_unknown_category_and_too_long_duration_are_reported_by_column(session, world):
    festival, _, organizer = world

    result = run(
        session,
        festival,
        organizer,
        "programs",
        rows_of(
            "programs",
            program("一", category="杂技"),
            program("二", duration_minutes=9),
            program("三", duration_minutes="六"),
        ),
    )

    assert [(row, column) for row, column, _ in messages(result)] == [
        (2, "category"),
        (3, "duration_minutes"),
        (4, "duration_minutes"),
    ]
    assert "Choose one of this festival's categories" in messages(result)[0][2]
    assert "9 minutes is longer than the 8 minutes allowed in 舞蹈" in messages(result)[1][2]


def test_a_performer_who_is_not_a_member_is_named(session, world):
    festival, _, organizer = world

    result = run(
        session,
        festival,
        organizer,
        "programs",
        rows_of("programs", program("一", "王秀英、赵大妈")),
    )

    assert messages(result) == [(2, "performers", "赵大妈 is not a member of 万年表歌舞团.")]


def test_two_members_with_the_same_name_make_the_name_ambiguous(session, world):
    festival, troupe, organizer = world
    factories.make_person(session, name="王秀英", birth_date=date(1948, 1, 1), troupe=troupe)

    result = run(session, festival, organizer, "programs", rows_of("programs", program("一")))

    assert [(row, column) for row, column, _ in messages(result)] == [(2, "performers")]
    assert "2 members called 王秀英" in messages(result)[0][2]


def test_the_same_title_twice_in_the_file_reports_the_second_row(session, world):
    festival, _, organizer = world

    result = run(
        session,
        festival,
        organizer,
        "programs",
        rows_of("programs", program("和谐大家园"), program("和谐大家园")),
    )

    assert [(row, column) for row, column, _ in messages(result)] == [(3, "title")]
    assert "already submitted a program called 和谐大家园" in messages(result)[0][2]


def test_a_title_the_troupe_already_submitted_is_reported(session, world):
    festival, troupe, organizer = world
    factories.make_program(session, festival=festival, troupe=troupe, title="和谐大家园")

    result = run(
        session, festival, organizer, "programs", rows_of("programs", program("和谐大家园"))
    )

    assert [(row, column) for row, column, _ in messages(result)] == [(2, "title")]


def test_a_festival_that_is_not_open_is_one_problem_for_the_whole_file(session, world):
    festival, _, organizer = world
    festival.status = "draft"

    result = run(
        session, festival, organizer, "programs", rows_of("programs", program("一"), program("二"))
    )

    assert messages(result) == [(None, None, "This festival is not open for submissions.")]


def test_late_programs_are_accepted_from_an_import_and_marked_late(session, world):
    festival, _, organizer = world

    result = import_rows(
        session,
        festival=festival,
        kind="programs",
        rows=rows_of("programs", program("一")),
        actor=organizer,
        now=datetime(2026, 4, 25, tzinfo=UTC),
    )

    assert result.ok
    assert session.execute(select(Program.is_late)).scalar_one() is True


def test_a_troupe_outside_the_festivals_organisation_is_not_found(session, world):
    festival, _, organizer = world
    factories.make_troupe(session, name="外区剧团")

    result = run(
        session,
        festival,
        organizer,
        "programs",
        rows_of("programs", program("一", troupe="外区剧团")),
    )

    assert messages(result) == [
        (2, "troupe", "There is no troupe called 外区剧团 under the festival's organisation.")
    ]


def test_checking_costs_the_same_queries_for_20_and_200_rows(session, world, count_queries):
    festival, _, organizer = world
    sizes = {}
    for size in (20, 200):
        rows = rows_of("programs", *[program(f"节目{n}", "王秀英、小李") for n in range(size)])
        session.commit()  # both sizes start from the same state: nothing pending, all expired
        with count_queries() as queries:
            result = run(session, festival, organizer, "programs", rows)
        assert len(result.problems) == size
        sizes[size] = len(queries)

    assert sizes[20] == sizes[200]


# Troupes


def test_troupes_are_created_under_the_named_organisation_with_kind_and_leader(session, world):
    festival, _, organizer = world
    street = factories.make_organization(session, name="崇川区老龄办", parent=festival.organization)
    factories.make_user(session, role="leader", username="laowang")

    result = run(
        session,
        festival,
        organizer,
        "troupes",
        rows_of(
            "troupes",
            {"name": "太极拳展示队", "kind": "队", "leader_username": "LaoWang"},
            {"name": "夕阳红合唱团", "organization": "崇川区老龄办", "kind": "troupe"},
        ),
    )

    assert result.ok and result.created == 2
    team, choir = session.execute(
        select(Troupe).where(Troupe.name != "万年表歌舞团").order_by(Troupe.id)
    ).scalars()
    assert (team.kind, team.organization_id, team.leader.username) == (
        TroupeKind.team,
        festival.organization_id,
        "laowang",
    )
    assert (choir.kind, choir.organization_id, choir.leader_id) == (
        TroupeKind.troupe,
        street.id,
        None,
    )


def test_troupe_rows_report_duplicates_strangers_and_bad_values(session, world):
    festival, _, organizer = world
    factories.make_organization(session, name="别的市")
    factories.make_user(session, role="judge", username="judge1")

    result = run(
        session,
        festival,
        organizer,
        "troupes",
        rows_of(
            "troupes",
            {"name": "新团"},
            {"name": "新团"},
            {"name": "万年表歌舞团"},
            {"name": "甲", "organization": "别的市"},
            {"name": "乙", "leader_username": "judge1", "kind": "乐队"},
            {"name": "团" * 121},
        ),
    )

    assert [(row, column) for row, column, _ in messages(result)] == [
        (3, "name"),
        (4, "name"),
        (5, "organization"),
        (6, "kind"),
        (6, "leader_username"),
        (7, "name"),
    ]
    assert messages(result)[0][2] == "新团 is also on row 2."
    assert count(session, Troupe) == 1


# Members


def member(name: str, born="1950-05-01", troupe="万年表歌舞团", **extra) -> dict:
    return {"troupe": troupe, "name": name, "birth_date": born, **extra}


def test_members_are_added_and_a_known_person_is_reused_in_another_troupe(session, world):
    festival, troupe, organizer = world
    choir = factories.make_troupe(session, name="夕阳红合唱团", organization=festival.organization)
    people_before = count(session, Person)

    result = run(
        session,
        festival,
        organizer,
        "members",
        rows_of(
            "members",
            member("王秀英", troupe="夕阳红合唱团"),  # already in 万年表歌舞团: the same person
            member("周阿姨", "1949/10/1", gender="女", phone="13800000000"),
            member("周阿姨", "1949年10月1日", troupe="夕阳红合唱团"),
        ),
    )

    assert result.ok and result.created == 3
    assert count(session, Person) == people_before + 1
    zhou = session.execute(select(Person).where(Person.name == "周阿姨")).scalar_one()
    assert (zhou.birth_date, zhou.gender.value, zhou.phone) == (
        date(1949, 10, 1),
        "female",
        "13800000000",
    )
    assert {m.troupe_id for m in zhou.memberships} == {troupe.id, choir.id}
    wang = session.execute(select(Person).where(Person.name == "王秀英")).scalar_one()
    assert len(wang.memberships) == 2


def test_member_rows_report_repeats_and_bad_details(session, world):
    festival, _, organizer = world
    memberships_before = count(session, Membership)

    result = run(
        session,
        festival,
        organizer,
        "members",
        rows_of(
            "members",
            member("王秀英"),
            member("周阿姨"),
            member("周阿姨"),
            member("吴阿姨", "1950年13月1日"),
            member("郑阿姨", gender="X", phone="1" * 33),
            member("", troupe=""),
        ),
    )

    # Row 2, 王秀英, is already a member: matched, not an error (issue 17).
    assert [(row, column) for row, column, _ in messages(result)] == [
        (4, "name"),
        (5, "birth_date"),
        (6, "gender"),
        (6, "phone"),
        (7, "troupe"),
        (7, "name"),
    ]
    assert messages(result)[0][2] == "周阿姨 (born May 1, 1950) is also on row 3."
    assert "1950-05-01, 1950/5/1 or 1950年5月1日" in messages(result)[1][2]
    assert count(session, Membership) == memberships_before
    assert count(session, Person) == 4


def test_a_troupe_name_used_in_two_organisations_needs_the_organisation(session, world):
    festival, _, organizer = world
    street = factories.make_organization(session, name="崇川区老龄办", parent=festival.organization)
    factories.make_troupe(session, name="万年表歌舞团", organization=street)

    ambiguous = run(session, festival, organizer, "members", rows_of("members", member("周阿姨")))
    decided = run(
        session,
        festival,
        organizer,
        "members",
        rows_of("members", member("周阿姨", organization="崇川区老龄办")),
    )

    assert [(row, column) for row, column, _ in messages(ambiguous)] == [(2, "organization")]
    assert "enter the organisation" in messages(ambiguous)[0][2]
    assert decided.ok


def test_ten_thousand_member_rows_import_in_one_go(session, world):
    festival, _, organizer = world
    rows = rows_of(
        "members",
        *[member(f"成员{n}", date(1940 + n % 20, 1 + n % 12, 1 + n % 28)) for n in range(10_000)],
    )

    result = run(session, festival, organizer, "members", rows)

    assert result.ok and result.created == 10_000
    assert count(session, Membership) == 10_004
