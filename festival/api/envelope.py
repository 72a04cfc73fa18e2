"""Request parsing and response shapes shared by every API endpoint."""

import sys
from typing import TypeVar

from flask import current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from festival.accounts.services import token_for
from festival.api.schemas import OUT_OF_BOUNDS
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, TooLarge, Unauthorized, ValidationFailed
from festival.core.ids import DB_INT_MAX
from festival.core.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, Page
from festival.db import db
from festival.extensions import csrf
from festival.web.auth import log_in_for_this_request

M = TypeVar("M", bound=BaseModel)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Endpoints whose body is streamed by the view (not read whole): no API body limit.
STREAMED_BODY_ENDPOINTS = frozenset({"api.upload_patch"})
# Pydantic error types that mean "not the right shape or type": 400, not 422.
SHAPE_ERRORS = {
    "missing",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "json_invalid",
    "json_type",
}


def authenticate_request() -> None:
    """Bearer token if one is sent (it wins over a cookie); else the session, with CSRF on writes."""
    limit = current_app.config["API_MAX_BODY_BYTES"]
    if request.endpoint in STREAMED_BODY_ENDPOINTS:
        # tus PATCH: the view streams the body to storage, bounded by the upload's length
        # (None would fall back to MAX_CONTENT_LENGTH).
        request.max_content_length = sys.maxsize
    elif request.content_length is not None and request.content_length > limit:
        raise TooLarge()
    elif request.content_length is None:
        # A body without Content-Length (chunked): read at most one byte past the limit (the
        # read stops there) and refuse it if that byte came; later reads use the cached bytes.
        request.max_content_length = limit + 1
        if len(request.get_data(cache=True)) > limit:
            raise TooLarge()
    header = request.headers.get("Authorization")
    if header:
        scheme, _, plain = header.partition(" ")
        token = (
            token_for(db.session, plain.strip(), now=utcnow())
            if scheme.lower() == "bearer"
            else None
        )
        if token is None:
            raise Unauthorized(_l("The token is missing, invalid, expired or revoked."))
        g.api_token = token
        log_in_for_this_request(token.user)
    elif request.method not in SAFE_METHODS and current_user.is_authenticated:
        csrf.protect()  # authenticated by the session cookie: a browser, so CSRF applies


def parse_body(model: type[M]) -> M:
    """The JSON body as ``model``; 400 for malformed JSON or wrong types, 422 for bad values."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[…" nested deeper than the JSON parser goes
        raise BadRequest() from None
    if data is None:
        raise BadRequest(_l("Send a JSON object with Content-Type: application/json."))
    if not isinstance(data, dict):
        raise BadRequest(_l("The body must be a JSON object."))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields: dict[str, list] = {}
        shape = False
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, []).append(_message_for(problem))
            shape = (
                shape
                or problem["type"] in SHAPE_ERRORS
                or problem["type"].endswith(("_type", "_parsing"))
            )
        if shape:
            raise BadRequest(
                _l("Some fields are missing or of the wrong type."), fields=fields
            ) from None
        raise ValidationFailed(fields=fields) from None


def _message_for(problem: dict):
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if kind == OUT_OF_BOUNDS:
        return context["message"]
    if kind == "missing":
        return _l("This field is required.")
    if kind == "string_too_long":
        return _l("Use at most %(n)d characters.", n=context.get("max_length", 0))
    if kind == "string_too_short":
        return _l("Use at least %(n)d characters.", n=context.get("min_length", 0))
    if kind in ("enum", "literal_error"):
        return _l("Choose one of: %(choices)s.", choices=context.get("expected", ""))
    if kind.startswith(("int_", "float_", "decimal_")) and kind.endswith(("_type", "_parsing")):
        return _l("Enter a number.")
    if kind.startswith("string_") and kind.endswith("_type"):
        return _l("Enter text.")
    if kind.startswith(("date_", "datetime_")):
        return _l("Enter a date as YYYY-MM-DD (a datetime in ISO 8601).")
    if kind.startswith("bool_"):
        return _l("Enter true or false.")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _l("The value is out of range.")
    return _l("This value is not valid.")


def page_params() -> tuple[int, int]:
    """?page= and ?per_page= (at most 200); anything else is a 400."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", DEFAULT_PER_PAGE))
    except ValueError:
        raise BadRequest(_l("page and per_page must be whole numbers.")) from None
    if page > MAX_PAGE:
        raise BadRequest(
            _l("The value is out of range."), fields={"page": [_l("The value is out of range.")]}
        )
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(
            _l("page starts at 1; per_page is between 1 and %(n)d.", n=MAX_PER_PAGE),
            fields={"per_page" if page >= 1 else "page": [_l("The value is out of range.")]},
        )
    return page, per_page


def int_arg(name: str) -> int | None:
    """?name= as a whole number, or None when absent; 400 for anything but ASCII digits or a
    number beyond the database's integers ("²".isdigit() is true, yet int("²") fails)."""
    value = request.args.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > DB_INT_MAX:
        raise BadRequest(fields={name: [_l("Enter a number.")]})
    return int(value)


def respond(model: BaseModel, status: int = 200):
    return jsonify(model.model_dump(mode="json")), status


def respond_page(page: Page, serializer: type[BaseModel]):
    return jsonify(
        {
            "items": [
                serializer.model_validate(item).model_dump(mode="json") for item in page.items
            ],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
        }
    )


def actor():
    """The authenticated user of this request."""
    return current_user._get_current_object()
