"""Changing a program's media: a finished upload becomes its video or backing track
(replacing the one before), a media file is deleted, and the media deadline is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import MediaClosed
from festival.festivals.models import Festival
from festival.festivals.permissions import can_manage_festival
from festival.jobs.queue import enqueue
from festival.media.models import Media, MediaStatus, Upload
from festival.media.storage import get_storage


def check_media_open(festival: Festival, user: User, now: datetime) -> None:
    """Raise MediaClosed for anyone but the festival's organizers once its media deadline
    has passed."""
    deadline = festival.media_deadline
    if deadline is None or now <= deadline:
        return
    if can_manage_festival(user, festival):
        return
    raise MediaClosed()


def _stored_keys(media: Media) -> list[str]:
    return [key for key in (media.original_key, media.playable_key, media.poster_key) if key]


_KEYS_TO_DELETE = "festival.media.keys_to_delete"


def delete_after_commit(session: Session, keys: list[str]) -> None:
    """Delete these stored files once the transaction commits (a rollback keeps them, with
    the rows that name them)."""
    session.info.setdefault(_KEYS_TO_DELETE, []).extend(keys)


def _delete_committed(session: Session) -> None:
    keys = session.info.pop(_KEYS_TO_DELETE, None)
    if not keys:
        return

    storage = get_storage()
    for key in keys:
        storage.delete(key)


def _forget_keys(session: Session, *_args) -> None:
    session.info.pop(_KEYS_TO_DELETE, None)


for _name, _listener in (("after_commit", _delete_committed), ("after_rollback", _forget_keys)):
    if not event.contains(Session, _name, _listener):
        event.listen(Session, _name, _listener)


def complete_upload(session: Session, *, upload: Upload, actor: User, now: datetime) -> Media:
    """The finished upload becomes the program's media of its kind: the one before (its row
    and its stored files) is replaced, the change audited, and processing queued. The
    upload's row goes; its bytes stay as the new media's original."""

    program = upload.program
    previous = session.scalar(
        select(Media).where(Media.program_id == upload.program_id, Media.kind == upload.kind)
    )
    old_keys: list[str] = []
    replaced: str | None = None
    if previous is not None:
        old_keys = _stored_keys(previous)
        replaced = previous.filename
        session.delete(previous)
        session.flush()  # the unique (program, kind) is free before the new row comes
    media = Media(
        program_id=upload.program_id,
        kind=upload.kind,
        filename=upload.filename,
        size=upload.length,
        original_key=upload.storage_key,
        status=MediaStatus.processing,
        progress=0,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(media)
    session.delete(upload)
    session.flush()
    changes: dict = {
        "kind": upload.kind.value,
        "filename": media.filename,
        "size": media.size,
    }
    if replaced is not None:
        changes["replaced"] = replaced
    record(
        session,
        actor=actor,
        action="replace_media" if previous is not None else "upload_media",
        entity_type="program",
        entity_id=program.id,
        changes=changes,
        organization_id=program.festival.organization_id,
        festival_id=program.festival_id,
        now=now,
    )
    enqueue(session, "process_media", {"media_id": media.id}, now=now)
    if old_keys:
        delete_after_commit(session, old_keys)
    return media


def delete_media(session: Session, *, media: Media, actor: User, now: datetime) -> None:
    """Delete a program's media file: its row, its stored files, audited. The caller has
    checked the permission; the media deadline is checked here."""
    program = media.program
    check_media_open(program.festival, actor, now)
    keys = _stored_keys(media)
    record(
        session,
        actor=actor,
        action="delete_media",
        entity_type="program",
        entity_id=program.id,
        changes={"kind": media.kind.value, "filename": media.filename, "size": media.size},
        organization_id=program.festival.organization_id,
        festival_id=program.festival_id,
        now=now,
    )
    session.delete(media)
    session.flush()
    delete_after_commit(session, keys)
