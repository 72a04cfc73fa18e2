"""The objection services: the notice window, the fields, the rate limit per address (under
a lock on the festival, so parallel posts cannot pass it), decisions once, the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.clock import utcnow
from festival.core.errors import (
    Conflict,
    Forbidden,
    NoticeClosed,
    TooManyRequests,
    ValidationFailed,
)
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.notice import objections
from festival.notice.models import Objection, ObjectionStatus
from festival.notice.queries import objection_counts
from tests import factories
from tests.concurrency import at_once
from tests.notice.world import noticed_festival

SECRET = "test-secret"


def raise_one(session, festival, *, address="203.0.113.7", now=None, **fields):
    values = {
        "award_id": None,
        "program_id": None,
        "name": "张秀英",
        "phone": "138 0000 1234",
        "organization": "",
        "text": "评分有误。",
        **fields,
    }
    return objections.raise_objection(
        session,
        festival=festival,
        **values,
        client_address=address,
        secret_key=SECRET,
        now=now or utcnow(),
    )


def test_an_objection_is_stored_stripped_with_a_unique_reference(session):
    world = noticed_festival(session)
    one = raise_one(
        session,
        world.festival,
        award_id=world.award.id,
        name="  张秀英 ",
        organization=" 崇川区老年大学 ",
        text="\n第一名的节目超时了。  ",
    )
    two = raise_one(session, world.festival, program_id=world.other_program.id)
    session.commit()
    assert (one.name, one.organization, one.text) == (
        "张秀英",
        "崇川区老年大学",
        "第一名的节目超时了。",
    )
    assert one.status is ObjectionStatus.open
    assert one.reference.startswith(f"YY-{utcnow().year}-")
    assert one.reference != two.reference
    assert one.client_hash == objections.client_hash("203.0.113.7", SECRET)
    assert "203.0.113.7" not in one.client_hash


def test_objections_are_refused_after_the_notice_period(session):
    world = noticed_festival(session, days_left=-0.01)
    with pytest.raises(NoticeClosed) as refused:
        raise_one(session, world.festival)
    assert (refused.value.code, refused.value.status) == ("notice_closed", 409)


def test_objections_are_refused_before_publication_and_without_a_notice_period(session):
    world = noticed_festival(session)
    festival = world.festival
    festival.status, festival.published_at = FestivalStatus.screening, None
    with pytest.raises(NoticeClosed):
        raise_one(session, festival)
    festival.status, festival.published_at = FestivalStatus.announced, utcnow()
    festival.notice_until = None
    with pytest.raises(NoticeClosed):
        raise_one(session, festival)


def test_the_notice_period_ends_at_its_moment(session):
    world = noticed_festival(session)
    end = world.festival.notice_until
    raise_one(session, world.festival, now=end - timedelta(seconds=1))
    with pytest.raises(NoticeClosed):
        raise_one(session, world.festival, now=end)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "张" * 101}, "name"),
        ({"phone": "123456"}, "phone"),  # six digits
        ({"phone": "1" * 21}, "phone"),
        ({"phone": "138-0000-12ab"}, "phone"),
        ({"text": " \n "}, "text"),
        ({"text": "字" * 2001}, "text"),
        ({"organization": "单" * 201}, "organization"),
    ],
)
def test_bad_fields_are_refused_each_on_its_field(session, fields, field):
    world = noticed_festival(session)
    with pytest.raises(ValidationFailed) as refused:
        raise_one(session, world.festival, **fields)
    assert set(refused.value.fields) == {field}


def test_plausible_phones_pass(session):
    world = noticed_festival(session)
    for phone in ("13800001234", "+86 138-0000-1234", "0513 8512 3456", "1234567"):
        raise_one(session, world.festival, phone=phone, address=phone)


def test_the_award_and_program_must_belong_to_the_festival(session):
    world = noticed_festival(session)
    elsewhere = noticed_festival(session, name="另一个汇演")
    with pytest.raises(ValidationFailed) as refused:
        raise_one(session, world.festival, award_id=elsewhere.award.id)
    assert set(refused.value.fields) == {"award_id"}
    with pytest.raises(ValidationFailed) as refused:
        raise_one(session, world.festival, program_id=elsewhere.program.id)
    assert set(refused.value.fields) == {"program_id"}


def test_at_most_five_an_hour_from_one_address_across_the_site(session):
    world = noticed_festival(session)
    elsewhere = noticed_festival(session, name="另一个汇演")
    now = utcnow()
    for index in range(5):
        festival = world.festival if index % 2 else elsewhere.festival
        raise_one(session, festival, now=now + timedelta(minutes=index))
    with pytest.raises(TooManyRequests) as refused:
        raise_one(session, world.festival, now=now + timedelta(minutes=10))
    assert refused.value.status == 429
    raise_one(session, world.festival, address="198.51.100.1", now=now + timedelta(minutes=10))
    # An hour after the first, one more may come.
    raise_one(session, world.festival, now=now + timedelta(minutes=60, seconds=1))


def test_the_audit_entry_leaves_out_the_phone(session):
    world = noticed_festival(session)
    objection = raise_one(session, world.festival)
    session.commit()
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "raise_objection")
    ).scalar_one()
    assert entry.actor_id is None
    assert entry.entity_id == objection.id
    assert "138 0000 1234" not in str(entry.changes)
    assert entry.changes["reference"] == objection.reference


def test_the_organizer_decides_once_with_a_reply(session):
    world = noticed_festival(session)
    objection = raise_one(session, world.festival)
    session.commit()
    decided = objections.decide(
        session,
        objection=objection,
        outcome="rejected",
        reply=" 经复核，计时无误。 ",
        actor=world.organizer,
        now=utcnow(),
    )
    session.commit()
    assert decided.status is ObjectionStatus.rejected
    assert decided.reply == "经复核，计时无误。"
    assert decided.decided_by_id == world.organizer.id
    with pytest.raises(Conflict):
        objections.decide(
            session,
            objection=objection,
            outcome="upheld",
            reply="再议",
            actor=world.organizer,
            now=utcnow(),
        )
    assert (
        session.execute(
            select(AuditEntry.changes).where(AuditEntry.action == "decide_objection")
        ).scalar_one()["outcome"]
        == "rejected"
    )
    assert objection_counts(session, world.festival.id).decided == 1


def test_a_decision_needs_an_outcome_and_a_reply(session):
    world = noticed_festival(session)
    objection = raise_one(session, world.festival)
    with pytest.raises(ValidationFailed) as refused:
        objections.decide(
            session,
            objection=objection,
            outcome="maybe",
            reply=" ",
            actor=world.organizer,
            now=utcnow(),
        )
    assert set(refused.value.fields) == {"outcome", "reply"}


def test_only_the_festivals_organizers_decide(session):
    world = noticed_festival(session)
    stranger = factories.make_user(
        session, role="organizer", organization=factories.make_organization(session)
    )
    objection = raise_one(session, world.festival)
    with pytest.raises(Forbidden):
        objections.decide(
            session,
            objection=objection,
            outcome="upheld",
            reply="好",
            actor=stranger,
            now=utcnow(),
        )


def test_counts_are_one_query(session, count_queries):
    world = noticed_festival(session)
    for index in range(3):
        raise_one(session, world.festival, address=f"a{index}")
    session.commit()
    festival_id = world.festival.id
    with count_queries() as queries:
        counts = objection_counts(session, festival_id)
    selects = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
    assert (counts.received, counts.decided, len(selects)) == (3, 0, 1), selects


def test_parallel_posts_cannot_pass_the_rate_limit(app, session):
    world = noticed_festival(session)
    festival_id = world.festival.id
    now = utcnow()
    for index in range(4):
        raise_one(session, world.festival, now=now + timedelta(seconds=index))
    session.commit()

    def post(work_session):
        festival = work_session.get(Festival, festival_id)
        return raise_one(work_session, festival, now=now + timedelta(minutes=1))

    first, second = at_once(app, post, post, method="POST")
    assert isinstance(first, Objection)
    assert isinstance(second, TooManyRequests), second
    db.session.remove()
    assert len(db.session.execute(select(Objection.id)).scalars().all()) == 5
