"""Writes that derive a value from other rows, done twice at the same moment on two connections
(service tests; on PostgreSQL the class of bug these guard shows, on SQLite the app's write lock
already serialises them): the last commit derives from what the first committed, a double submit
is stored once, and nothing answers with a server error."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.audit.models import AuditEntry
from festival.awards import services as awards
from festival.awards.models import Award
from festival.core.errors import Conflict, RoundClosed
from festival.db import db
from festival.festivals.models import Festival
from festival.judging import scores as judging_scores
from festival.judging import scoring
from festival.judging import services as judging
from festival.judging.models import JudgeTotal, Round, RoundEntry, Score
from festival.schedules import attendance, feeds
from festival.schedules import services as schedules
from festival.schedules.models import Attendance, CalendarFeed, Event
from festival.schedules.services import EventDetails
from tests import factories
from tests.concurrency import alone, at_once

NOW = factories.NOW


class Screening:
    """An open round of one program, three judges, two criteria (art weighs 2)."""

    def __init__(self, session):
        self.festival = factories.make_festival(session)
        self.organizer = factories.make_user(
            session, role="organizer", organization=self.festival.organization
        )
        self.program = factories.make_program(session, festival=self.festival, title="和谐大家园")
        self.round = judging.create_round(
            session,
            festival=self.festival,
            name="初选",
            criteria=[
                {"name": "art", "max_score": 60, "weight": 2},
                {"name": "layout", "max_score": 40},
            ],
            actor=self.organizer,
            now=NOW,
        )
        self.judges = [factories.make_user(session, role="judge") for _ in range(3)]
        for judge in self.judges:
            judging.assign_judge(
                session, round_=self.round, user_id=judge.id, actor=self.organizer, now=NOW
            )
        judging.add_entries(
            session, round_=self.round, program_ids=[self.program.id], actor=self.organizer, now=NOW
        )
        session.commit()
        self.round_id, self.program_id = self.round.id, self.program.id
        self.judge_ids = [judge.id for judge in self.judges]
        self.organizer_id = self.organizer.id

    def save(self, judge_index: int, art: str, layout: str):
        """A judge's save as a request does it: the round and the judge loaded in its session."""

        def work(session):
            return judging_scores.save_scores(
                session,
                round_=session.get(Round, self.round_id),
                program_id=self.program_id,
                judge=session.get(User, self.judge_ids[judge_index]),
                values={"art": art, "layout": layout},
                now=NOW,
            )

        return work

    def entry(self, session) -> RoundEntry:
        session.expire_all()
        return session.execute(
            select(RoundEntry).where(RoundEntry.round_id == self.round_id)
        ).scalar_one()


@pytest.fixture
def screening(session):
    world = Screening(session)
    db.session.remove()  # the test's own session holds nothing while the two write
    return world


def test_two_judges_saving_one_program_at_once_both_count_in_its_score(app, session, screening):
    first, second = at_once(app, screening.save(0, "50", "30"), screening.save(1, "40", "20"))
    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    entry = screening.entry(session)
    # 2 × 50 + 30 = 130 and 2 × 40 + 20 = 100: the mean of two totals (fewer than three).
    assert (entry.score, entry.judge_count) == (Decimal("115.00"), 2)


def test_the_last_of_three_saves_at_once_sees_the_other_two(app, session, screening):
    alone(app, screening.save(0, "50", "30"))
    alone(app, screening.save(1, "40", "20"))
    first, second = at_once(app, screening.save(2, "30", "10"), screening.save(0, "60", "40"))
    assert not isinstance(first, Exception) and not isinstance(second, Exception), second
    entry = screening.entry(session)
    totals = dict(session.execute(select(JudgeTotal.judge_id, JudgeTotal.units)).all())
    expected = scoring.aggregate(
        {j: scoring.from_units(u) for j, u in totals.items()}, "trimmed_mean"
    ).score
    # 160, 100 and 70: the highest and lowest dropped.
    assert (entry.score, entry.judge_count, expected) == (Decimal("100.00"), 3, Decimal("100.00"))


