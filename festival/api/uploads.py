"""Resumable uploads of a program's video and backing track: tus 1.0 (core, creation,
termination) under /api/v1/uploads. The page's upload widget (tus-js-client) uses the session
cookie with the CSRF token in X-CSRFToken; scripts use a bearer token."""

import base64
import binascii

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l

from festival.api.envelope import actor
from festival.api.registry import bp, endpoint
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, DomainError, TooLarge
from festival.core.ids import DB_INT_MAX
from festival.db import db
from festival.media import uploads as service
from festival.programs.models import Program
from festival.web.auth import require

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination"
TUS_HEADERS = (
    "Location, Upload-Offset, Upload-Length, Upload-Metadata, Tus-Resumable, Tus-Version, "
    "Tus-Extension, Tus-Max-Size"
)
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
UPLOAD_ENDPOINTS = frozenset(
    {"api.upload_options", "api.create_upload", "api.upload_head", "api.upload_patch"}
    | {"api.upload_delete"}
)


class TusVersionUnsupported(DomainError):
    code = "unsupported_version"
    status = 412
    default_message = _l("Send Tus-Resumable: 1.0.0 (the tus protocol's version 1.0).")


class WrongContentType(DomainError):
    code = "unsupported_media_type"
    status = 415
    default_message = _l("Send the bytes with Content-Type: application/offset+octet-stream.")


@bp.after_request
def add_tus_headers(response: Response) -> Response:
    """Every answer of the upload endpoints, errors too, says which tus it speaks."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Access-Control-Expose-Headers"] = TUS_HEADERS
        if response.status_code == 412:
            response.headers["Tus-Version"] = TUS_VERSION
    return response


def _check_tus_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise TusVersionUnsupported()


def _whole_number(header: str) -> int:
    value = request.headers.get(header, "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 15:
        raise BadRequest(_l("%(header)s must be a whole number of bytes.", header=header))
    return int(value)


def _metadata() -> dict[str, str]:
    """Upload-Metadata: comma-separated ``key base64(value)`` pairs."""
    pairs: dict[str, str] = {}
    for item in request.headers.get("Upload-Metadata", "").split(","):
        item = item.strip()
        if not item:
            continue
        key, _, encoded = item.partition(" ")
        try:
            pairs[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise BadRequest(_l("Upload-Metadata must hold base64 values.")) from None
    return pairs


def _location(upload_id: str) -> str:
    return url_for("api.upload_head", upload_id=upload_id)


# OPTIONS and HEAD are routed beside the registry: the OpenAPI document lists neither method.
@bp.route("/uploads", methods=["OPTIONS"])
def upload_options():
    """The tus protocol this server speaks (version, extensions, largest upload); anyone."""
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = TUS_EXTENSIONS
    response.headers["Tus-Max-Size"] = str(service.largest_upload())
    return response


@endpoint(
    "/uploads",
    "POST",
    summary="Start a resumable upload of a program's video or backing track (tus creation)",
    who="organizer, the program's troupe leader",
    status=201,
    errors=(400, 401, 404, 409, 412, 413, 422),
)
def create_upload():
    require(True)
    _check_tus_version()
    length = _whole_number("Upload-Length")
    meta = _metadata()
    program_id = meta.get("program_id", "")
    if not (program_id.isascii() and program_id.isdigit()) or int(program_id) > DB_INT_MAX:
        raise BadRequest(_l("Upload-Metadata must name the program (program_id)."))
    program = db.session.get(Program, int(program_id))
    upload = service.create_upload(
        db.session,
        program=program,
        kind=meta.get("kind", ""),
        filename=meta.get("filename", ""),
        length=length,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    response = Response(status=201)
    response.headers["Location"] = _location(upload.id)
    response.headers["Upload-Offset"] = "0"
    return response


@bp.route("/uploads/<upload_id>", methods=["HEAD"])
def upload_head(upload_id: str):
    """Where an upload stands (tus core: Upload-Offset, Upload-Length); whoever created it."""
    require(True)
    upload = service.find_upload(db.session, upload_id, actor())
    _check_tus_version()
    offset = service.sync_offset(upload)  # stored at the next PATCH, which syncs again
    response = Response(status=200)
    response.headers["Upload-Offset"] = str(offset)
    response.headers["Upload-Length"] = str(upload.length)
    response.headers["Cache-Control"] = "no-store"
    return response


@endpoint(
    "/uploads/<upload_id>",
    "PATCH",
    summary="Append bytes at Upload-Offset (tus core); the last byte makes it the program's media",
    who="whoever created it",
    status=204,
    errors=(400, 401, 404, 409, 412, 413, 415),
)
def upload_patch(upload_id: str):
    require(True)
    upload = service.find_upload(db.session, upload_id, actor())
    _check_tus_version()
    if request.mimetype != OFFSET_CONTENT_TYPE:
        raise WrongContentType()
    offset = _whole_number("Upload-Offset")
    size = request.content_length
    if size is None:
        raise BadRequest(_l("Send Content-Length with the bytes."))
    if offset + size > upload.length:
        raise TooLarge(_l("More bytes were sent than the upload's length."))
    new_offset = service.append_chunk(
        db.session,
        upload=upload,
        offset=offset,
        chunks=service.read_stream(request.stream, size),
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    response = Response(status=204)
    response.headers["Upload-Offset"] = str(new_offset)
    return response


@endpoint(
    "/uploads/<upload_id>",
    "DELETE",
    summary="Give up an upload and delete its bytes (tus termination)",
    who="whoever created it",
    status=204,
    errors=(401, 404, 412),
)
def upload_delete(upload_id: str):
    require(True)
    upload = service.find_upload(db.session, upload_id, actor())
    _check_tus_version()
    service.terminate_upload(db.session, upload=upload)
    db.session.commit()
    return Response(status=204)
