"""Awards: allocation from a closed round, manual awards and corrections, publication."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.accounts.permissions import is_within
from festival.audit.services import record
from festival.awards import allocation
from festival.awards.models import Award, AwardTier
from festival.awards.permissions import awards_are_public
from festival.awards.revisions import add_revision, delete_revisions
from festival.core.errors import Conflict, NotFound, TieAtBoundary, ValidationFailed
from festival.core.titles import book_title
from festival.db import locked
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Round, RoundEntry, RoundStatus
from festival.notice.working_days import MAX_WORKING_DAYS, notice_period_for
from festival.programs.models import Program
from festival.web.labels import label

TITLE_MAX = 120
MAX_NOTICE_DAYS = 60
REASON_MAX = 1000


def _certificate_number(festival: Festival, award: Award) -> str:
    return f"{festival.year}-{festival.id:04d}-{award.id:05d}"


def _new_award(
    session: Session,
    *,
    festival: Festival,
    tier: AwardTier,
    actor: User | None,
    now: datetime,
    **fields,
) -> Award:
    # A unique placeholder that fits the column until the id gives the real number.
    award = Award(
        festival_id=festival.id,
        tier=tier,
        created_by_id=actor.id if actor else None,
        created_at=now,
        certificate_number=f"pending-{uuid4().hex}",
        **fields,
    )
    session.add(award)
    session.flush()
    award.certificate_number = _certificate_number(festival, award)
    return award


def _lock_changeable(
    session: Session, festival: Festival, now: datetime, reason: str | None = None
) -> bool:
    """Awards change until publication, and during the public notice period; once the results
    are final, only as a correction with a reason (True: a new revision follows). The festival
    is locked first (``db.locked``): award changes and publication take turns, so a double
    submit finds the awards the first one made, and nothing changes a list being published."""
    locked(session, Festival, festival.id)
    if festival.status is FestivalStatus.final:
        if not (reason or "").strip():
            raise ValidationFailed(
                fields={
                    "reason": [_l("The results are final: give the reason for the correction.")]
                }
            )
        if len(reason.strip()) > REASON_MAX:
            raise ValidationFailed(
                fields={"reason": [_l("Use at most %(n)d characters.", n=REASON_MAX)]}
            )
        return True
    if festival.published_at is not None and (
        festival.notice_until is None or now >= festival.notice_until
    ):
        raise Conflict(
            _l("The notice period is over; make the results final before correcting them.")
        )
    return False


def _revise(
    session: Session, festival: Festival, correction: bool, reason: str | None, actor, now
) -> None:
    """After a correction to final results: the next visible revision, with its reason."""
    if correction:
        add_revision(
            session, festival=festival, reason=(reason or "").strip(), actor=actor, now=now
        )


TierSpec = tuple[str, int] | tuple[str, int | None, Decimal | None]


def _tier_specs(
    tiers: Sequence[TierSpec],
) -> tuple[list[tuple[str, int | None, Decimal | None]], dict[str, list]]:
    """(tier, count, share) for each tier, and the problems, by ``tiers.<index>``: a tier gives
    exactly one of a count (at least 0) and a share (0 to 1)."""
    specs: list[tuple[str, int | None, Decimal | None]] = []
    problems: dict[str, list] = {}
    for index, spec in enumerate(tiers):
        tier, count, share = (*spec, None) if len(spec) == 2 else spec
        specs.append((tier, count, share))
        where = f"tiers.{index}"
        if tier not in allocation.PROGRAM_TIERS:
            problems.setdefault(where, []).append(
                _l("Choose first, second, third, excellence or special.")
            )
            continue
        if (count is None) == (share is None):
            problems.setdefault(where, []).append(
                _l(
                    "Give %(tier)s either a number of awards or a share, not both.",
                    tier=label("award_tier", tier),
                )
            )
        elif count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 0
        ):
            problems.setdefault(where, []).append(_l("Enter a count of at least 0."))
        elif share is not None and (
            not isinstance(share, Decimal) or not share.is_finite() or not 0 <= share <= 1
        ):
            problems.setdefault(where, []).append(
                _l("Enter a share from 0 to 1 for %(tier)s.", tier=label("award_tier", tier))
            )
    if not specs or not any((count or 0) > 0 or (share or 0) > 0 for _, count, share in specs):
        problems.setdefault("tiers", []).append(_l("Give at least one award."))
    return specs, problems


def _tied(session: Session, keys: list) -> TieAtBoundary:
    titles = dict(
        session.execute(select(Program.id, Program.title).where(Program.id.in_(keys))).all()
    )
    names = "、".join(book_title(titles[key]) for key in keys)
    return TieAtBoundary(
        _l(
            "%(names)s are tied across the end of a tier; give the awards by hand for these.",
            names=names,
        ),
        fields={"tiers": [str(key) for key in keys]},
    )


def preview_allocation(
    session: Session,
    *,
    festival: Festival,
    round_id: int,
    tiers: Sequence[TierSpec],
    minimums: Mapping[str, Decimal] | None = None,
    min_score: Decimal | None = None,
    by_category: bool = False,
) -> list[allocation.Slot]:
    """The awards an allocation would make, without saving anything: best first, or, by
    category, each category's in the festival's order of categories. A tier gives a count or
    a share of the ranked programs (of the category); places below ``min_score`` (or the
    tier's own minimum) stay vacant."""
    round_ = session.get(Round, round_id)
    if round_ is None or round_.festival_id != festival.id:
        raise ValidationFailed(fields={"round_id": [_l("Choose a round of this festival.")]})
    if round_.status is not RoundStatus.closed:
        raise Conflict(
            _l("Close %(round)s before allocating awards from it.", round=round_.name),
            fields={"round_id": [_l("The round is still open.")]},
        )
    specs, problems = _tier_specs(tiers)
    if min_score is not None and (not min_score.is_finite() or min_score < 0):
        problems.setdefault("min_score", []).append(_l("Enter a score of at least 0."))
    if problems:
        raise ValidationFailed(fields=problems)
    floors = dict(minimums or {})
    if min_score is not None:
        for tier, _count, _share in specs:
            floors[tier] = max(floors.get(tier, min_score), min_score)
    rows = session.execute(
        select(
            RoundEntry.program_id,
            RoundEntry.final_score,
            RoundEntry.final_rank,
            Program.category_id,
        )
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Category, Program.category_id == Category.id)
        .where(RoundEntry.round_id == round_.id)
        .order_by(Category.position, Category.name, Category.id, RoundEntry.program_id)
    ).all()
    try:
        if by_category:
            groups = allocation.category_rankings(
                (program_id, score, category_id) for program_id, score, _rank, category_id in rows
            )
            return allocation.allocate_by_group(groups, specs, floors)
        ranking = [
            allocation.Ranked(key=program_id, score=score, rank=rank)
            for program_id, score, rank, _category in rows
        ]
        ranked = sum(1 for r in ranking if r.rank is not None)
        return allocation.allocate(ranking, allocation.counts_for(specs, ranked), floors)
    except allocation.TooManyAwards:
        raise ValidationFailed(
            fields={
                "tiers": [
                    _l(
                        "More awards than ranked programs: the round has %(n)d.",
                        n=sum(1 for row in rows if row.final_rank is not None),
                    )
                ]
            }
        ) from None
    except allocation.TieAcrossBoundary as tie:
        raise _tied(session, tie.keys) from None


