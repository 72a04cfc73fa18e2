"""Who may reach a person (their date of birth and phone) by id, on the pages and through the
API: those who already manage a troupe the person is in (its leader; the organizers of its
office and of the offices above), and whoever registered someone who is in no troupe yet.
Anyone else is answered exactly as for an id that no person has (404), wherever the id comes
in: adding a member, removing one, the person's page, a program's performers, an import."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from festival.troupes.models import Membership, Person
from tests import factories
from tests.html import Page
from tests.imports.spreadsheets import csv_bytes

EN = {"Accept-Language": "en"}
PHONE = "13912345678"
UNKNOWN_ID = 987654


class World:
    """A city office with two districts A and B under it. In A: leader one's troupe 红枫艺术团
    with 张秀英 (born 1950-05-01, phone 13912345678), leader two's troupe 夕阳红合唱团 with 刘芳,
    and 银龄舞蹈队, which has no leader, with 李建国. In B: 长青队. 周阿姨 is in no troupe. One
    organizer of each office, a judge."""

    def __init__(self, session):
        self.session = session
        self.city = factories.make_organization(session, name="南通市老龄办", level="city")
        self.district_a = factories.make_organization(
            session, name="崇川区老龄办", parent=self.city
        )
        self.district_b = factories.make_organization(
            session, name="港闸区老龄办", parent=self.city
        )
        self.leader = factories.make_user(session, role="leader")
        self.other_leader = factories.make_user(session, role="leader")
        self.troupe = factories.make_troupe(
            session, name="红枫艺术团", organization=self.district_a, leader=self.leader
        )
        self.other_troupe = factories.make_troupe(
            session, name="夕阳红合唱团", organization=self.district_a, leader=self.other_leader
        )
        self.leaderless = factories.make_troupe(
            session, name="银龄舞蹈队", organization=self.district_a
        )
        self.troupe_b = factories.make_troupe(session, name="长青队", organization=self.district_b)
        self.person = factories.make_person(
            session, name="张秀英", birth_date=date(1950, 5, 1), troupe=self.troupe
        )
        self.person.phone = PHONE
        self.colleague = factories.make_person(session, name="刘芳", troupe=self.other_troupe)
        self.unled_member = factories.make_person(session, name="李建国", troupe=self.leaderless)
        self.loner = factories.make_person(session, name="周阿姨")
        self.organizer_a = factories.make_user(
            session, role="organizer", organization=self.district_a
        )
        self.organizer_b = factories.make_user(
            session, role="organizer", organization=self.district_b
        )
        self.organizer_city = factories.make_user(session, role="organizer", organization=self.city)
        self.judge = factories.make_user(session, role="judge")
        session.commit()

    def memberships(self, person) -> set[int]:
        self.session.commit()
        return set(
            self.session.execute(
                select(Membership.troupe_id).where(Membership.person_id == person.id)
            ).scalars()
        )


@pytest.fixture
def world(app, session):
    return World(session)


def link(api, user, troupe, person_id):
    return api.as_user(user).post(
        f"/api/v1/troupes/{troupe.id}/members", json={"person_id": person_id}
    )


@pytest.mark.parametrize("target", ["unled_member", "loner"])
def test_a_leader_cannot_claim_a_person_they_cannot_reach(world, api, target):
    """Not a member of a troupe without a leader, nor someone nobody put in a troupe yet: the
    answer is the one for an id that no person has, and nothing is linked or shown."""
    person = getattr(world, target)
    refused = link(api, world.other_leader, world.other_troupe, person.id)
    unknown = link(api, world.other_leader, world.other_troupe, UNKNOWN_ID)
    assert refused.status_code == unknown.status_code == 404
    assert refused.get_json() == unknown.get_json()
    assert world.other_troupe.id not in world.memberships(person)
    members = (
        api.as_user(world.other_leader)
        .get(f"/api/v1/troupes/{world.other_troupe.id}/members")
        .get_json()
    )
    assert person.name not in str(members)


def test_an_organizer_cannot_claim_a_person_of_another_office(world, api):
    refused = link(api, world.organizer_b, world.troupe_b, world.person.id)
    assert refused.status_code == 404
    assert refused.get_json() == link(api, world.organizer_b, world.troupe_b, UNKNOWN_ID).get_json()
    assert world.memberships(world.person) == {world.troupe.id}
    members = (
        api.as_user(world.organizer_b)
        .get(f"/api/v1/troupes/{world.troupe_b.id}/members")
        .get_json()
    )
    assert PHONE not in str(members)


def test_those_who_manage_a_persons_troupe_may_link_them_elsewhere(world, api):
    # The office above the troupe's office, and a leader for their own people.
    city_troupe = factories.make_troupe(world.session, organization=world.city)
    assert link(api, world.organizer_city, city_troupe, world.person.id).status_code == 201
    second = factories.make_troupe(
        world.session, organization=world.district_a, leader=world.leader
    )
    assert link(api, world.leader, second, world.person.id).status_code == 201
    assert world.memberships(world.person) == {world.troupe.id, city_troupe.id, second.id}


def test_only_the_leader_who_registered_a_person_may_link_them_and_new_people_still_join(
    world, api
):
    caller = api.as_user(world.other_leader)
    registered = caller.post("/api/v1/people", json={"name": "钱大妈", "birth_date": "1952-02-02"})
    assert registered.status_code == 201
    # Someone another leader registered is out of reach, even while in no troupe.
    assert link(api, world.leader, world.troupe, registered.get_json()["id"]).status_code == 404
    assert (
        link(api, world.other_leader, world.other_troupe, registered.get_json()["id"]).status_code
        == 201
    )
    added = caller.post(
        f"/api/v1/troupes/{world.other_troupe.id}/members",
        json={"name": "孙阿姨", "birth_date": "1953-03-03", "phone": "1390000"},
    )
    assert added.status_code == 201 and added.get_json()["phone"] == "1390000"


@pytest.mark.parametrize(
    ("role", "page", "api_status"),
    [
        ("organizer_a", 200, 201),
        ("organizer_b", 404, 404),
        ("other_leader", 404, 404),
        ("judge", 404, 404),
        ("public", 302, 401),
    ],
)
def test_who_reaches_a_person_on_the_page_and_through_the_api(
    world, api, client, role, page, api_status
):
    """The person's page (date of birth, phone) and linking them by id into a troupe the
    caller manages (or any troupe, for those who manage none)."""
    user = None if role == "public" else getattr(world, role)
    own = {
        "organizer_a": world.leaderless,
        "organizer_b": world.troupe_b,
        "other_leader": world.other_troupe,
    }.get(role, world.other_troupe)
    if user is not None:
        client.login(user.username)
    shown = client.get(f"/people/{world.person.id}", headers=EN)
    assert shown.status_code == page
    assert (PHONE in shown.get_data(as_text=True)) is (page == 200)
    caller = api.as_user(user) if user is not None else api
    linked = caller.post(f"/api/v1/troupes/{own.id}/members", json={"person_id": world.person.id})
    assert linked.status_code == api_status
    assert (PHONE in linked.get_data(as_text=True)) is (api_status == 201)


def test_a_persons_page_lists_only_the_troupes_the_viewer_manages(world, client):
    world.session.add(Membership(troupe_id=world.troupe_b.id, person_id=world.person.id))
    world.session.commit()
    client.login(world.leader.username)
    page = Page(client.get(f"/people/{world.person.id}", headers=EN))
    assert page.status == 200
    assert "红枫艺术团" in page.text and "长青队" not in page.text
    client.login(world.organizer_b.username)
    page = Page(client.get(f"/people/{world.person.id}", headers=EN))
    assert "长青队" in page.text and "红枫艺术团" not in page.text


def test_the_remove_page_does_not_name_someone_outside_the_troupe(world, client):
    client.login(world.other_leader.username)
    response = client.post_form(
        f"/troupes/{world.other_troupe.id}/members/{world.person.id}/remove", headers=EN
    )
    assert response.status_code == 404
    assert "张秀英" not in response.get_data(as_text=True)
    # Their own member: the confirmation names them.
    mine = client.post_form(
        f"/troupes/{world.other_troupe.id}/members/{world.colleague.id}/remove", headers=EN
    )
    assert mine.status_code == 200 and "刘芳" in mine.get_data(as_text=True)


def test_naming_another_troupes_person_as_a_performer_tells_nothing_of_them(world, api, client):
    """Through the API (submit and edit) and the page: the answer is the one for an id that
    no person has; neither the name nor the date of birth comes back."""
    festival = factories.make_festival(
        world.session,
        organization=world.district_a,
        starts_on=date(2030, 5, 1),
        deadline=factories.NOW.replace(year=2030),
    )
    world.session.commit()
    caller = api.as_user(world.other_leader)
    url = f"/api/v1/festivals/{festival.id}/programs"
    body = {
        "title": "春风",
        "category_id": festival.categories[0].id,
        "troupe_id": world.other_troupe.id,
        "duration_minutes": 6,
    }

    def performer_errors(response) -> list[str]:
        assert response.status_code == 422
        return response.get_json()["error"]["fields"]["performer_ids"]

    named = performer_errors(
        caller.post(url, json={**body, "performer_ids": [world.colleague.id, world.person.id]})
    )
    unknown = performer_errors(
        caller.post(url, json={**body, "performer_ids": [world.colleague.id, UNKNOWN_ID]})
    )
    assert named == [m.replace(str(UNKNOWN_ID), str(world.person.id)) for m in unknown]
    assert "张秀英" not in str(named) and "1950" not in str(named)

    program = caller.post(url, json={**body, "performer_ids": [world.colleague.id]})
    assert program.status_code == 201
    edited = caller.patch(
        f"/api/v1/programs/{program.get_json()['id']}",
        json={"performer_ids": [world.colleague.id, world.person.id]},
    )
    assert "张秀英" not in str(performer_errors(edited))

    client.login(world.other_leader.username)
    page = client.post_form(
        f"/festivals/{festival.id}/programs/new?troupe_id={world.other_troupe.id}",
        {
            "title": "秋月",
            "category_id": festival.categories[0].id,
            "duration_minutes": 6,
            "performer_ids": [world.colleague.id, world.person.id],
        },
        headers=EN,
    )
    assert page.status_code == 422
    assert "张秀英" not in page.get_data(as_text=True)


def test_an_import_does_not_link_a_person_of_another_office(world, session, client):
    """A member row with the name and birthday of someone in district A, imported into a
    troupe of district B: a person of B's own is registered; A's is neither linked nor shown."""
    festival = factories.make_festival(session, organization=world.district_b)
    session.commit()
    client.login(world.organizer_b.username)
    rows = [["团体名称", "姓名", "出生日期", "性别"], ["长青队", "张秀英", "1950-05-01", "女"]]
    response = client.raw.post(
        f"/festivals/{festival.id}/import",
        headers=EN,
        content_type="multipart/form-data",
        data={
            "kind": "members",
            "file": (io.BytesIO(csv_bytes(rows)), "members.csv"),
            "csrf_token": client.csrf_token(),
        },
    )
    assert response.status_code == 302
    assert world.memberships(world.person) == {world.troupe.id}
    session.commit()
    namesakes = session.execute(select(Person).where(Person.name == "张秀英")).scalars().all()
    assert len(namesakes) == 2
    theirs = next(p for p in namesakes if p.id != world.person.id)
    assert world.memberships(theirs) == {world.troupe_b.id} and theirs.phone is None
    exported = client.get(f"/festivals/{festival.id}/export/members.csv")
    assert PHONE not in exported.get_data(as_text=True)


def test_an_import_still_reuses_a_person_the_importer_reaches(world, session, client):
    festival = factories.make_festival(session, organization=world.district_a)
    session.commit()
    client.login(world.organizer_a.username)
    rows = [["团体名称", "姓名", "出生日期"], ["银龄舞蹈队", "张秀英", "1950-05-01"]]
    response = client.raw.post(
        f"/festivals/{festival.id}/import",
        headers=EN,
        content_type="multipart/form-data",
        data={
            "kind": "members",
            "file": (io.BytesIO(csv_bytes(rows)), "members.csv"),
            "csrf_token": client.csrf_token(),
        },
    )
    assert response.status_code == 302
    assert world.memberships(world.person) == {world.troupe.id, world.leaderless.id}
    assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 4
