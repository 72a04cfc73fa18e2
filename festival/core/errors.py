"""Domain errors carry the API's error codes, an HTTP status and field messages.

Services raise them; the API renders them as the error JSON and pages put
``fields`` on the form. Messages are lazy strings, so they speak the language of
whoever reads them.
"""

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    code = "conflict"
    status = 409
    default_message = _l("The request conflicts with the current state.")

    def __init__(self, message=None, *, fields: Mapping[str, Sequence] | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        super().__init__(str(self.message))


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    default_message = _l("The request is malformed.")


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    default_message = _l("Please log in first.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _l("You are not allowed to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _l("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409


class TieAtCutoff(DomainError):
    code = "tie_at_cutoff"
    status = 409
    default_message = _l("Programs are tied across the cut line; decide which advance.")


class TieAtBoundary(DomainError):
    code = "tie_at_boundary"
    status = 409
    default_message = _l("Programs are tied across an award boundary; decide the order first.")


class RoundClosed(DomainError):
    code = "round_closed"
    status = 409
    default_message = _l("This round is closed; its scores are frozen.")


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    status = 409
    default_message = _l("The festival takes no more recommended programs from this organisation.")


class NoticeClosed(DomainError):
    code = "notice_closed"
    status = 409
    default_message = _l("The notice period is over: objections can no longer be raised.")


class TooLarge(DomainError):
    code = "too_large"
    status = 413
    default_message = _l("The request is too large.")


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = _l("Some values are not valid.")


class TooManyRequests(DomainError):
    code = "too_many_requests"
    status = 429
    default_message = _l("Too many failed attempts. Please wait a few minutes and try again.")


class ObjectionsOpen(DomainError):
    code = "objections_open"
    status = 409
    default_message = _l("Objections are still open; decide them first.")


class ScoreLocked(DomainError):
    code = "score_locked"
    status = 409
    default_message = _l(
        "This score is confirmed and final; the organizer may reopen it, giving a reason."
    )


class MediaClosed(DomainError):
    code = "media_closed"
    status = 409
    default_message = _l(
        "The deadline for videos and backing tracks has passed; ask the organizer to change them."
    )
