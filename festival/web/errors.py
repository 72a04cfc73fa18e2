"""Errors as the error JSON under /api, as a page in the user's language elsewhere."""

import sqlite3

from flask import Flask, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from festival.core.errors import Conflict, DomainError, Unauthorized
from festival.db import db

HTTP_CODES = {
    400: ("bad_request", _l("The request is malformed.")),
    401: ("unauthorized", _l("Please log in first.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("This page does not exist, or you may not see it.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("The request conflicts with the current state.")),
    413: ("too_large", _l("The upload or request is too large.")),
    429: ("too_many_requests", _l("Too many requests. Please wait a few minutes.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again later.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_json(code: str, message, status: int, fields: dict | None = None):
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = {
            name: [str(message) for message in messages] for name, messages in fields.items()
        }
    return jsonify(body), status


def error_page(status: int, message):
    # str(): a lazy message would otherwise reach the page as markup, unescaped.
    return render_template("errors/error.html", status=status, message=str(message)), status


def handle_domain_error(error: DomainError):
    db.session.rollback()
    if wants_json():
        return error_json(error.code, error.message, error.status, error.fields)
    if isinstance(error, Unauthorized):
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return error_page(error.status, error.message)


def handle_http_error(error: HTTPException):
    status = error.code or 500
    code, message = HTTP_CODES.get(status, ("error", error.description))
    if isinstance(error, CSRFError):
        message = _l(
            "This form has expired or was not sent from this site. "
            "Please go back, reload the page and try again."
        )
    if wants_json():
        return error_json(code, message, status)
    return error_page(status, message)


def handle_server_error(error: InternalServerError):
    db.session.rollback()
    code, message = HTTP_CODES[500]
    if wants_json():
        return error_json(code, message, 500)
    return error_page(500, message)


SAME_MOMENT = _l(
    "Someone saved the same thing at the same moment. "
    "Please reload the page to see it, and try again if it is still needed."
)


def is_unique_violation(error: IntegrityError) -> bool:
    """PostgreSQL's SQLSTATE 23505, or SQLite's extended code for a UNIQUE constraint."""
    original = error.orig
    if isinstance(original, sqlite3.IntegrityError):
        return getattr(original, "sqlite_errorcode", None) == sqlite3.SQLITE_CONSTRAINT_UNIQUE
    return getattr(original, "sqlstate", None) == "23505"


def handle_integrity_error(error: IntegrityError):
    """A unique row written by two requests at once, that a service did not foresee: the
    loser's transaction is rolled back whole and it is told so, instead of a server error.
    (Writers that derive values lock their owner row first: see ``db.locked``.)"""
    if not is_unique_violation(error):  # a check the services missed: a real server error
        current_app.logger.error("integrity error", exc_info=error)
        return handle_server_error(InternalServerError())
    current_app.logger.warning("unique violation answered 409: %s", error.orig)
    return handle_domain_error(Conflict(SAME_MOMENT))


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
