"""Submitting, editing and withdrawing programs through the services (a session, no HTTP)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict, ValidationFailed
from festival.festivals.models import FestivalStatus
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.programs.services import submit_program, update_program, withdraw_program
from tests import factories

NOW = factories.NOW  # 2026-03-01, well before the default deadline of 2026-04-20
STARTS_ON = date(2026, 5, 1)  # the default festival's first day


@pytest.fixture
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def world(session):
    """An open festival, a leader's troupe with two eligible members, an organizer, an admin."""
    organization = factories.make_organization(session)
    festival = factories.make_festival(session, organization=organization)
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(
        session, name="Red Maple", organization=organization, leader=leader
    )
    members = [
        factories.make_person(session, name=name, troupe=troupe) for name in ("Wang Fang", "Li Na")
    ]
    return {
        "festival": festival,
        "troupe": troupe,
        "leader": leader,
        "members": members,
        "category": festival.categories[0],
    }


def submit(session, world, **overrides):
    values = {
        "festival": world["festival"],
        "troupe": world["troupe"],
        "category_id": world["category"].id,
        "title": "Spring Breeze",
        "duration_minutes": 6,
        "performer_ids": [p.id for p in world["members"]],
        "may_submit_late": False,
        "actor": world["leader"],
        "now": NOW,
    }
    return submit_program(session, **{**values, **overrides})


