"""Objections (异议) to a published award list during its notice period (公示): anyone raises
one by real name, the festival's organizers decide it with a reply.

The rate limit counts a keyed digest of the sender's address (``client_hash``), never the
address itself."""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.awards.models import Award
from festival.awards.permissions import awards_are_public, can_manage_awards
from festival.core.errors import (
    Conflict,
    Forbidden,
    NoticeClosed,
    TooManyRequests,
    ValidationFailed,
)
from festival.db import locked
from festival.festivals.models import Festival
from festival.notice.models import Objection, ObjectionStatus
from festival.programs.models import Program

MAX_NAME = 100
MAX_PHONE = 40
MAX_ORGANIZATION = 200
MAX_TEXT = 2000
MAX_REPLY = 2000
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 20
# At most this many objections from one address within the window, across the site.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)

PHONE_CHARACTERS = re.compile(r"[0-9 +\-]+")
DECISIONS = (ObjectionStatus.upheld, ObjectionStatus.rejected)


def client_hash(address: str, secret_key: str | bytes) -> str:
    """The HMAC-SHA256 of a client's address under the site's secret key, in hex."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()


def notice_is_open(festival: Festival, now: datetime) -> bool:
    """Objections are taken while the list is published and its notice period runs."""
    return (
        awards_are_public(festival)
        and festival.finalized_at is None
        and festival.notice_until is not None
        and now < festival.notice_until
    )


def phone_problem(phone: str):
    """A mainland phone as people write it: digits, spaces, + and -, with 7 to 20 digits."""
    digits = sum(character.isdigit() for character in phone)
    if (
        not phone
        or len(phone) > MAX_PHONE
        or not PHONE_CHARACTERS.fullmatch(phone)
        or not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS
    ):
        return _l("Enter a phone number: digits, with spaces, + or - if you like.")
    return None


def _length_problem(value: str, maximum: int, *, required: bool = True):
    if required and not value:
        return _l("This field is required.")
    if len(value) > maximum:
        return _l("Use at most %(n)d characters.", n=maximum)
    return None


def raise_objection(
    session: Session,
    *,
    festival: Festival,
    award_id: int | None,
    program_id: int | None,
    name: str,
    phone: str,
    organization: str,
    text: str,
    client_address: str,
    secret_key: str | bytes,
    now: datetime,
) -> Objection:
    """Record an objection to the festival's award list, about one award or program or the list
    as a whole. Only during the notice period (NoticeClosed after it); at most RATE_LIMIT from
    one address per RATE_WINDOW (TooManyRequests), counted under a lock on the festival row."""
    if not notice_is_open(festival, now):
        raise NoticeClosed()
    name, phone = (name or "").strip(), (phone or "").strip()
    organization, text = (organization or "").strip(), (text or "").strip()
    problems: dict[str, list] = {}
    for field, value, maximum, required in (
        ("name", name, MAX_NAME, True),
        ("organization", organization, MAX_ORGANIZATION, False),
        ("text", text, MAX_TEXT, True),
    ):
        problem = _length_problem(value, maximum, required=required)
        if problem is not None:
            problems[field] = [problem]
    problem = phone_problem(phone)
    if problem is not None:
        problems["phone"] = [problem]
    award_program_id = None
    if award_id is not None:
        found = session.execute(
            select(Award.program_id).where(Award.id == award_id, Award.festival_id == festival.id)
        ).first()
        if found is None:
            problems["award_id"] = [_l("Choose an award of this festival's list.")]
        else:
            award_program_id = found.program_id
    if program_id is not None:
        found = session.execute(
            select(Program.id).where(Program.id == program_id, Program.festival_id == festival.id)
        ).first()
        if found is None or (award_program_id is not None and award_program_id != program_id):
            problems["program_id"] = [_l("Choose a program of this festival.")]
    if problems:
        raise ValidationFailed(fields=problems)

    digest = client_hash(client_address, secret_key)
    # The count is of other rows: lock the festival first, so that posts at the same moment
    # take turns and each counts the ones before it.
    locked(session, Festival, festival.id)
    recent = session.execute(
        select(func.count())
        .select_from(Objection)
        .where(Objection.client_hash == digest, Objection.created_at > now - RATE_WINDOW)
    ).scalar_one()
    if recent >= RATE_LIMIT:
        raise TooManyRequests(
            _l(
                "Too many objections were sent from this address within an hour. "
                "Please try again later, or call the organiser."
            )
        )
    objection = Objection(
        festival_id=festival.id,
        award_id=award_id,
        program_id=program_id,
        # A placeholder until the id is known; the reference is made from the id, so unique.
        reference=secrets.token_hex(8),
        name=name,
        phone=phone,
        organization=organization,
        text=text,
        status=ObjectionStatus.open,
        reply="",
        client_hash=digest,
        created_at=now,
    )
    session.add(objection)
    session.flush()
    objection.reference = f"YY-{now.year}-{objection.id:06d}"
    session.flush()
    record(
        session,
        actor=None,
        action="raise_objection",
        entity_type="objection",
        entity_id=objection.id,
        changes={
            "reference": objection.reference,
            "award_id": award_id,
            "program_id": program_id,
            "name": name,
            "organization": organization,
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return objection


def decide(
    session: Session,
    *,
    objection: Objection,
    outcome: str,
    reply: str,
    actor: User,
    now: datetime,
) -> Objection:
    """The organizer's decision on an open objection (upheld or rejected) with a reply; once
    only (Conflict when it is decided already)."""
    festival = objection.festival
    if not can_manage_awards(actor, festival):
        raise Forbidden()
    reply = (reply or "").strip()
    problems: dict[str, list] = {}
    if outcome not in {status.value for status in DECISIONS}:
        problems["outcome"] = [_l("Choose upheld or rejected.")]
    problem = _length_problem(reply, MAX_REPLY)
    if problem is not None:
        problems["reply"] = [problem]
    if problems:
        raise ValidationFailed(fields=problems)
    # Two organizers deciding at the same moment: the second waits, then sees the first's.
    objection = locked(session, Objection, objection.id)
    if objection.status is not ObjectionStatus.open:
        raise Conflict(_l("This objection has been decided already."))
    objection.status = ObjectionStatus(outcome)
    objection.reply = reply
    objection.decided_at = now
    objection.decided_by_id = actor.id
    session.flush()
    record(
        session,
        actor=actor,
        action="decide_objection",
        entity_type="objection",
        entity_id=objection.id,
        changes={"reference": objection.reference, "outcome": outcome, "reply": reply},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return objection
