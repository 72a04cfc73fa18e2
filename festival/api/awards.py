"""Awards: /festivals/{id}/awards, allocate, publish (and unpublish)."""

from datetime import datetime
from typing import Literal

from flask import request
from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body, respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.schemas import BoundedDecimal, DbInt, FestivalOut
from festival.awards import permissions, queries, services
from festival.awards.models import Award
from festival.awards.revisions import current_revision
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.queries import load_managed_festival
from festival.judging.scoring import two_places
from festival.notice import finality
from festival.notice.working_days import MAX_WORKING_DAYS
from festival.web.auth import require

Tier = Literal["first", "second", "third", "excellence", "organization", "special"]
ProgramTier = Literal["first", "second", "third", "excellence", "special"]


class AwardIn(BaseModel):
    reason: str | None = Field(default=None, max_length=1000)
    tier: Tier
    program_id: DbInt | None = None
    organization_id: DbInt | None = None
    category_id: DbInt | None = None
    title: str | None = Field(default=None, max_length=120)


class TierCount(BaseModel):
    """A tier gives ``count`` places or ``share`` (0..1) of the ranked programs, not both."""

    tier: ProgramTier
    count: DbInt | None = Field(default=None, ge=0, le=1000)
    share: BoundedDecimal | None = None
    min_score: BoundedDecimal | None = None


class AllocateIn(BaseModel):
    round_id: DbInt
    tiers: list[TierCount] = Field(min_length=1, max_length=10)
    by_category: bool = False
    min_score: BoundedDecimal | None = None


class PublishIn(BaseModel):
    """The notice period in calendar days or in working days of the mainland calendar (the
    day of publication not counted; it ends at 24:00 of the last one), not both."""

    notice_days: DbInt | None = None
    notice_working_days: int | None = Field(default=None, ge=0, le=MAX_WORKING_DAYS)


class PublishedOut(FestivalOut):
    """The festival, with its notice period's end (UTC; null without one)."""

    notice_days: int
    notice_working_days: int | None
    notice_ends_at: datetime | None
    published_at: datetime | None
    finalized_at: datetime | None


def published_out(festival: Festival) -> PublishedOut:
    return PublishedOut.model_validate(
        {
            **FestivalOut.model_validate(festival).model_dump(),
            "notice_days": festival.notice_days,
            "notice_working_days": festival.notice_working_days,
            "notice_ends_at": festival.notice_until,
            "published_at": festival.published_at,
            "finalized_at": festival.finalized_at,
        }
    )


class ReasonIn(BaseModel):
    """After the results are final, a correction gives its reason."""

    reason: str | None = Field(default=None, max_length=1000)


class AwardOut(BaseModel):
    id: int
    tier: str
    title: str
    program_id: int | None
    program_title: str | None
    troupe_name: str | None
    organization_id: int | None
    organization_name: str | None
    category_name: str | None
    score: str | None
    certificate_number: str


class AwardList(BaseModel):
    items: list[AwardOut]
    revision: int | None = None  # the published list's version (1, then one per correction)


def award_out(row: queries.AwardRow) -> AwardOut:
    return AwardOut(
        **{**row.__dict__, "score": None if row.score is None else f"{two_places(row.score):.2f}"}
    )


def awards_of(festival_id: int, ids: set[int] | None = None) -> AwardList:
    rows = queries.festival_awards(db.session, festival_id)
    return AwardList(items=[award_out(r) for r in rows if ids is None or r.id in ids])


@endpoint(
    "/festivals/<int:festival_id>/awards",
    "POST",
    summary="Give an award by hand",
    who="the festival's organizers",
    status=201,
    body=AwardIn,
    response=AwardOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def create_award(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(AwardIn)
    award = services.create_award(
        db.session, festival=festival, **body.model_dump(), actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(awards_of(festival.id, {award.id}).items[0], 201)


@endpoint(
    "/festivals/<int:festival_id>/awards/allocate",
    "POST",
    summary="Allocate prize tiers down a closed round's ranking, overall or by category",
    who="the festival's organizers",
    status=201,
    body=AllocateIn,
    response=AwardList,
    errors=(400, 401, 403, 404, 409, 422),
)
def allocate(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(AllocateIn)
    minimums = {t.tier: t.min_score for t in body.tiers if t.min_score is not None}
    awards = services.allocate_awards(
        db.session,
        festival=festival,
        round_id=body.round_id,
        tiers=[(t.tier, t.count, t.share) for t in body.tiers],
        minimums=minimums,
        min_score=body.min_score,
        by_category=body.by_category,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    made = {row.id: row for row in awards_of(festival.id, {a.id for a in awards}).items}
    # by rank, as allocated (by category: each category's in turn)
    return respond(AwardList(items=[made[a.id] for a in awards]), 201)


@endpoint(
    "/festivals/<int:festival_id>/awards",
    "GET",
    summary="The festival's awards",
    who="organizers; anyone once published",
    response=AwardList,
    errors=(404,),
    public=True,
)
def list_awards(festival_id: int):
    festival = get_or_404(Festival, festival_id)
    if not permissions.can_see_awards(actor(), festival):
        raise NotFound()
    listing = awards_of(festival.id)
    listing.revision = current_revision(db.session, festival.id)
    return respond(listing)


@endpoint(
    "/awards/<int:award_id>",
    "DELETE",
    summary="Remove an award (a correction)",
    who="the festival's organizers",
    status=204,
    body=ReasonIn,
    errors=(400, 401, 403, 404, 409, 422),
)
def remove_award(award_id: int):
    require(actor().is_authenticated)
    award = get_or_404(Award, award_id)
    load_managed_festival(db.session, actor(), award.festival_id)
    body = parse_body(ReasonIn) if request.get_data() else ReasonIn()
    reason = body.reason or request.args.get("reason")
    services.remove_award(db.session, award=award, reason=reason, actor=actor(), now=utcnow())
    db.session.commit()
    return "", 204


@endpoint(
    "/festivals/<int:festival_id>/publish",
    "POST",
    summary="Publish the awards, with an optional public notice period",
    who="the festival's organizers",
    body=PublishIn,
    response=PublishedOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def publish(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(PublishIn)
    services.publish(
        db.session,
        festival=festival,
        notice_days=body.notice_days,
        notice_working_days=body.notice_working_days,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(published_out(festival))


@endpoint(
    "/festivals/<int:festival_id>/finalize",
    "POST",
    summary="Make the published results final once the notice period has ended",
    who="the festival's organizers",
    response=PublishedOut,
    errors=(401, 403, 404, 409),
)
def finalize(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    finality.finalize(db.session, festival=festival, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(published_out(festival))


@endpoint(
    "/festivals/<int:festival_id>/unpublish",
    "POST",
    summary="Take the awards down during the public notice period",
    who="the festival's organizers",
    response=FestivalOut,
    errors=(401, 403, 404, 409),
)
def unpublish(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    services.unpublish(db.session, festival=festival, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(FestivalOut.model_validate(festival))