def allocate_awards(
    session: Session,
    *,
    festival: Festival,
    round_id: int,
    tiers: Sequence[TierSpec],
    minimums: Mapping[str, Decimal] | None = None,
    min_score: Decimal | None = None,
    by_category: bool = False,
    reason: str | None = None,
    actor: User,
    now: datetime,
) -> list[Award]:
    """Save the allocation ``preview_allocation`` shows; vacant places make no award. Each
    award carries its program's category."""
    correction = _lock_changeable(session, festival, now, reason)
    slots = preview_allocation(
        session,
        festival=festival,
        round_id=round_id,
        tiers=tiers,
        minimums=minimums,
        min_score=min_score,
        by_category=by_category,
    )
    keys = [slot.key for slot in slots if slot.key is not None]
    already = set(
        session.execute(
            select(Award.program_id).where(
                Award.festival_id == festival.id, Award.program_id.in_(keys)
            )
        ).scalars()
    )
    if already:
        raise Conflict(_l("Some of these programs have awards already; remove them first."))
    categories = dict(
        session.execute(select(Program.id, Program.category_id).where(Program.id.in_(keys))).all()
    )
    awards = [
        _new_award(
            session,
            festival=festival,
            tier=AwardTier(slot.tier),
            actor=actor,
            now=now,
            program_id=slot.key,
            category_id=categories[slot.key],
            round_id=round_id,
            score=slot.score,
            rank=slot.rank,
        )
        for slot in slots
        if slot.key is not None
    ]
    record(
        session,
        actor=actor,
        action="allocate_awards",
        entity_type="festival",
        entity_id=festival.id,
        changes={
            "round_id": round_id,
            "awards": [[a.tier.value, a.program_id] for a in awards],
            **({"by_category": True} if by_category else {}),
            **({"min_score": str(min_score)} if min_score is not None else {}),
            **({"reason": reason.strip()} if correction else {}),
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    _revise(session, festival, correction, reason, actor, now)
    return awards


def create_award(
    session: Session,
    *,
    festival: Festival,
    tier: AwardTier | str,
    program_id: int | None = None,
    organization_id: int | None = None,
    category_id: int | None = None,
    title: str | None = None,
    reason: str | None = None,
    actor: User,
    now: datetime,
) -> Award:
    """A manual award: a prize tier to a program of this festival, or an award to an
    organisation, with an optional category-specific title; after the results are final, a
    correction with its reason."""
    correction = _lock_changeable(session, festival, now, reason)
    problems: dict[str, list] = {}
    try:
        tier = AwardTier(tier)
    except ValueError:
        raise ValidationFailed(fields={"tier": [_l("Choose a prize tier.")]}) from None
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        problems["title"] = [_l("Use at most %(n)d characters.", n=TITLE_MAX)]
    program = session.get(Program, program_id) if program_id is not None else None
    if tier is AwardTier.organization:
        winner = session.get(Organization, organization_id) if organization_id else None
        if winner is None or not is_within(winner, festival.organization_id):
            problems["organization_id"] = [
                _l("Choose the festival's organisation or one under it.")
            ]
        if program_id is not None:
            problems["program_id"] = [_l("An organisation award goes to an organisation.")]
    elif program is None or program.festival_id != festival.id:
        problems["program_id"] = [_l("Choose a program of this festival.")]
    if category_id is not None:
        category = session.get(Category, category_id)
        if category is None or category.festival_id != festival.id:
            problems["category_id"] = [_l("Choose one of this festival's categories.")]
    elif program is not None:
        category_id = program.category_id
    if problems:
        raise ValidationFailed(fields=problems)
    award = _new_award(
        session,
        festival=festival,
        tier=tier,
        actor=actor,
        now=now,
        program_id=program.id if program else None,
        organization_id=organization_id if tier is AwardTier.organization else None,
        category_id=category_id,
        title=title,
    )
    record(
        session,
        actor=actor,
        action="create_award",
        entity_type="award",
        entity_id=award.id,
        changes={
            "tier": tier.value,
            "program_id": award.program_id,
            "organization_id": award.organization_id,
            "title": title,
            **({"reason": reason.strip()} if correction else {}),
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    _revise(session, festival, correction, reason, actor, now)
    return award


def remove_award(
    session: Session, *, award: Award, reason: str | None = None, actor: User, now: datetime
) -> None:
    """A correction (after the results are final, with its reason); the audit log keeps what
    it was."""
    festival = award.festival
    correction = _lock_changeable(session, festival, now, reason)
    if session.get(Award, award.id, populate_existing=True) is None:
        raise NotFound(_l("This award was removed already."))
    record(
        session,
        actor=actor,
        action="remove_award",
        entity_type="award",
        entity_id=award.id,
        changes={
            "tier": award.tier.value,
            "program_id": award.program_id,
            "organization_id": award.organization_id,
            "certificate_number": award.certificate_number,
            **({"reason": reason.strip()} if correction else {}),
        },
        organization_id=award.festival.organization_id,
        festival_id=award.festival_id,
        now=now,
    )
    session.delete(award)
    session.flush()
    _revise(session, festival, correction, reason, actor, now)


def publish(
    session: Session,
    *,
    festival: Festival,
    notice_days: int | None = None,
    notice_working_days: int | None = None,
    actor: User,
    now: datetime,
) -> Festival:
    """Publish the award list as revision 1; with notice days (calendar or working days) it is
    under public notice (公示) until the end of that period (see festival.notice.working_days:
    the day of publication does not count; it ends at 24:00 of the n-th working day after)."""
    locked(session, Festival, festival.id)
    if awards_are_public(festival):
        raise Conflict(_l("The results are published already."))
    if notice_days is not None and notice_working_days is not None:
        raise ValidationFailed(
            fields={
                "notice_working_days": [
                    _l("Give the notice period in working days or in calendar days, not both.")
                ]
            }
        )
    if notice_working_days is not None and not 0 <= notice_working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed(
            fields={
                "notice_working_days": [
                    _l("Enter from 0 to %(n)d working days.", n=MAX_WORKING_DAYS)
                ]
            }
        )
    notice_days = notice_days or 0
    if not 0 <= notice_days <= MAX_NOTICE_DAYS:
        raise ValidationFailed(
            fields={"notice_days": [_l("Enter from 0 to %(n)d days.", n=MAX_NOTICE_DAYS)]}
        )
    if not session.execute(select(Award.id).where(Award.festival_id == festival.id)).first():
        raise ValidationFailed(fields={"festival_id": [_l("There are no awards to publish.")]})
    festival.status = FestivalStatus.announced
    festival.published_at = now
    festival.notice_days = notice_days
    festival.notice_working_days = notice_working_days or None
    if notice_working_days:
        festival.notice_until = notice_period_for(
            session, now, notice_working_days, festival.timezone
        ).ends_at
    else:
        festival.notice_until = now + timedelta(days=notice_days) if notice_days else None
    festival.finalized_at = None
    festival.updated_at = now
    record(
        session,
        actor=actor,
        action="publish_awards",
        entity_type="festival",
        entity_id=festival.id,
        changes={
            "notice_days": notice_days,
            **({"notice_working_days": notice_working_days} if notice_working_days else {}),
            "notice_until": festival.notice_until.isoformat() if festival.notice_until else None,
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    session.flush()
    add_revision(session, festival=festival, actor=actor, now=now)
    return festival


def unpublish(session: Session, *, festival: Festival, actor: User, now: datetime) -> Festival:
    """Take the list down again: only during the public notice period."""
    locked(session, Festival, festival.id)
    if not awards_are_public(festival):
        raise Conflict(_l("The results are not published."))
    if festival.status is FestivalStatus.final:
        raise Conflict(_l("The results are final; they can no longer be taken down."))
    if festival.notice_until is None or now >= festival.notice_until:
        raise Conflict(_l("The notice period is over; the results can no longer be taken down."))
    festival.status = FestivalStatus.screening
    festival.published_at = None
    festival.notice_until = None
    festival.notice_working_days = None
    delete_revisions(session, festival=festival)
    festival.updated_at = now
    record(
        session,
        actor=actor,
        action="unpublish_awards",
        entity_type="festival",
        entity_id=festival.id,
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    session.flush()
    return festival
