"""The benchmark world obeys the rules the services keep: complete, ranked scoring within the
criteria, last year's closed round with its published awards, eligible performers, series
that end where their rules end, attendance of members at sessions that took place."""

from collections import Counter
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from bench.data import NOW, database_is_empty, empty_database, sizes_for
from festival.awards.models import Award, AwardTier
from festival.festivals.models import Festival, FestivalStatus
from festival.judging.models import Criterion, Round, RoundEntry, RoundStatus, Score
from festival.judging.result_queries import round_results
from festival.programs.eligibility import age_on
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.schedules import recurrence, recurrence_rules
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.troupes.models import Membership, Person, Troupe, TroupeKind


def test_this_years_round_is_scored_by_every_judge_and_ranked(session, world):
    round_ = session.get(Round, world.round_id)
    results = round_results(session, round_)
    assert results.complete and results.missing == 0
    assert len(results.items) == 50 and len(results.judges) == 9
    ranks = [item.rank for item in results.items]
    assert None not in ranks and ranks[0] == 1 and ranks == sorted(ranks)
    assert all(item.judge_count + len(item.conflicted_judges) == 9 for item in results.items)
    assert round_.status is RoundStatus.open
    assert session.get(Festival, world.festival_id).status is FestivalStatus.screening
    statuses = set(
        session.execute(
            select(Program.status).where(Program.festival_id == world.festival_id)
        ).scalars()
    )
    assert statuses == {ProgramStatus.screening}


def test_every_score_lies_within_its_criterion_in_half_points(session, world):
    rows = session.execute(
        select(Criterion.max_score, Score.value).join(Criterion, Score.criterion_id == Criterion.id)
    ).all()
    assert (
        len(rows) == 9 * 4 * (50 + sizes_for(50).last_year_programs) - 4 * sizes_for(50).conflicts
    )
    assert all(0 <= value <= maximum and (value * 2) % 1 == 0 for maximum, value in rows)


def test_last_years_round_is_closed_and_its_awards_are_published(session, world):
    festival = session.get(Festival, world.last_year_festival_id)
    assert festival.status is FestivalStatus.announced and festival.published_at is not None
    assert festival.notice_until < NOW
    round_ = session.get(Round, world.last_year_round_id)
    assert round_.status is RoundStatus.closed
    entries = session.execute(
        select(RoundEntry, Program.status)
        .join(Program, RoundEntry.program_id == Program.id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    assert all(
        entry.final_rank is not None and entry.final_score is not None for entry, _ in entries
    )
    assert all(
        status is (ProgramStatus.advanced if entry.advanced else ProgramStatus.eliminated)
        for entry, status in entries
    )
    assert sum(entry.advanced for entry, _ in entries) >= round_.advance_count
    final = {entry.program_id: (entry.final_rank, entry.final_score) for entry, _ in entries}
    awards = session.execute(select(Award).where(Award.festival_id == festival.id)).scalars().all()
    prizes = [a for a in awards if a.tier is not AwardTier.organization]
    assert prizes and all(final[a.program_id] == (a.rank, a.score) for a in prizes)
    assert any(a.tier is AwardTier.organization for a in awards)
    assert all(
        a.certificate_number == f"{festival.year}-{festival.id:04d}-{a.id:05d}" for a in awards
    )


def test_performers_are_members_of_their_troupe_and_old_enough(session, world):
    rows = session.execute(
        select(
            Person.birth_date, Festival.starts_on, Festival.min_performer_age, Membership.person_id
        )
        .select_from(ProgramPerformer)
        .join(Program, ProgramPerformer.program_id == Program.id)
        .join(Festival, Program.festival_id == Festival.id)
        .join(Person, ProgramPerformer.person_id == Person.id)
        .outerjoin(
            Membership,
            and_(Membership.person_id == Person.id, Membership.troupe_id == Program.troupe_id),
        )
    ).all()
    assert rows
    assert all(member is not None for *_, member in rows)
    assert all(age_on(born, starts) >= minimum for born, starts, minimum, _ in rows)


def test_series_end_where_their_rules_end_and_exceptions_are_sessions(session, world):
    events = session.execute(select(Event)).scalars().all()
    assert len({event.uid for event in events}) == len(events)
    for event in events:
        zone = ZoneInfo(event.timezone)
        start = event.starts_at.astimezone(zone)
        if event.rrule:
            assert recurrence_rules.normalize_rule(event.rrule, start) == event.rrule
        assert event.series_ends_at == recurrence.last_start(start, event.rrule) + (
            event.ends_at - event.starts_at
        )
        for row in [*event.cancellations, *event.overrides]:
            day = row.occurrence_at.astimezone(zone).date()
            assert recurrence.start_on(start, event.rrule, day) == row.occurrence_at
    changed = session.execute(select(func.count()).select_from(EventOverride)).scalar_one()
    cancelled = session.execute(select(func.count()).select_from(EventCancellation)).scalar_one()
    assert changed and cancelled


def test_every_team_has_a_feed_with_its_secret(session, world):
    teams = set(session.execute(select(Troupe.id).where(Troupe.kind == TroupeKind.team)).scalars())
    feeds = session.execute(select(CalendarFeed)).scalars().all()
    assert {feed.troupe_id for feed in feeds} == teams
    assert all(feed.selector == feed.secret[:16] and len(feed.secret) >= 43 for feed in feeds)
    assert world.team_id in teams


def test_attendance_is_of_members_at_sessions_that_took_place(session, world):
    rows = session.execute(
        select(Attendance, Membership.person_id, EventCancellation.id)
        .join(Event, Attendance.event_id == Event.id)
        .outerjoin(
            Membership,
            and_(
                Membership.troupe_id == Event.troupe_id,
                Membership.person_id == Attendance.person_id,
            ),
        )
        .outerjoin(
            EventCancellation,
            and_(
                EventCancellation.event_id == Attendance.event_id,
                EventCancellation.occurrence_at == Attendance.occurrence_at,
            ),
        )
    ).all()
    assert rows
    assert all(member is not None and cancelled is None for _, member, cancelled in rows)
    assert all(row.occurrence_at < row.recorded_at <= NOW for row, _, _ in rows)
    per_session = Counter((row.event_id, row.occurrence_at) for row, _, _ in rows)
    assert set(per_session.values()) == {sizes_for(50).team_members}


def test_emptying_leaves_no_row(session, world):
    empty_database(session)
    assert database_is_empty(session)
    assert session.execute(select(func.count()).select_from(Score)).scalar_one() == 0
