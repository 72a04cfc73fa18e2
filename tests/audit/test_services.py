"""The audit log through the services and its queries: every change names the organisation
(and festival) it belongs to, and each reader sees only their organisation's tree."""

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from festival.audit.labels import actions_of_kind
from festival.audit.models import AuditEntry
from festival.audit.queries import AuditFilters, entries_page, festivals_for_filter
from festival.audit.services import record
from festival.schedules import services as schedules
from festival.troupes import services as troupes
from tests import factories
from tests.audit.conftest import DAY, NOW

ALL = AuditFilters()


def entries(session, viewer, filters=ALL) -> list[AuditEntry]:
    return entries_page(session, viewer, filters, page=1, per_page=200).items


def actions(session, viewer, filters=ALL) -> list[str]:
    return [entry.action for entry in entries(session, viewer, filters)]


def test_scores_round_awards_and_status_changes_are_recorded_with_who_when_and_where(
    session, world
):
    by_action = {}
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        by_action.setdefault(entry.action, []).append(entry)
    scores = by_action["save_scores"]
    assert len(scores) == 2
    assert {(e.actor_id, e.at, e.organization_id, e.festival_id, e.entity_id) for e in scores} == {
        (world.judge.id, NOW, world.office.id, world.festival.id, world.round.id)
    }
    assert scores[0].changes["艺术表现"] == [None, "90.00"]
    (closed,) = by_action["close_round"]
    assert (closed.actor_id, closed.at, closed.organization_id, closed.festival_id) == (
        world.organizer.id,
        NOW + DAY,
        world.office.id,
        world.festival.id,
    )
    for action in ("allocate_awards", "create_award", "publish_awards"):
        (entry,) = by_action[action]
        assert (entry.actor_id, entry.at, entry.organization_id, entry.festival_id) == (
            world.organizer.id,
            NOW + 2 * DAY,
            world.office.id,
            world.festival.id,
        ), action
    opened = by_action["open_festival"][-1]
    assert (opened.actor_id, opened.entity_id, opened.organization_id, opened.festival_id) == (
        world.organizer.id,
        world.draft.id,
        world.office.id,
        world.draft.id,
    )


def test_troupe_member_and_event_changes_belong_to_the_troupes_organisation(session, world):
    troupe = factories.make_troupe(session, organization=world.office)
    person = troupes.create_person(
        session, name="张阿姨", birth_date=date(1955, 3, 1), actor=world.organizer, now=NOW
    )
    troupes.add_member(session, troupe=troupe, person=person, actor=world.organizer, now=NOW)
    schedules.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=world.organizer,
        now=NOW,
        details=schedules.EventDetails(
            title="排练",
            kind="rehearsal",
            starts_at=datetime(2026, 3, 7, 9),
            ends_at=datetime(2026, 3, 7, 11),
        ),
    )
    schedules.create_event(
        session,
        festival=world.festival,
        zone="Asia/Shanghai",
        actor=world.organizer,
        now=NOW,
        details=schedules.EventDetails(
            title="开幕式",
            kind="performance",
            starts_at=datetime(2026, 5, 1, 9),
            ends_at=datetime(2026, 5, 1, 11),
        ),
    )
    new = session.execute(
        select(AuditEntry)
        .where(AuditEntry.action.in_(("create_person", "add_member", "create_event")))
        .order_by(AuditEntry.id)
    ).scalars()
    assert [(e.action, e.organization_id, e.festival_id) for e in new] == [
        ("create_person", None, None),  # a person belongs to no organisation
        ("add_member", world.office.id, None),
        ("create_event", world.office.id, None),
        ("create_event", world.office.id, world.festival.id),
    ]


def test_organisation_and_account_changes_name_their_organisation_or_none(session, world):
    created = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "create_organization", AuditEntry.entity_id == world.sibling.id
        )
    ).scalar_one()
    assert created.organization_id == world.sibling.id
    leader = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "create_user", AuditEntry.entity_id == world.leader.id
        )
    ).scalar_one()
    assert leader.organization_id is None
    organizer = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "create_user", AuditEntry.entity_id == world.organizer.id
        )
    ).scalar_one()
    assert organizer.organization_id == world.office.id


def test_an_organizer_reads_their_tree_and_a_sibling_district_reads_none_of_it(session, world):
    office_ids = {e.id for e in entries(session, world.organizer)}
    assert {
        "save_scores",
        "close_round",
        "allocate_awards",
        "publish_awards",
        "open_festival",
    } <= set(actions(session, world.organizer))
    # The city's organizer reads the district's entries too (and the sibling's).
    city_ids = {e.id for e in entries(session, world.city_organizer)}
    assert office_ids < city_ids
    sibling = entries(session, world.sibling_organizer)
    assert sibling and not {e.id for e in sibling} & office_ids
    assert {e.festival_id for e in sibling} <= {world.sibling_festival.id, None}
    assert "save_scores" not in {e.action for e in sibling}


def test_entries_without_an_organisation_are_read_by_admins_only(session, world):
    old = record(
        session,
        actor=None,
        action="save_scores",
        entity_type="round",
        entity_id=world.round.id,
        changes={},
        organization_id=None,
        now=NOW,
    )
    session.commit()
    assert old.id in {e.id for e in entries(session, world.admin)}
    for viewer in (world.organizer, world.city_organizer):
        assert old.id not in {e.id for e in entries(session, viewer)}


def test_judges_and_leaders_read_nothing(session, world):
    for viewer in (world.judge, world.leader):
        assert entries(session, viewer) == []
        assert festivals_for_filter(session, viewer) == []


def test_the_log_is_newest_first(session, world):
    moments = [e.at for e in entries(session, world.organizer)]
    assert moments == sorted(moments, reverse=True)


def test_filters_narrow_by_kind_action_record_person_dates_and_festival(session, world):
    viewer = world.organizer
    assert set(actions(session, viewer, AuditFilters(actions=actions_of_kind("scores")))) == {
        "save_scores"
    }
    assert set(actions(session, viewer, AuditFilters(actions=actions_of_kind("awards")))) == {
        "allocate_awards",
        "create_award",
        "publish_awards",
    }
    assert set(actions(session, viewer, AuditFilters(actions=("close_round",)))) == {"close_round"}
    assert {e.entity_type for e in entries(session, viewer, AuditFilters(entity_type="round"))} == {
        "round"
    }
    by_judge = entries(session, viewer, AuditFilters(username="JUDGE1"))
    assert by_judge and {e.actor_id for e in by_judge} == {world.judge.id}
    second_day = datetime.combine((NOW + DAY).date(), time(), UTC)
    assert set(
        actions(session, viewer, AuditFilters(since=second_day, until=second_day + DAY))
    ) == {"close_round"}
    draft_only = entries(session, viewer, AuditFilters(festival_id=world.draft.id))
    assert draft_only and {e.festival_id for e in draft_only} == {world.draft.id}
    assert actions(session, viewer, AuditFilters(username="nobody")) == []


def test_festivals_for_the_filter_are_those_of_the_readers_tree(session, world):
    ids = {row[0] for row in festivals_for_filter(session, world.organizer)}
    assert ids == {world.festival.id, world.draft.id}
    assert world.sibling_festival.id in {
        row[0] for row in festivals_for_filter(session, world.city_organizer)
    }
