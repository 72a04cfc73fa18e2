"""POST /organizations, GET /organizations."""

from typing import Literal

from pydantic import BaseModel, Field

from festival.accounts import permissions
from festival.accounts.models import Organization
from festival.accounts.queries import organizations_page
from festival.accounts.services import create_organization
from festival.api.envelope import actor, page_params, parse_body, respond, respond_page
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, OrganizationOut
from festival.core.clock import utcnow
from festival.db import db
from festival.web.auth import require


class OrganizationCreate(BaseModel):
    name: str = Field(max_length=120)
    level: Literal["district", "city", "province", "other"]
    parent_id: DbInt | None = None


@endpoint(
    "/organizations",
    "POST",
    summary="Create an organisation",
    who="admin, organizer",
    status=201,
    body=OrganizationCreate,
    response=OrganizationOut,
    errors=(400, 401, 403, 422),
)
def create_organization_endpoint():
    require(permissions.can_list_organizations(actor()))
    body = parse_body(OrganizationCreate)
    parent = db.session.get(Organization, body.parent_id) if body.parent_id is not None else None
    if body.parent_id is None or parent is not None:
        require(permissions.can_create_organization(actor(), parent))
    organization = create_organization(db.session, **body.model_dump(), actor=actor(), now=utcnow())
    db.session.commit()
    return respond(OrganizationOut.model_validate(organization), 201)


@endpoint(
    "/organizations",
    "GET",
    summary="List organisations",
    who="admin, organizer",
    response=OrganizationOut,
    paginated=True,
    errors=(400, 401, 403),
)
def list_organizations():
    require(permissions.can_list_organizations(actor()))
    page, per_page = page_params()
    return respond_page(
        organizations_page(db.session, page=page, per_page=per_page), OrganizationOut
    )
