"""Resumable uploads (tus 1.0): an upload is created with its length, receives its bytes in
order, in as many pieces as the connection allows, and becomes the program's media when the
last byte arrives. Bytes go straight to storage; memory stays bounded whatever the size."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import ClientDisconnected

from festival.accounts.models import User
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, Conflict, NotFound, TooLarge, ValidationFailed
from festival.jobs.queue import handler
from festival.media.models import MediaKind, Upload
from festival.media.permissions import can_manage_media
from festival.media.services import check_media_open, complete_upload, delete_after_commit
from festival.media.storage import CHUNK_BYTES, StorageOffsetMismatch, get_storage, new_key
from festival.programs.models import Program

FILENAME_MAX = 255


def max_bytes(kind: MediaKind) -> int:
    config = current_app.config
    if kind is MediaKind.video:
        return int(config["MEDIA_MAX_VIDEO_BYTES"])
    return int(config["MEDIA_MAX_TRACK_BYTES"])


def size_text(size: int) -> str:
    """A size limit as people read it: 1 GB, 50 MB."""
    if size >= 1024**3:
        return f"{size / 1024**3:g} GB"
    return f"{round(size / 1000**2)} MB"


def largest_upload() -> int:
    return max(max_bytes(kind) for kind in MediaKind)


def _clean_filename(filename: str) -> str:
    """The uploader's file name for display only: no path, no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:FILENAME_MAX] or "upload"


def create_upload(
    session: Session,
    *,
    program: Program | None,
    kind: str,
    filename: str,
    length: int,
    actor: User,
    now: datetime,
) -> Upload:
    """A new upload of ``length`` bytes for the program's media of ``kind``: only those who
    may manage the program's media (others: 404, the program is not told), within the kind's
    size limit (413 before any byte) and, for a non-organizer, before the media deadline."""
    if program is None or not can_manage_media(actor, program):
        raise NotFound()
    try:
        media_kind = MediaKind(kind)
    except ValueError:
        raise ValidationFailed(
            fields={"kind": [_l("Choose one of: %(choices)s.", choices="video, backing_track")]}
        ) from None
    if length < 0:
        raise BadRequest(_l("Upload-Length must be a whole number of bytes."))
    if length > max_bytes(media_kind):
        raise TooLarge(
            _l("The file is too large: at most %(size)s.", size=size_text(max_bytes(media_kind)))
        )
    check_media_open(program.festival, actor, now)
    upload = Upload(
        id=secrets.token_hex(16),
        program_id=program.id,
        kind=media_kind,
        filename=_clean_filename(filename),
        length=length,
        upload_offset=0,
        storage_key=new_key("originals", ""),
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    upload.program = program
    session.add(upload)
    session.flush()
    return upload


def find_upload(session: Session, upload_id: str, actor: User) -> Upload:
    """The caller's own upload; anyone else's (or none) is 404."""
    upload = session.get(Upload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.created_by_id != actor.id:
        raise NotFound()
    return upload


def read_stream(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    """At most ``limit`` bytes of ``stream``, in pieces of at most 1 MiB. A connection cut
    half-way ends the pieces there: what arrived is kept, and the client resumes from it."""
    left = limit
    while left > 0:
        try:
            piece = stream.read(min(CHUNK_BYTES, left))
        except (ClientDisconnected, OSError):
            return
        if not piece:
            return
        left -= len(piece)
        yield piece


def sync_offset(upload: Upload) -> int:
    """The upload's offset as storage holds it: a request cut off mid-way may have stored
    bytes that the database did not hear of."""

    stored = get_storage().size(upload.storage_key) or 0
    if stored != upload.upload_offset and stored <= upload.length:
        upload.upload_offset = stored
    return upload.upload_offset


def append_chunk(
    session: Session,
    *,
    upload: Upload,
    offset: int,
    chunks: Iterable[bytes],
    actor: User,
    now: datetime,
) -> int:
    """Append the bytes at ``offset``, which must be where the upload stands (else 409); where
    it stands now. With its last byte the upload becomes the program's media."""
    if offset != sync_offset(upload):
        raise Conflict(
            _l(
                "The upload stands at byte %(offset)d, not there: ask where it stands (HEAD) "
                "and continue from that.",
                offset=upload.upload_offset,
            )
        )
    program = session.get(Program, upload.program_id)
    check_media_open(program.festival, actor, now)
    try:
        new_size = get_storage().append(upload.storage_key, offset, chunks)
    except StorageOffsetMismatch:
        raise Conflict() from None
    if new_size > upload.length:  # the caller checked Content-Length; storage says more came
        raise TooLarge()
    upload.upload_offset = new_size
    upload.updated_at = now
    session.flush()
    if upload.upload_offset == upload.length:
        complete_upload(session, upload=upload, actor=actor, now=now)
    return new_size


def terminate_upload(session: Session, *, upload: Upload) -> None:
    """Delete the upload and (once committed) the bytes it received."""
    session.delete(upload)
    session.flush()
    delete_after_commit(session, [upload.storage_key])


def remove_abandoned_uploads(session: Session, *, now: datetime) -> int:
    """Remove uploads that received no byte for MEDIA_UPLOAD_EXPIRY_HOURS (24), and their
    bytes (once committed); the number removed. For ``flask media cleanup`` and the worker."""
    hours = float(current_app.config["MEDIA_UPLOAD_EXPIRY_HOURS"])
    cutoff = now - timedelta(hours=hours)
    stale = session.scalars(select(Upload).where(Upload.updated_at < cutoff)).all()
    keys = [upload.storage_key for upload in stale]
    for upload in stale:
        session.delete(upload)
    session.flush()
    delete_after_commit(session, keys)
    return len(keys)


@handler("cleanup_uploads", every=timedelta(hours=1))
def cleanup_uploads_job(session: Session, _payload: dict, _progress) -> None:
    """The same cleanup, which the workers run every hour by themselves."""
    remove_abandoned_uploads(session, now=utcnow())
