"""The intake pages as people use them: festivals, troupes, members, programs, leader home."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from festival.festivals.models import Festival, FestivalStatus
from festival.programs.models import Program, ProgramStatus
from festival.troupes.models import Membership, Person, Troupe
from tests import factories
from tests.html import Page

EN = {"Accept-Language": "en"}


def count(session, model) -> int:
    session.rollback()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def future_festival(session, office):
    """Open, with its deadline a month ahead of the real clock."""
    deadline = datetime.now(UTC) + timedelta(days=30)
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=20)).date(),
        max_minutes=8,
    )
    session.commit()
    return festival


def test_organizer_creates_a_festival_adds_a_category_and_opens_it(
    client, login_as, session, office
):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new",
        {
            "name": "2027年崇川区老年文艺汇演",
            "level": "district",
            "organization_id": office.id,
            "year": 2027,
            "starts_on": "2027-05-18",
            "ends_on": "2027-05-18",
            "submission_deadline": "2027-03-31T17:00",
            "timezone": "Asia/Shanghai",
            "min_performer_age": 60,
            "description": "",
        },
    )
    assert response.status_code == 302
    festival = session.execute(select(Festival)).scalar_one()
    assert festival.status is FestivalStatus.draft
    assert festival.submission_deadline == datetime(2027, 3, 31, 9, 0, tzinfo=UTC)

    refused = client.post_form(f"/festivals/{festival.id}/open", follow_redirects=True)
    assert "Add at least one category" in text(refused) or "至少" in text(refused)
    session.refresh(festival)
    assert festival.status is FestivalStatus.draft

    added = client.post_form(
        f"/festivals/{festival.id}/categories", {"name": "舞蹈", "max_duration_minutes": "8"}
    )
    assert added.status_code == 302
    asked = Page(client.post_form(f"/festivals/{festival.id}/open", headers=EN))
    assert asked.h1 == f"Open {festival.name} for submissions?"
    assert "An open festival cannot go back to draft." in asked.text
    session.refresh(festival)
    assert festival.status is FestivalStatus.draft  # nothing happens before the answer
    confirm = asked.form_with_button("Yes, open it")
    assert client.post(confirm.action, data=confirm.fields).status_code == 302
    session.refresh(festival)
    assert festival.status is FestivalStatus.open
    page = text(client.get(f"/festivals/{festival.id}", headers=EN))
    assert "舞蹈" in page and "2027" in page


def test_festival_form_shows_errors_next_to_fields_and_stores_nothing(
    client, login_as, session, office
):
    login_as("organizer", organization=office)
    response = client.post_form(
        "/festivals/new",
        {
            "name": "Backwards",
            "level": "district",
            "organization_id": office.id,
            "year": 2027,
            "starts_on": "2027-05-18",
            "ends_on": "2027-05-01",
            "submission_deadline": "2027-03-31T17:00",
            "timezone": "Mars/Olympus",
            "min_performer_age": 60,
        },
        headers=EN,
    )
    page = text(response)
    assert 'id="ends_on-error"' in page and 'id="timezone-error"' in page
    assert count(session, Festival) == 0


def test_draft_festival_is_hidden_from_anonymous_visitors(client, session, office):
    festival = factories.make_festival(session, organization=office, status="draft")
    session.commit()
    assert client.get(f"/festivals/{festival.id}").status_code == 404
    assert festival.name not in text(client.get("/festivals"))


def test_leader_registers_a_troupe_adds_members_and_submits_a_program(
    client, login_as, session, office, future_festival
):
    leader = login_as("leader")
    created = client.post_form(
        "/troupes/new", {"name": "万年表歌舞团", "kind": "troupe", "organization_id": office.id}
    )
    assert created.status_code == 302
    troupe = session.execute(select(Troupe)).scalar_one()
    assert troupe.leader_id == leader.id

    for name, born in [("张秀英", "1950-03-02"), ("李建国", "1948-11-20")]:
        added = client.post_form(
            f"/troupes/{troupe.id}/members",
            {"name": name, "birth_date": born, "gender": "", "phone": "", "role": "member"},
        )
        assert added.status_code == 302, text(added)
    people = {p.name: p for p in session.execute(select(Person)).scalars()}
    category = future_festival.categories[0]
    submitted = client.post_form(
        f"/festivals/{future_festival.id}/programs/new?troupe_id={troupe.id}",
        {
            "troupe_id": troupe.id,
            "title": "和谐大家园",
            "category_id": category.id,
            "duration_minutes": 7,
            "performer_ids": [people["张秀英"].id, people["李建国"].id],
        },
    )
    assert submitted.status_code == 302, text(submitted)
    program = session.execute(select(Program)).scalar_one()
    assert program.title == "和谐大家园" and program.status is ProgramStatus.submitted
    assert sorted(p.person_id for p in program.performers) == sorted(p.id for p in people.values())
    home = text(client.get("/", headers=EN))
    assert "万年表歌舞团" in home and "和谐大家园" in home


def test_program_form_names_the_under_age_performer_and_stores_nothing(
    client, login_as, session, office, future_festival
):
    leader = login_as("leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    young_birth = future_festival.starts_on.replace(year=future_festival.starts_on.year - 58)
    young = factories.make_person(session, name="王小梅", birth_date=young_birth, troupe=troupe)
    session.commit()
    response = client.post_form(
        f"/festivals/{future_festival.id}/programs/new?troupe_id={troupe.id}",
        {
            "troupe_id": troupe.id,
            "title": "茉莉花开",
            "category_id": future_festival.categories[0].id,
            "duration_minutes": 12,
            "performer_ids": [young.id],
        },
        headers=EN,
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(r"王小梅 is 58 on .*2 years under the minimum age of 60", page)
    assert "12 minutes is longer than the 8 minutes allowed" in page
    assert count(session, Program) == 0


def test_leader_cannot_open_another_leaders_troupe_or_program(
    client, login_as, session, office, future_festival
):
    other_leader = factories.make_user(session, role="leader")
    theirs = factories.make_troupe(session, organization=office, leader=other_leader)
    program = factories.make_program(session, festival=future_festival, troupe=theirs)
    session.commit()
    login_as("leader")
    assert client.get(f"/troupes/{theirs.id}").status_code == 404
    assert client.get(f"/programs/{program.id}").status_code == 404
    assert client.get(f"/programs/{program.id}/edit").status_code == 404
    assert client.post_form(f"/programs/{program.id}/withdraw").status_code == 404
    listing = text(client.get(f"/festivals/{future_festival.id}/programs"))
    assert program.title not in listing
    submit = client.get(f"/festivals/{future_festival.id}/programs/new?troupe_id={theirs.id}")
    assert submit.status_code == 404


def test_withdraw_asks_first_then_withdraws(client, login_as, session, office, future_festival):
    leader = login_as("leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    program = factories.make_program(
        session, festival=future_festival, troupe=troupe, title="夕阳红"
    )
    session.commit()
    confirm = client.get(f"/programs/{program.id}/withdraw", headers=EN)
    assert "Withdraw 《夕阳红》?" in text(confirm)
    session.refresh(program)
    assert program.status is ProgramStatus.submitted
    client.post_form(f"/programs/{program.id}/withdraw")
    session.refresh(program)
    assert program.status is ProgramStatus.withdrawn


def test_stale_edit_is_refused_with_a_conflict_message(
    client, login_as, session, office, future_festival
):
    leader = login_as("leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    program = factories.make_program(session, festival=future_festival, troupe=troupe, title="原名")
    session.commit()
    stale_version = program.version
    form = {
        "troupe_id": troupe.id,
        "category_id": program.category_id,
        "duration_minutes": 5,
        "performer_ids": [p.person_id for p in program.performers],
    }
    first = client.post_form(
        f"/programs/{program.id}/edit", {**form, "title": "第一次修改", "version": stale_version}
    )
    assert first.status_code == 302
    second = client.post_form(
        f"/programs/{program.id}/edit",
        {**form, "title": "第二次修改", "version": stale_version},
        headers=EN,
    )
    assert "Someone else changed this program" in text(second)
    session.refresh(program)
    assert program.title == "第一次修改"


def test_program_list_filters_by_status_and_category(
    client, login_as, session, office, future_festival
):
    dance, song = future_festival.categories
    kept = factories.make_program(
        session, festival=future_festival, category=dance, title="舞蹈节目"
    )
    factories.make_program(session, festival=future_festival, category=song, title="歌舞节目")
    session.commit()
    login_as("organizer", organization=office)
    page = text(client.get(f"/festivals/{future_festival.id}/programs?category_id={dance.id}"))
    assert "舞蹈节目" in page and "歌舞节目" not in page
    assert kept.title in page
    none = text(
        client.get(f"/festivals/{future_festival.id}/programs?status=withdrawn", headers=EN)
    )
    assert "No program matches these filters." in none


def test_people_page_lists_every_troupe_of_a_person(client, login_as, session, office):
    leader = login_as("leader")
    choir = factories.make_troupe(session, name="银龄合唱团", organization=office, leader=leader)
    dancers = factories.make_troupe(
        session, name="万年表歌舞团", organization=office, leader=leader
    )
    singer = factories.make_person(session, name="赵桂兰", troupe=choir)
    session.commit()
    added = client.post_form(
        f"/troupes/{dancers.id}/members", {"person_id": singer.id, "role": "member"}
    )
    assert added.status_code == 302
    assert count(session, Membership) == 2
    page = text(client.get(f"/people/{singer.id}"))
    assert "银龄合唱团" in page and "万年表歌舞团" in page


def test_leader_home_says_which_troupe_has_not_submitted_yet(
    client, login_as, session, office, future_festival
):
    leader = login_as("leader")
    troupe = factories.make_troupe(session, name="夕阳红戏曲社", organization=office, leader=leader)
    factories.make_person(session, troupe=troupe)
    session.commit()
    page = text(client.get("/", headers=EN))
    assert f"夕阳红戏曲社 has not submitted a program to {future_festival.name}" in page


@pytest.mark.parametrize("path", ["/festivals", "/troupes", "/festivals/{id}/programs", "/"])
def test_list_pages_cost_the_same_queries_for_3_and_30_rows(
    client, login_as, session, office, count_queries, path
):
    festival = factories.make_festival(session, organization=office)
    leader = factories.make_user(session, role="leader")
    admin = factories.make_user(session, role="admin")

    def grow(n):
        for _ in range(n):
            troupe = factories.make_troupe(session, organization=office, leader=leader)
            factories.make_program(
                session, festival=festival, troupe=troupe, performers=2, actor=admin
            )
            factories.make_festival(session, organization=office)
        session.commit()

    login_as("admin")
    url = path.format(id=festival.id)
    grow(3)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    grow(27)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large), "\n".join(large)


def test_troupe_page_queries_do_not_grow_with_its_members(
    client, login_as, session, office, count_queries
):
    leader = login_as("leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    for _ in range(3):
        factories.make_person(session, troupe=troupe)
    session.commit()
    with count_queries() as small:
        client.get(f"/troupes/{troupe.id}")
    for _ in range(40):
        factories.make_person(session, troupe=troupe)
    session.commit()
    with count_queries() as large:
        client.get(f"/troupes/{troupe.id}")
    assert len(small) == len(large)
