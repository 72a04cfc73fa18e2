"""POST /auth/tokens (log in, get a bearer token) and DELETE /auth/tokens/current."""

from datetime import datetime, timedelta

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.accounts.services import authenticate, issue_api_token, revoke_api_token
from festival.accounts.views import login_limits
from festival.api.envelope import parse_body, respond
from festival.api.registry import endpoint
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, Unauthorized
from festival.db import db
from festival.web.auth import require


class TokenRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class TokenOut(BaseModel):
    token: str
    expires_at: datetime


@endpoint(
    "/auth/tokens",
    "POST",
    summary="Log in and get a bearer token",
    who="anyone",
    status=201,
    body=TokenRequest,
    response=TokenOut,
    errors=(400, 401, 429),
    public=True,
)
def create_token():
    body = parse_body(TokenRequest)
    now = utcnow()
    user = authenticate(
        db.session,
        username=body.username,
        password=body.password,
        address=request.remote_addr or "",
        now=now,
        limits=login_limits(),
    )
    if user is None:
        db.session.commit()  # the failed attempt counts towards the limit
        current_app.logger.warning(
            "failed API login for %r from %s", body.username, request.remote_addr
        )
        raise Unauthorized(_l("Wrong username or password."))
    token, plain = issue_api_token(
        db.session,
        user=user,
        now=now,
        lifetime=timedelta(days=current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.commit()
    return respond(TokenOut(token=plain, expires_at=token.expires_at), 201)


@endpoint(
    "/auth/tokens/current",
    "DELETE",
    summary="Revoke the bearer token of this request",
    who="a bearer token's holder",
    status=204,
    errors=(400, 401),
)
def revoke_token():
    require(True)
    token = getattr(g, "api_token", None)
    if token is None:
        raise BadRequest(_l("Send the token to revoke as Authorization: Bearer <token>."))
    revoke_api_token(db.session, token=token, now=utcnow())
    db.session.commit()
    return "", 204
