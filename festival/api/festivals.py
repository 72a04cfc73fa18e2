"""Festivals and their categories: /festivals, /festivals/{id}, open, categories."""

from typing import Literal

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.accounts.models import Organization, Role
from festival.api.envelope import (
    actor,
    int_arg,
    page_params,
    parse_body,
    respond,
    respond_page,
)
from festival.api.registry import endpoint
from festival.api.schemas import (
    CategoryOut,
    DbInt,
    EventDate,
    EventDateTime,
    FestivalDetailOut,
    FestivalOut,
    Number,
)
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, ValidationFailed
from festival.db import db
from festival.festivals import permissions, queries, services
from festival.programs import queries as program_queries
from festival.web.auth import require

LevelName = Literal["district", "city", "province", "other"]


class FestivalCreate(BaseModel):
    name: str = Field(max_length=200)
    level: LevelName
    organization_id: DbInt
    year: DbInt
    starts_on: EventDate
    ends_on: EventDate
    submission_deadline: EventDateTime
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    min_performer_age: DbInt = 60
    description: str = Field(default="", max_length=4000)


class CategoryCreate(BaseModel):
    name: str = Field(max_length=80)
    max_duration_minutes: DbInt | None = None
    min_age_share: Number | None = None
    requires_video: bool = False
    requires_backing_track: bool = False


class FestivalUpdate(BaseModel):
    """Only the fields given change; ``recommendation_quota: null`` removes the quota,
    ``media_deadline: null`` the deadline for media."""

    name: str | None = Field(default=None, max_length=200)
    year: DbInt | None = None
    starts_on: EventDate | None = None
    ends_on: EventDate | None = None
    submission_deadline: EventDateTime | None = None
    timezone: str | None = Field(default=None, max_length=64)
    min_performer_age: DbInt | None = None
    description: str | None = Field(default=None, max_length=4000)
    recommendation_quota: DbInt | None = None
    media_deadline: EventDateTime | None = None  # null: no deadline for media


@endpoint(
    "/festivals",
    "POST",
    summary="Create a festival (in draft)",
    who="admin, organizer",
    status=201,
    body=FestivalCreate,
    response=FestivalOut,
    errors=(400, 401, 403, 422),
)
def create_festival():
    require(actor().is_authenticated and actor().role in (Role.admin, Role.organizer))
    body = parse_body(FestivalCreate)
    organization = db.session.get(Organization, body.organization_id)
    if organization is None:
        raise ValidationFailed(fields={"organization_id": [_l("No such organisation.")]})
    require(permissions.can_create_festival(actor(), organization))
    festival = services.create_festival(
        db.session, **body.model_dump(), actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(FestivalOut.model_validate(festival), 201)


@endpoint(
    "/festivals",
    "GET",
    summary="Festivals the caller may see",
    who="anyone",
    response=FestivalOut,
    paginated=True,
    errors=(400,),
    public=True,
    query={
        "level": {"type": "string", "enum": ["district", "city", "province", "other"]},
        "year": {"type": "integer"},
    },
)
def list_festivals():
    page, per_page = page_params()
    level = request.args.get("level")
    if level and level not in ("district", "city", "province", "other"):
        raise BadRequest(fields={"level": [_l("Choose one of: district, city, province, other.")]})
    listing = queries.festivals_page(
        db.session, actor(), page=page, per_page=per_page, level=level, year=int_arg("year")
    )
    return respond_page(listing, FestivalOut)


@endpoint(
    "/festivals/<int:festival_id>",
    "GET",
    summary="A festival with program counts",
    who="anyone who may see it",
    response=FestivalDetailOut,
    errors=(404,),
    public=True,
)
def get_festival(festival_id: int):
    festival = queries.load_festival(db.session, actor(), festival_id)
    counts = program_queries.status_counts(db.session, festival.id)
    out = FestivalOut.model_validate(festival).model_dump()
    return respond(FestivalDetailOut(**out, program_counts=counts))


@endpoint(
    "/festivals/<int:festival_id>",
    "PATCH",
    summary="Change a festival",
    who="the festival's organizers",
    body=FestivalUpdate,
    response=FestivalOut,
    errors=(400, 401, 403, 404, 422),
)
def update_festival(festival_id: int):
    """The fields given change, the others keep their values."""
    festival = queries.load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(FestivalUpdate)
    given = body.model_dump(exclude_unset=True)
    values = {
        field: given[field] if given.get(field) is not None else getattr(festival, field)
        for field in (
            "name",
            "year",
            "starts_on",
            "ends_on",
            "submission_deadline",
            "timezone",
            "min_performer_age",
            "description",
        )
    }
    if "recommendation_quota" in given:
        values["recommendation_quota"] = given["recommendation_quota"]
    if "media_deadline" in given:
        values["media_deadline"] = given["media_deadline"]
    services.update_festival(db.session, festival=festival, **values, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(FestivalOut.model_validate(festival))


@endpoint(
    "/festivals/<int:festival_id>/open",
    "POST",
    summary="Open for submissions",
    who="the festival's organizers",
    response=FestivalOut,
    errors=(401, 403, 404, 409, 422),
)
def open_festival(festival_id: int):
    festival = queries.load_managed_festival(db.session, actor(), festival_id)
    services.open_festival(db.session, festival=festival, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(FestivalOut.model_validate(festival))


@endpoint(
    "/festivals/<int:festival_id>/close-intake",
    "POST",
    summary="Close to submissions",
    who="the festival's organizers",
    response=FestivalOut,
    errors=(401, 403, 404, 409),
)
def close_intake(festival_id: int):
    """Status ``screening``: no more submissions, changes or withdrawals by troupes. Creating
    a round never does this."""
    festival = queries.load_managed_festival(db.session, actor(), festival_id)
    services.close_intake(db.session, festival=festival, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(FestivalOut.model_validate(festival))


@endpoint(
    "/festivals/<int:festival_id>/categories",
    "POST",
    summary="Add a category",
    who="the festival's organizers",
    status=201,
    body=CategoryCreate,
    response=CategoryOut,
    errors=(400, 401, 403, 404, 422),
)
def add_category(festival_id: int):
    festival = queries.load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(CategoryCreate)
    category = services.add_category(
        db.session, festival=festival, **body.model_dump(), actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(CategoryOut.model_validate(category), 201)
