"""Troupes, people and membership: /troupes, /people, /troupes/{id}/members."""

from datetime import date
from typing import Literal

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.accounts.models import Organization
from festival.api.envelope import (
    actor,
    int_arg,
    page_params,
    parse_body,
    respond,
    respond_page,
)
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, PersonOut, TroupeOut
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, NotFound, ValidationFailed
from festival.core.pagination import Page
from festival.db import db
from festival.troupes import permissions, queries, services
from festival.troupes.models import Membership, Troupe
from festival.web.auth import require


class TroupeCreate(BaseModel):
    name: str = Field(max_length=120)
    organization_id: DbInt
    kind: Literal["troupe", "team"] = "troupe"
    leader_id: DbInt | None = None


class TroupeUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    kind: Literal["troupe", "team"] | None = None
    leader_id: DbInt | None = None


class PersonCreate(BaseModel):
    name: str = Field(max_length=80)
    birth_date: date
    gender: Literal["female", "male"] | None = None
    phone: str | None = Field(default=None, max_length=32)


class MemberAdd(BaseModel):
    person_id: DbInt | None = None
    name: str | None = Field(default=None, max_length=80)
    birth_date: date | None = None
    gender: Literal["female", "male"] | None = None
    phone: str | None = Field(default=None, max_length=32)
    role: Literal["member", "coach"] = "member"


def troupe_out(troupe: Troupe, member_count: int | None = None) -> TroupeOut:
    if member_count is None:
        member_count = services.member_count(db.session, troupe.id)
    return TroupeOut(
        id=troupe.id,
        name=troupe.name,
        kind=troupe.kind.value,
        organization_id=troupe.organization_id,
        leader_id=troupe.leader_id,
        member_count=member_count,
    )


@endpoint(
    "/troupes",
    "POST",
    summary="Register a troupe or team",
    who="organizer, leader",
    status=201,
    body=TroupeCreate,
    response=TroupeOut,
    errors=(400, 401, 403, 422),
)
def create_troupe():
    require(permissions.can_list_troupes(actor()))
    body = parse_body(TroupeCreate)
    organization = db.session.get(Organization, body.organization_id)
    if organization is None:
        raise ValidationFailed(fields={"organization_id": [_l("No such organisation.")]})
    require(permissions.can_create_troupe(actor(), organization))
    troupe = services.create_troupe(db.session, **body.model_dump(), actor=actor(), now=utcnow())
    db.session.commit()
    return respond(troupe_out(troupe, 0), 201)


@endpoint(
    "/troupes",
    "GET",
    summary="Troupes the caller manages",
    who="organizer; leader sees own",
    response=TroupeOut,
    paginated=True,
    errors=(400, 401, 403),
    query={
        "kind": {"type": "string", "enum": ["troupe", "team"]},
        "organization_id": {"type": "integer"},
    },
)
def list_troupes():
    require(permissions.can_list_troupes(actor()))
    page, per_page = page_params()
    kind = request.args.get("kind")
    if kind and kind not in ("troupe", "team"):
        raise BadRequest(fields={"kind": [_l("Choose troupe or team.")]})
    listing = queries.troupes_page(
        db.session,
        actor(),
        page=page,
        per_page=per_page,
        kind=kind,
        organization_id=int_arg("organization_id"),
    )
    items = [troupe_out(troupe, count) for troupe, count in listing.items]
    return respond_page(Page(items, listing.page, listing.per_page, listing.total), TroupeOut)


@endpoint(
    "/troupes/<int:troupe_id>",
    "GET",
    summary="One troupe",
    who="organizer; that troupe's leader",
    response=TroupeOut,
    errors=(401, 404),
)
def get_troupe(troupe_id: int):
    return respond(troupe_out(queries.load_managed_troupe(db.session, actor(), troupe_id)))


@endpoint(
    "/troupes/<int:troupe_id>",
    "PATCH",
    summary="Rename a troupe, change kind or leader",
    who="organizer; that troupe's leader",
    body=TroupeUpdate,
    response=TroupeOut,
    errors=(400, 401, 404, 422),
)
def update_troupe(troupe_id: int):
    troupe = queries.load_managed_troupe(db.session, actor(), troupe_id)
    body = parse_body(TroupeUpdate)
    services.update_troupe(
        db.session,
        troupe=troupe,
        name=troupe.name if body.name is None else body.name,
        kind=body.kind or troupe.kind,
        leader_id=body.leader_id if "leader_id" in body.model_fields_set else troupe.leader_id,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(troupe_out(troupe))


@endpoint(
    "/people",
    "POST",
    summary="Register a person",
    who="organizer, leader",
    status=201,
    body=PersonCreate,
    response=PersonOut,
    errors=(400, 401, 403, 422),
)
def create_person():
    require(permissions.can_list_troupes(actor()))
    body = parse_body(PersonCreate)
    person = services.create_person(db.session, **body.model_dump(), actor=actor(), now=utcnow())
    db.session.commit()
    return respond(PersonOut.model_validate(person), 201)


@endpoint(
    "/troupes/<int:troupe_id>/members",
    "POST",
    summary="Add a member: an existing person by id, or a new one",
    who="organizer; that troupe's leader",
    status=201,
    body=MemberAdd,
    response=PersonOut,
    errors=(400, 401, 404, 409, 422),
)
def add_member(troupe_id: int):
    troupe = queries.load_managed_troupe(db.session, actor(), troupe_id)
    body = parse_body(MemberAdd)
    now = utcnow()
    if body.person_id is not None:
        # Only someone the caller may already reach; anyone else is 404, as an unknown id.
        person = queries.load_person(db.session, actor(), body.person_id)
    elif body.name is None:
        raise ValidationFailed(
            fields={"person_id": [_l("Send person_id, or name and birth_date.")]}
        )
    else:
        person = services.create_person(
            db.session,
            name=body.name,
            birth_date=body.birth_date,
            gender=body.gender,
            phone=body.phone,
            actor=actor(),
            now=now,
        )
    services.add_member(
        db.session, troupe=troupe, person=person, role=body.role, actor=actor(), now=now
    )
    db.session.commit()
    return respond(PersonOut.model_validate(person), 201)


@endpoint(
    "/troupes/<int:troupe_id>/members",
    "GET",
    summary="The members of a troupe",
    who="organizer; that troupe's leader",
    response=PersonOut,
    paginated=True,
    errors=(400, 401, 404),
)
def list_members(troupe_id: int):
    troupe = queries.load_managed_troupe(db.session, actor(), troupe_id)
    page, per_page = page_params()
    listing = queries.members_page(db.session, troupe.id, page=page, per_page=per_page)
    people = [membership.person for membership in listing.items]
    return respond_page(Page(people, listing.page, listing.per_page, listing.total), PersonOut)


@endpoint(
    "/troupes/<int:troupe_id>/members/<int:person_id>",
    "DELETE",
    summary="Remove a member from a troupe",
    who="organizer; that troupe's leader",
    status=204,
    errors=(401, 404),
)
def remove_member(troupe_id: int, person_id: int):
    troupe = queries.load_managed_troupe(db.session, actor(), troupe_id)
    person = queries.load_person(db.session, actor(), person_id)
    if db.session.get(Membership, (troupe.id, person.id)) is None:
        raise NotFound()
    services.remove_member(db.session, troupe=troupe, person=person, actor=actor(), now=utcnow())
    db.session.commit()
    return "", 204
