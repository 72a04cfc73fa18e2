"""Who is asking: session logins for pages, bearer tokens for the API (through Flask-Login's
loaders, so ``current_user`` is the one user either way), and one ``require`` for pages and API
alike."""

from flask import Flask, Request, g
from flask_login import current_user

from festival.accounts.models import User
from festival.core.errors import Forbidden, Unauthorized
from festival.db import db
from festival.extensions import login_manager


def require(allowed: bool) -> None:
    """Stop the request unless the permission predicate allowed it (401 if nobody is logged in)."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    if not allowed:
        raise Forbidden()


def log_in_for_this_request(user: User) -> None:
    """Make ``user`` the request's ``current_user`` without a session (a bearer token's user):
    it wins over a session cookie, and no cookie is set."""
    g.token_user = user


def answered_for_user() -> bool:
    """Whether this request loaded a logged-in user (by session or token), so that its answer
    may be built for that user alone."""
    return g.get("answered_for_user", False)


def _answering_for(user: User | None) -> User | None:
    if user is not None:
        g.answered_for_user = True
    return user


def _load_user(session_id: str) -> User | None:
    token_user = g.get("token_user")
    if token_user is not None:  # a bearer token wins over the session cookie
        return _answering_for(token_user)
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return _answering_for(user)


def _load_user_from_request(_request: Request) -> User | None:
    """The bearer token's user, when the session has none (Flask-Login asks only then)."""
    return _answering_for(g.get("token_user"))


def _unauthorized():
    raise Unauthorized()


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_request)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "basic"