def refusal(session, world, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        submit(session, world, **overrides)
    assert caught.value.code == "validation_error" and caught.value.status == 422
    return {field: [str(m) for m in messages] for field, messages in caught.value.fields.items()}


def program_count(session) -> int:
    return session.execute(select(func.count()).select_from(Program)).scalar_one()


def test_submit_program_stores_it_as_submitted_with_its_performers(session, world):
    program = submit(session, world)
    session.commit()
    stored = session.get(Program, program.id)
    assert stored.status is ProgramStatus.submitted
    assert stored.is_late is False and stored.version == 1
    assert stored.title == "Spring Breeze" and stored.submitted_by_id == world["leader"].id
    assert sorted(p.person_id for p in stored.performers) == sorted(p.id for p in world["members"])


def test_submit_program_refuses_a_performer_who_is_not_a_member(session, world, english):
    # Someone the leader knows (from their other troupe), but not a member of this one.
    other = factories.make_troupe(
        session, organization=world["troupe"].organization, leader=world["leader"]
    )
    outsider = factories.make_person(session, name="Zhao Min", troupe=other)
    problems = refusal(session, world, performer_ids=[world["members"][0].id, outsider.id])
    assert problems == {"performer_ids": ["Zhao Min is not a member of Red Maple."]}


def test_submit_program_refuses_a_performer_under_age_naming_age_and_shortfall(
    session, world, english
):
    young = factories.make_person(
        session, name="Sun Li", birth_date=date(1968, 6, 15), troupe=world["troupe"]
    )
    problems = refusal(session, world, performer_ids=[young.id])
    assert problems == {
        "performer_ids": [
            "Sun Li is 57 on May 1, 2026, 3 years under the minimum age of 60 "
            "(turns 60 on June 15, 2028)."
        ]
    }


def test_submit_program_accepts_a_performer_who_turns_60_on_the_first_day(session, world):
    sixty = factories.make_person(
        session, birth_date=STARTS_ON.replace(year=1966), troupe=world["troupe"]
    )
    assert submit(session, world, performer_ids=[sixty.id]).id


def test_submit_program_refuses_a_performer_who_turns_60_the_day_after(session, world):
    almost = factories.make_person(session, birth_date=date(1966, 5, 2), troupe=world["troupe"])
    with pytest.raises(ValidationFailed) as caught:
        submit(session, world, performer_ids=[almost.id])
    assert set(caught.value.fields) == {"performer_ids"}


def test_submit_program_refuses_a_duration_over_the_category_maximum(session, world, english):
    problems = refusal(session, world, duration_minutes=9)
    assert problems == {
        "duration_minutes": ["9 minutes is longer than the 8 minutes allowed in 舞蹈."]
    }


def test_submit_program_refuses_a_category_of_another_festival(session, world, english):
    other = factories.make_festival(session)
    problems = refusal(session, world, category_id=other.categories[0].id)
    assert problems == {"category_id": ["Choose one of this festival's categories."]}


def test_submit_program_refuses_a_leader_after_the_deadline(session, world, english):
    late = world["festival"].submission_deadline + timedelta(minutes=1)
    problems = refusal(session, world, now=late)
    assert list(problems) == ["deadline"]
    assert problems["deadline"][0].startswith("The submission deadline")


def test_submit_program_lets_an_organizer_enter_a_late_program_marked_late(session, world):
    late = world["festival"].submission_deadline + timedelta(minutes=1)
    program = submit(session, world, now=late, may_submit_late=True)
    assert program.is_late is True


def test_submit_program_in_time_by_an_organizer_is_not_late(session, world):
    assert submit(session, world, may_submit_late=True).is_late is False


def test_submit_program_refuses_the_same_title_twice_ignoring_case(session, world, english):
    submit(session, world, title="Spring Breeze")
    problems = refusal(session, world, title="  spring breeze ")
    assert problems == {
        "title": [
            "Red Maple has already submitted a program called spring breeze to this festival."
        ]
    }
    assert program_count(session) == 1


def test_submit_program_lets_another_troupe_use_the_same_title(session, world):
    submit(session, world, title="Spring Breeze")
    other = factories.make_troupe(session, organization=world["festival"].organization)
    person = factories.make_person(session, troupe=other)
    submit(session, world, troupe=other, title="Spring Breeze", performer_ids=[person.id])
    assert program_count(session) == 2


def test_submit_program_refuses_a_festival_in_draft(session, world):
    world["festival"].status = FestivalStatus.draft
    with pytest.raises(ValidationFailed) as caught:
        submit(session, world)
    assert set(caught.value.fields) == {"festival_id"}


def test_submit_program_reports_every_problem_at_once_and_stores_nothing(session, world):
    submit(session, world, title="Spring Breeze")
    session.commit()
    audit_before = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    outsider = factories.make_person(session)
    with pytest.raises(ValidationFailed) as caught:
        submit(
            session, world, title="SPRING BREEZE", duration_minutes=30, performer_ids=[outsider.id]
        )
    assert set(caught.value.fields) == {"title", "duration_minutes", "performer_ids"}
    session.rollback()
    assert program_count(session) == 1
    assert session.execute(select(func.count()).select_from(ProgramPerformer)).scalar_one() == 2
    assert (
        session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audit_before
    )


# update_program and withdraw_program


def edit(session, world, program, **overrides):
    values = {
        "program": program,
        "may_submit_late": False,
        "actor": world["leader"],
        "now": NOW + timedelta(days=1),
    }
    return update_program(session, **{**values, **overrides})


def test_update_program_changes_title_and_performers_and_bumps_the_version(session, world):
    program = submit(session, world)
    session.commit()
    newcomer = factories.make_person(session, troupe=world["troupe"])
    edit(
        session,
        world,
        program,
        title="Autumn Moon",
        performer_ids=[world["members"][0].id, newcomer.id],
        expected_version=1,
    )
    session.commit()
    stored = session.get(Program, program.id)
    assert stored.title == "Autumn Moon" and stored.version == 2
    assert sorted(p.person_id for p in stored.performers) == sorted(
        [world["members"][0].id, newcomer.id]
    )


def test_update_program_refuses_a_stale_version(session, world):
    program = submit(session, world)
    session.commit()
    edit(session, world, program, title="First edit")
    session.commit()
    with pytest.raises(Conflict) as caught:
        edit(session, world, program, title="Second edit", expected_version=1)
    assert caught.value.code == "conflict" and caught.value.status == 409
    assert session.get(Program, program.id).title == "First edit"


def test_update_program_that_breaks_a_rule_changes_nothing(session, world):
    program = submit(session, world)
    session.commit()
    outsider = factories.make_person(session)
    with pytest.raises(ValidationFailed) as caught:
        edit(
            session,
            world,
            program,
            title="Autumn Moon",
            duration_minutes=99,
            performer_ids=[outsider.id],
        )
    assert set(caught.value.fields) == {"duration_minutes", "performer_ids"}
    session.rollback()
    stored = session.get(Program, program.id)
    assert (stored.title, stored.duration_minutes, stored.version) == ("Spring Breeze", 6, 1)
    assert len(stored.performers) == 2


def test_update_program_keeps_its_own_title_without_a_clash(session, world):
    program = submit(session, world)
    edit(session, world, program, title="SPRING BREEZE")
    assert program.title == "SPRING BREEZE"


def test_withdraw_program_marks_it_withdrawn_and_it_can_no_longer_be_edited(session, world):
    program = submit(session, world)
    withdraw_program(session, program=program, actor=world["leader"], now=NOW)
    assert program.status is ProgramStatus.withdrawn
    with pytest.raises(Conflict):
        edit(session, world, program, title="Autumn Moon")
    with pytest.raises(Conflict):
        withdraw_program(session, program=program, actor=world["leader"], now=NOW)


def test_a_program_can_no_longer_change_once_screening_starts(session, world):
    program = submit(session, world)
    world["festival"].status = FestivalStatus.screening
    session.flush()
    with pytest.raises(Conflict):
        edit(session, world, program, title="Autumn Moon")
    with pytest.raises(Conflict):
        withdraw_program(session, program=program, actor=world["leader"], now=NOW)
    assert program.title == "Spring Breeze" and program.status is ProgramStatus.submitted


def test_a_leader_cannot_edit_after_the_deadline_but_an_organizer_can(session, world):
    program = submit(session, world)
    late = world["festival"].submission_deadline + timedelta(hours=1)
    with pytest.raises(Conflict):
        edit(session, world, program, title="Autumn Moon", now=late)
    edit(session, world, program, title="Autumn Moon", now=late, may_submit_late=True)
    assert program.title == "Autumn Moon"
