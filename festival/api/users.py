"""POST /users, GET /users, GET /users/me."""

from typing import Literal

from pydantic import BaseModel, Field

from festival.accounts import permissions
from festival.accounts.queries import users_page
from festival.accounts.services import create_user
from festival.api.envelope import actor, page_params, parse_body, respond, respond_page
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, UserOut
from festival.core.clock import utcnow
from festival.db import db
from festival.web.auth import require


class UserCreate(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    display_name: str = Field(max_length=80)
    role: Literal["admin", "organizer", "judge", "leader"]
    organization_id: DbInt | None = None


@endpoint(
    "/users",
    "POST",
    summary="Create a user account",
    who="admin",
    status=201,
    body=UserCreate,
    response=UserOut,
    errors=(400, 401, 403, 422),
)
def create_user_endpoint():
    require(permissions.can_manage_users(actor()))
    body = parse_body(UserCreate)
    user = create_user(db.session, **body.model_dump(), actor=actor(), now=utcnow())
    db.session.commit()
    return respond(UserOut.model_validate(user), 201)


@endpoint(
    "/users",
    "GET",
    summary="List user accounts",
    who="admin",
    response=UserOut,
    paginated=True,
    errors=(400, 401, 403),
)
def list_users():
    require(permissions.can_manage_users(actor()))
    page, per_page = page_params()
    return respond_page(users_page(db.session, page=page, per_page=per_page), UserOut)


@endpoint(
    "/users/me",
    "GET",
    summary="The account of this request",
    who="anyone logged in",
    response=UserOut,
    errors=(401,),
)
def current_user_endpoint():
    require(True)
    return respond(UserOut.model_validate(actor()))
