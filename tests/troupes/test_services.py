"""Troupes, people and membership through the services."""

from datetime import date

import pytest
from sqlalchemy import func, select

from festival.core.errors import Conflict, ValidationFailed
from festival.troupes.models import Membership, Person, Troupe, TroupeKind
from festival.troupes.services import (
    add_member,
    create_person,
    create_troupe,
    member_count,
    remove_member,
    update_troupe,
)
from tests import factories

NOW = factories.NOW


def test_a_leader_who_registers_a_troupe_leads_it_whatever_leader_id_says(session):
    leader = factories.make_user(session, role="leader")
    other = factories.make_user(session, role="leader")
    troupe = create_troupe(
        session,
        name="Red Maple",
        organization_id=factories.make_organization(session).id,
        kind="team",
        leader_id=other.id,
        actor=leader,
        now=NOW,
    )
    assert troupe.leader_id == leader.id and troupe.kind is TroupeKind.team


def test_an_organizer_may_name_a_leader_but_only_an_account_with_the_leader_role(session):
    organization = factories.make_organization(session)
    organizer = factories.make_user(session, role="organizer", organization=organization)
    leader = factories.make_user(session, role="leader")
    troupe = create_troupe(
        session,
        name="A",
        organization_id=organization.id,
        leader_id=leader.id,
        actor=organizer,
        now=NOW,
    )
    assert troupe.leader_id == leader.id
    judge = factories.make_user(session, role="judge")
    with pytest.raises(ValidationFailed) as caught:
        create_troupe(
            session,
            name="B",
            organization_id=organization.id,
            leader_id=judge.id,
            actor=organizer,
            now=NOW,
        )
    assert set(caught.value.fields) == {"leader_id"}


def test_create_troupe_refuses_a_second_troupe_of_the_same_name_in_an_organisation(session):
    organization = factories.make_organization(session)
    admin = factories.make_user(session, role="admin")
    create_troupe(session, name="Red Maple", organization_id=organization.id, actor=admin, now=NOW)
    with pytest.raises(ValidationFailed) as caught:
        create_troupe(
            session, name="Red Maple ", organization_id=organization.id, actor=admin, now=NOW
        )
    assert set(caught.value.fields) == {"name"}
    create_troupe(
        session,
        name="Red Maple",
        organization_id=factories.make_organization(session).id,
        actor=admin,
        now=NOW,
    )
    assert session.execute(select(func.count()).select_from(Troupe)).scalar_one() == 2


def test_a_leader_cannot_hand_their_troupe_to_another_leader(session):
    leader = factories.make_user(session, role="leader")
    other = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    update_troupe(
        session,
        troupe=troupe,
        name="Renamed",
        kind="troupe",
        leader_id=other.id,
        actor=leader,
        now=NOW,
    )
    assert troupe.name == "Renamed" and troupe.leader_id == leader.id


def test_create_person_refuses_bad_details_all_at_once(session):
    admin = factories.make_user(session, role="admin")
    with pytest.raises(ValidationFailed) as caught:
        create_person(
            session,
            name="",
            birth_date=date(2027, 1, 1),
            gender="other",
            phone="1" * 40,
            actor=admin,
            now=NOW,
        )
    assert set(caught.value.fields) == {"name", "birth_date", "gender", "phone"}
    assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 0


def test_add_member_twice_is_a_conflict_but_two_troupes_are_fine(session):
    admin = factories.make_user(session, role="admin")
    first, second = factories.make_troupe(session), factories.make_troupe(session)
    person = factories.make_person(session)
    add_member(session, troupe=first, person=person, actor=admin, now=NOW)
    with pytest.raises(Conflict) as caught:
        add_member(session, troupe=first, person=person, actor=admin, now=NOW)
    assert set(caught.value.fields) == {"person_id"}
    add_member(session, troupe=second, person=person, actor=admin, now=NOW)
    assert member_count(session, first.id) == 1 and member_count(session, second.id) == 1


def test_remove_member_takes_the_person_out_of_that_troupe_only(session):
    admin = factories.make_user(session, role="admin")
    first, second = factories.make_troupe(session), factories.make_troupe(session)
    person = factories.make_person(session, troupe=first)
    add_member(session, troupe=second, person=person, actor=admin, now=NOW)
    remove_member(session, troupe=first, person=person, actor=admin, now=NOW)
    assert session.get(Membership, (first.id, person.id)) is None
    assert session.get(Membership, (second.id, person.id)) is not None
    assert session.get(Person, person.id) is not None
