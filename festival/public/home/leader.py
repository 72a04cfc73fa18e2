"""A troupe leader's home: what is still missing, the festivals taking programs, each
troupe's next session and the rolls to take."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.awards.queries import LeaderPrize, leader_prizes
from festival.programs.queries import LeaderOverview, leader_overview
from festival.public.home.steps import Step
from festival.schedules import queries as schedule_queries
from festival.schedules.models import Event, EventKind
from festival.schedules.recurrence import Occurrence

# A leader's home looks this far ahead for the next sessions, and this far back for rolls
# that were not taken.
SESSIONS_AHEAD = timedelta(days=60)
ROLLS_BEHIND = timedelta(days=7)
ROLL_KINDS = (EventKind.training, EventKind.rehearsal)
MAX_ROLLS = 3


@dataclass(frozen=True)
class NextSession:
    troupe_id: int
    event_id: int
    title: str
    kind: str
    starts_at: datetime
    zone: str  # the event's, in which its times are shown
    location: str
    day: str  # the occurrence's local date (ISO), as session URLs name it


@dataclass
class LeaderHome:
    overview: LeaderOverview
    next_sessions: dict[int, NextSession]  # troupe id → its next session
    steps: list[Step]
    prizes: list[LeaderPrize]  # published prizes of the leader's programs, latest first


def _session(occurrence: Occurrence, event: Event) -> NextSession:
    zone = ZoneInfo(event.timezone)
    return NextSession(
        troupe_id=event.troupe_id,
        event_id=occurrence.event_id,
        title=occurrence.title,
        kind=event.kind.value,
        starts_at=occurrence.starts_at,
        zone=event.timezone,
        location=occurrence.location,
        day=occurrence.original_start.astimezone(zone).date().isoformat(),
    )


def leader_home(session: Session, leader: User, *, now: datetime) -> LeaderHome:
    """A leader's troupes and programs, what is still missing before each deadline, each
    troupe's next session, the rolls of the last week not taken yet, and the prizes their
    programs won: eight queries."""
    overview = leader_overview(session, leader, now=now)
    events = schedule_queries.leader_events(
        session, leader.id, after=now - ROLLS_BEHIND, before=now + SESSIONS_AHEAD
    )
    recorded = schedule_queries.recorded_sessions(session, leader.id, after=now - ROLLS_BEHIND)
    by_id = {event.id: event for event in events}
    occurrences = schedule_queries.occurrences_between(
        events, now - ROLLS_BEHIND, now + SESSIONS_AHEAD
    )
    next_sessions: dict[int, NextSession] = {}
    rolls: list[Step] = []
    for occurrence in occurrences:
        event = by_id[occurrence.event_id]
        if occurrence.starts_at >= now:
            next_sessions.setdefault(event.troupe_id, _session(occurrence, event))
        elif (
            occurrence.ends_at <= now
            and event.kind in ROLL_KINDS
            and (event.id, occurrence.original_start) not in recorded
        ):
            item = _session(occurrence, event)
            rolls.append(
                Step(
                    _(
                        "Take the roll of %(title)s (%(troupe)s) of %(day)s.",
                        title=occurrence.title,
                        troupe=event.troupe.name,
                        day=format_date(occurrence.starts_at.date(), "long"),
                    ),
                    _("Take attendance"),
                    "schedules.take_attendance",
                    {"event_id": event.id, "occurrence": item.day},
                    urgent=True,
                )
            )
    steps = []
    if not overview.troupes:
        steps.append(
            Step(
                _("Register your troupe, add its members, then submit its programs."),
                _("Register a troupe"),
                "troupes.create",
                urgent=True,
            )
        )
    actions = {"troupes.show": _("Add members"), "programs.submit": _("Submit a program")}
    for item in overview.missing:
        steps.append(
            Step(
                str(item.message),
                actions.get(item.url_endpoint, _("Open")),
                item.url_endpoint,
                item.url_values,
                urgent=True,
            )
        )
    steps.extend(list(reversed(rolls))[:MAX_ROLLS])  # the latest first
    return LeaderHome(
        overview=overview,
        next_sessions=next_sessions,
        steps=steps,
        prizes=leader_prizes(session, leader.id),
    )
