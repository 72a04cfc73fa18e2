"""Objections during the notice period (公示): raise one (anyone), list and decide them
(the festival's organizers)."""

from datetime import datetime
from typing import Literal

from flask import current_app, request
from pydantic import BaseModel, Field

from festival.api.envelope import actor, page_params, parse_body, respond, respond_page
from festival.api.registry import endpoint
from festival.api.schemas import DbInt
from festival.awards.permissions import can_manage_awards
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import load_managed_festival
from festival.notice import objections, queries
from festival.notice.models import Objection


class ObjectionIn(BaseModel):
    award_id: DbInt | None = None
    program_id: DbInt | None = None
    name: str = Field(max_length=objections.MAX_NAME)
    phone: str = Field(max_length=objections.MAX_PHONE)
    organization: str = Field(default="", max_length=objections.MAX_ORGANIZATION)
    text: str = Field(max_length=objections.MAX_TEXT)


class ObjectionReceipt(BaseModel):
    id: int
    reference: str


class DecisionIn(BaseModel):
    outcome: Literal["upheld", "rejected"]
    reply: str = Field(max_length=objections.MAX_REPLY)


class ObjectionOut(BaseModel):
    id: int
    reference: str
    status: Literal["open", "upheld", "rejected"]
    award_id: int | None
    program_id: int | None
    name: str
    phone: str
    organization: str
    text: str
    reply: str
    created_at: datetime
    decided_at: datetime | None


def objection_out(objection: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=objection.id,
        reference=objection.reference,
        status=objection.status.value,
        award_id=objection.award_id,
        program_id=objection.program_id,
        name=objection.name,
        phone=objection.phone,
        organization=objection.organization,
        text=objection.text,
        reply=objection.reply,
        created_at=objection.created_at,
        decided_at=objection.decided_at,
    )


@endpoint(
    "/festivals/<int:festival_id>/objections",
    "POST",
    summary="Raise an objection to the published award list during its notice period "
    "(`notice_closed` after it; at most 5 an hour from one address)",
    who="anyone",
    status=201,
    body=ObjectionIn,
    response=ObjectionReceipt,
    errors=(400, 404, 409, 422, 429),
    public=True,
)
def raise_objection(festival_id: int):
    festival = db.session.get(Festival, festival_id)
    if festival is None or festival.status is FestivalStatus.draft:
        raise NotFound()
    body = parse_body(ObjectionIn)
    objection = objections.raise_objection(
        db.session,
        festival=festival,
        **body.model_dump(),
        client_address=request.remote_addr or "",
        secret_key=current_app.config["SECRET_KEY"],
        now=utcnow(),
    )
    db.session.commit()
    return respond(ObjectionReceipt(id=objection.id, reference=objection.reference), 201)


@endpoint(
    "/festivals/<int:festival_id>/objections",
    "GET",
    summary="The festival's objections, open ones first",
    who="the festival's organizers",
    response=ObjectionOut,
    paginated=True,
    errors=(400, 401, 403, 404),
)
def list_objections(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id, may_manage=can_manage_awards)
    page, per_page = page_params()
    listing = queries.objections_page(db.session, festival.id, page=page, per_page=per_page)
    listing = type(listing)(
        items=[objection_out(o) for o in listing.items],
        page=listing.page,
        per_page=listing.per_page,
        total=listing.total,
    )
    return respond_page(listing, ObjectionOut)


@endpoint(
    "/objections/<int:objection_id>/decision",
    "POST",
    summary="Decide an open objection: upheld or rejected, with a reply (once)",
    who="the festival's organizers",
    body=DecisionIn,
    response=ObjectionOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def decide_objection(objection_id: int):
    objection = queries.load_objection(db.session, actor(), objection_id)
    body = parse_body(DecisionIn)
    objection = objections.decide(
        db.session,
        objection=objection,
        outcome=body.outcome,
        reply=body.reply,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(objection_out(objection))
