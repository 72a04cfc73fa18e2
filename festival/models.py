"""Imports every model so that the metadata (and Alembic) sees the whole schema."""

from festival.accounts.models import ApiToken, LoginAttempt, LoginThrottle, Organization, User
from festival.audit.models import AuditChainHead, AuditEntry
from festival.awards.models import Award, AwardRevision
from festival.db import Base, add_length_checks
from festival.festivals.models import Category, Festival
from festival.jobs.models import Job
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeAssignment,
    Round,
    RoundEntry,
    Score,
)
from festival.media.models import Media, Upload
from festival.notice.models import CalendarDay, Objection
from festival.programs.models import Program, ProgramPerformer
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.signing.models import SigningKey
from festival.troupes.models import Membership, Person, Troupe

add_length_checks(Base.metadata)

__all__ = [
    "Job",
    "Media",
    "Upload",
    "SigningKey",
    "Objection",
    "CalendarDay",
    "AwardRevision",
    "AuditChainHead",
    "ApiToken",
    "Attendance",
    "AuditEntry",
    "Award",
    "CalendarFeed",
    "Category",
    "Conflict",
    "Criterion",
    "Event",
    "EventCancellation",
    "EventOverride",
    "Festival",
    "JudgeAssignment",
    "LoginAttempt",
    "LoginThrottle",
    "Membership",
    "Organization",
    "Person",
    "Program",
    "ProgramPerformer",
    "Round",
    "RoundEntry",
    "Score",
    "Troupe",
    "User",
]
