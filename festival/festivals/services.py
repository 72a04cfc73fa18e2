"""Festivals and their categories: create, edit, open for submissions."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.accounts.models import Level, Organization, User
from festival.audit.services import record
from festival.core import bounds
from festival.core.errors import Conflict, ValidationFailed
from festival.core.wording import percent
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.festivals.signals import festival_changed

NAME_MAX = 200
CATEGORY_NAME_MAX = 80
QUOTA_MAX = 10_000
UNCHANGED = object()  # update_festival: keep the festival's recommendation quota


def local_to_utc(value: datetime, timezone: str) -> datetime:
    """A naive local wall time in ``timezone`` (or an aware time) as an aware UTC datetime."""
    from datetime import UTC

    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value.astimezone(UTC)


def _festival_problems(
    session: Session,
    *,
    name: str,
    level,
    organization_id: int | None,
    year: int,
    starts_on: date,
    ends_on: date,
    submission_deadline: datetime,
    timezone: str,
    min_performer_age: int,
    description: str,
) -> dict[str, list]:
    problems: dict[str, list] = {}
    if not 1 <= len(name) <= NAME_MAX:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=NAME_MAX)]
    try:
        Level(level)
    except ValueError:
        problems["level"] = [_l("Choose one of: district, city, province, other.")]
    if organization_id is None or session.get(Organization, organization_id) is None:
        problems["organization_id"] = [_l("No such organisation.")]
    if not bounds.FIRST_YEAR <= year <= bounds.LAST_YEAR:
        problems["year"] = [_l("Enter a year between 2000 and 2100.")]
    outside = {
        name: [bounds.date_message()]
        for name, value in (
            ("starts_on", starts_on),
            ("ends_on", ends_on),
            ("submission_deadline", submission_deadline),
        )
        if not bounds.day_in_range(value)
    }
    known_zone = timezone in _zones()
    if outside:
        problems.update(outside)
    else:
        problems.update(_date_order_problems(starts_on, ends_on, submission_deadline, timezone))
    if not known_zone:
        problems["timezone"] = [_l("Unknown time zone; for China use Asia/Shanghai.")]
    if not 0 <= min_performer_age <= 120:
        problems["min_performer_age"] = [_l("Enter an age between 0 and 120.")]
    if len(description) > 4000:
        problems["description"] = [_l("Use at most %(n)d characters.", n=4000)]
    return problems


def _date_order_problems(
    starts_on: date, ends_on: date, submission_deadline: datetime, timezone: str
) -> dict[str, list]:
    """The festival's dates in order: submissions close on or before the first day, and the
    last day is not before the first. Every date rule of a festival is checked here."""
    problems: dict[str, list] = {}
    if ends_on < starts_on:
        problems["ends_on"] = [_l("The festival cannot end before it starts.")]
    deadline_day = submission_deadline
    if deadline_day.tzinfo is not None and timezone in _zones():
        deadline_day = deadline_day.astimezone(ZoneInfo(timezone))
    if deadline_day.date() > starts_on:
        problems["submission_deadline"] = [
            _l(
                "The submission deadline must be on or before the first day of the "
                "festival (%(day)s).",
                day=format_date(starts_on, "long"),
            )
        ]
    return problems


def _zones() -> set[str]:
    try:
        return available_timezones()
    except ZoneInfoNotFoundError:  # pragma: no cover - no tz database at all
        return {"Asia/Shanghai", "UTC"}


def create_festival(
    session: Session,
    *,
    name: str,
    level: Level | str,
    organization_id: int,
    year: int,
    starts_on: date,
    ends_on: date,
    submission_deadline: datetime,
    timezone: str = "Asia/Shanghai",
    min_performer_age: int = 60,
    description: str = "",
    actor: User | None,
    now: datetime,
) -> Festival:
    """A new festival in draft; a naive deadline is local time in the festival's zone."""
    name, description = name.strip(), (description or "").strip()
    problems = _festival_problems(
        session,
        name=name,
        level=level,
        organization_id=organization_id,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=submission_deadline,
        timezone=timezone,
        min_performer_age=min_performer_age,
        description=description,
    )
    if problems:
        raise ValidationFailed(fields=problems)
    deadline = local_to_utc(submission_deadline, timezone)
    festival = Festival(
        name=name,
        slug=f"draft-{now.timestamp()}",
        level=Level(level),
        organization_id=organization_id,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=deadline,
        timezone=timezone,
        min_performer_age=min_performer_age,
        description=description,
        status=FestivalStatus.draft,
        created_at=now,
        updated_at=now,
    )
    session.add(festival)
    session.flush()
    festival.slug = f"{year}-{festival.level.value}-{festival.id}"
    record(
        session,
        actor=actor,
        action="create_festival",
        entity_type="festival",
        entity_id=festival.id,
        changes={"name": name},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    session.flush()
    return festival


def update_festival(
    session: Session,
    *,
    festival: Festival,
    name: str,
    year: int,
    starts_on: date,
    ends_on: date,
    submission_deadline: datetime,
    timezone: str,
    min_performer_age: int,
    description: str,
    recommendation_quota=UNCHANGED,
    media_deadline=UNCHANGED,
    actor: User,
    now: datetime,
) -> Festival:
    """Change a festival's facts; every change goes to the audit log. ``recommendation_quota``
    (a positive number, or None for no limit) and ``media_deadline`` (after it only organizers
    change programs' media; a naive time is local; None for none) are kept unless given."""
    name, description = name.strip(), (description or "").strip()
    problems = _festival_problems(
        session,
        name=name,
        level=festival.level,
        organization_id=festival.organization_id,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_deadline=submission_deadline,
        timezone=timezone,
        min_performer_age=min_performer_age,
        description=description,
    )
    if recommendation_quota is UNCHANGED:
        recommendation_quota = festival.recommendation_quota
    elif recommendation_quota is not None and not 1 <= recommendation_quota <= QUOTA_MAX:
        problems["recommendation_quota"] = [
            _l(
                "Enter how many programs each sending organisation may recommend (1 to "
                "%(max)d), or leave it empty for no limit.",
                max=QUOTA_MAX,
            )
        ]
    if media_deadline is UNCHANGED:
        media_deadline = festival.media_deadline
    elif media_deadline is not None:
        media_deadline = local_to_utc(media_deadline, timezone)
        if timezone in _zones() and (
            media_deadline.astimezone(ZoneInfo(timezone)).date() > ends_on
        ):
            problems["media_deadline"] = [
                _l(
                    "The deadline for videos and backing tracks must be on or before the "
                    "festival's last day (%(day)s).",
                    day=format_date(ends_on, "long"),
                )
            ]
    if problems:
        raise ValidationFailed(fields=problems)
    new_values = {
        "name": name,
        "year": year,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "submission_deadline": local_to_utc(submission_deadline, timezone),
        "timezone": timezone,
        "min_performer_age": min_performer_age,
        "description": description,
        "recommendation_quota": recommendation_quota,
        "media_deadline": media_deadline,
    }
    changes = {}
    for field, value in new_values.items():
        old = getattr(festival, field)
        if old != value:
            changes[field] = [_plain(old), _plain(value)]
            setattr(festival, field, value)
    if changes:
        festival.updated_at = now
        record(
            session,
            actor=actor,
            action="update_festival",
            entity_type="festival",
            entity_id=festival.id,
            changes=changes,
            organization_id=festival.organization_id,
            festival_id=festival.id,
            now=now,
        )
    if changes:  # e.g. its public feed's name and local times
        festival_changed.send(festival, session=session, changed=frozenset(changes), now=now)
    session.flush()
    return festival


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def open_festival(session: Session, *, festival: Festival, actor: User, now: datetime) -> Festival:
    """Open a draft for submissions; it needs at least one category."""
    if festival.status is not FestivalStatus.draft:
        raise Conflict(_l("Only a festival in draft can be opened."))
    has_category = session.execute(
        select(Category.id).where(Category.festival_id == festival.id).limit(1)
    ).first()
    if not has_category:
        raise ValidationFailed(
            _l("Add at least one category before opening the festival."),
            fields={"categories": [_l("Add at least one category before opening the festival.")]},
        )
    return _move_to(session, festival, FestivalStatus.open, "open_festival", actor=actor, now=now)


def close_intake(session: Session, *, festival: Festival, actor: User, now: datetime) -> Festival:
    """Close an open festival to submissions, before or after its deadline: troupes can no
    longer submit, change or withdraw programs. Only the organizer's explicit action does
    this; setting up a screening round does not."""
    if festival.status is not FestivalStatus.open:
        raise Conflict(_l("Only a festival open for submissions can be closed to them."))
    return _move_to(
        session, festival, FestivalStatus.screening, "close_intake", actor=actor, now=now
    )


def _move_to(
    session: Session,
    festival: Festival,
    status: FestivalStatus,
    action: str,
    *,
    actor: User,
    now: datetime,
) -> Festival:
    """A festival's next status, with its audit entry."""
    festival.status = status
    festival.updated_at = now
    record(
        session,
        actor=actor,
        action=action,
        entity_type="festival",
        entity_id=festival.id,
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    session.flush()
    return festival


def add_category(
    session: Session,
    *,
    festival: Festival,
    name: str,
    max_duration_minutes: int | None,
    min_age_share: Decimal | str | None = None,
    requires_video: bool = False,
    requires_backing_track: bool = False,
    actor: User,
    now: datetime,
) -> Category:
    """A category of programs, with an optional maximum duration in minutes, the share of
    a program's performers who must reach the minimum age (default 1: every one), and whether
    each program must bring a video (for screening by video) or a backing track."""
    name = name.strip()
    problems: dict[str, list] = {}
    if not 1 <= len(name) <= CATEGORY_NAME_MAX:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=CATEGORY_NAME_MAX)]
    elif session.execute(
        select(Category.id).where(Category.festival_id == festival.id, Category.name == name)
    ).first():
        problems["name"] = [_l("This festival has a category of this name already.")]
    if max_duration_minutes is not None and not 1 <= max_duration_minutes <= 600:
        problems["max_duration_minutes"] = [_l("Enter a number of minutes from 1 to 600.")]
    share = age_share(min_age_share)
    if share is None:
        problems["min_age_share"] = [
            _l(
                "Enter the share of performers who must reach the minimum age: more than "
                "%(low)s and at most %(high)s (e.g. %(example)s for two thirds).",
                low=percent(Decimal(0)),
                high=percent(Decimal(1)),
                example=percent(Decimal("0.67")),
            )
        ]
    if festival.status in (FestivalStatus.announced, FestivalStatus.final):
        problems["name"] = [_l("The results are published; categories can no longer change.")]
    if problems:
        raise ValidationFailed(fields=problems)
    position = session.execute(
        select(func.coalesce(func.max(Category.position), 0)).where(
            Category.festival_id == festival.id
        )
    ).scalar_one()
    category = Category(
        festival_id=festival.id,
        name=name,
        max_duration_minutes=max_duration_minutes,
        min_age_share=share,
        requires_video=bool(requires_video),
        requires_backing_track=bool(requires_backing_track),
        position=position + 1,
    )
    session.add(category)
    session.flush()
    record(
        session,
        actor=actor,
        action="add_category",
        entity_type="festival",
        entity_id=festival.id,
        changes={
            "category": name,
            **({} if share == 1 else {"min_age_share": str(share)}),
            **({"requires_video": True} if requires_video else {}),
            **({"requires_backing_track": True} if requires_backing_track else {}),
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return category


def age_share(value: Decimal | str | float | None) -> Decimal | None:
    """A category's share of performers who must reach the minimum age as stored (two places,
    half up): None (not given) is 1; None back if it is not more than 0 and at most 1."""
    if value is None:
        return Decimal(1)
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    if not share.is_finite() or not Decimal(0) < share <= 1:
        return None
    return share
