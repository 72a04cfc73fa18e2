"""Who is asking: session logins for pages, and one ``require`` for pages and API alike."""

from flask import Flask
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


def _load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


def _unauthorized():
    raise Unauthorized()


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "basic"