def test_the_same_first_save_submitted_twice_at_once_is_stored_once(app, session, screening):
    first, second = at_once(app, screening.save(0, "50", "30"), screening.save(0, "50", "30"))
    assert not isinstance(first, Exception) and not isinstance(second, Exception), second
    assert session.execute(select(func.count()).select_from(Score)).scalar_one() == 2
    assert (
        session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "save_scores")
        ).scalar_one()
        == 1
    )
    assert screening.entry(session).score == Decimal("130.00")


def test_a_save_that_waited_for_the_round_to_close_is_refused(app, session, screening):
    for index in range(3):
        alone(app, screening.save(index, "50", "30"))

    def close(session):
        return judging.close_round(
            session,
            round_=session.get(Round, screening.round_id),
            advance_program_ids=[screening.program_id],
            actor=session.get(User, screening.organizer_id),
            now=NOW,
        )

    closed, late = at_once(app, close, screening.save(1, "10", "10"))
    assert closed == [screening.program_id]
    assert isinstance(late, RoundClosed)
    entry = screening.entry(session)
    assert entry.final_score == entry.score == Decimal("130.00")


def test_two_first_changes_of_a_troupe_feed_at_once_make_one_feed_of_version_two(app, session):
    troupe = factories.make_troupe(session)
    session.commit()
    troupe_id = troupe.id
    db.session.remove()

    def touch(session):
        return feeds.touch_feed(session, troupe_id=troupe_id, now=NOW).id

    first, second = at_once(app, touch, touch)
    assert first == second and isinstance(first, int), second
    session.expire_all()
    assert session.execute(select(CalendarFeed.version)).scalars().all() == [2]


def test_two_changes_of_a_feed_at_once_each_raise_its_version(app, session):
    troupe = factories.make_troupe(session)
    session.flush()
    feeds.touch_feed(session, troupe_id=troupe.id, now=NOW)
    session.commit()
    troupe_id = troupe.id
    db.session.remove()

    def touch(session):
        return feeds.touch_feed(session, troupe_id=troupe_id, now=NOW).version

    assert at_once(app, touch, touch) == (2, 3)


def test_the_same_allocation_submitted_twice_at_once_gives_the_awards_once(app, session):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{n}") for n in range(3)
    ]
    judge = factories.make_user(session, role="judge")
    round_ = judging.create_round(
        session,
        festival=festival,
        name="决赛",
        aggregation="mean",
        criteria=[{"name": "art", "max_score": 100}],
        actor=organizer,
        now=NOW,
    )
    judging.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    judging.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    for mark, program in zip((90, 80, 70), programs, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"art": mark},
            now=NOW,
        )
    judging.close_round(session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW)
    session.commit()
    ids = festival.id, organizer.id, round_.id
    db.session.remove()

    def allocate(session):
        return len(
            awards.allocate_awards(
                session,
                festival=session.get(Festival, ids[0]),
                round_id=ids[2],
                tiers=[("first", 1), ("second", 2)],
                actor=session.get(User, ids[1]),
                now=NOW,
            )
        )

    first, second = at_once(app, allocate, allocate)
    assert first == 3
    assert isinstance(second, Conflict)
    assert session.execute(select(func.count()).select_from(Award)).scalar_one() == 3


def test_the_same_roll_call_submitted_twice_at_once_is_stored_once(app, session):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    people = [factories.make_person(session, troupe=troupe) for _ in range(3)]
    event = schedules.create_event(
        session,
        details=EventDetails(
            title="排练",
            kind="rehearsal",
            starts_at=NOW.replace(tzinfo=None, hour=9),
            ends_at=NOW.replace(tzinfo=None, hour=11),
        ),
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=leader,
        now=NOW,
    )
    session.commit()
    ids = event.id, leader.id, [p.id for p in people]
    db.session.remove()

    def roll_call(session):
        return attendance.record_attendance(
            session,
            event=session.get(Event, ids[0]),
            day=NOW.date(),
            present_ids=ids[2][:2],
            absent_ids=ids[2][2:],
            actor=session.get(User, ids[1]),
            now=NOW,
        )

    first, second = at_once(app, roll_call, roll_call)
    assert first == second == {"present": 2, "absent": 1}, second
    assert session.execute(select(func.count()).select_from(Attendance)).scalar_one() == 3
