"""What the media benches (bench.media, bench.uploads, bench.zips) set up alike: a scratch
folder with a generated world whose media live on the local disk in the folder, and ready
media rows for the files they store there."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from bench.data import BenchWorld
from bench.run import generate_world, make_app, prepare_database
from festival.core.clock import utcnow
from festival.db import db
from festival.media.models import Media, MediaKind, MediaStatus
from festival.programs.models import Program


@dataclass(frozen=True)
class MediaWorld:
    app: Flask
    world: BenchWorld
    workdir: Path
    url: str


@contextmanager
def media_world(name: str, programs: int, *, database_url: str | None) -> Iterator[MediaWorld]:
    """A world of ``programs`` programs on ``database_url`` (else a SQLite file in a scratch
    folder; a database is emptied only if its name contains 'bench'), storing media in the
    folder's media/; the folder is removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"festival-bench-{name}-"))
    try:
        url = database_url or f"sqlite:///{workdir / f'{name}.sqlite'}"
        app = make_app(url, workdir)
        app.config["MEDIA_STORAGE"] = "local"
        app.config["MEDIA_STORAGE_PATH"] = str(workdir / "media")
        prepare_database(app, allow_emptying=url.startswith("sqlite") or "bench" in url)
        world, _ = generate_world(app, programs)
        yield MediaWorld(app=app, world=world, workdir=workdir, url=url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def a_program_id(app: Flask) -> int:
    """One program of the world."""
    with app.app_context():
        program_id = db.session.scalars(db.select(Program.id).limit(1)).one()
        db.session.remove()
    return program_id


def ready_media(
    program_id: int,
    kind: MediaKind,
    filename: str,
    *,
    key: str,
    size: int,
    duration_seconds: float | None = None,
) -> Media:
    """A processed media row whose original and playable copy are the one stored file ``key``."""
    return Media(
        program_id=program_id,
        kind=kind,
        filename=filename,
        size=size,
        original_key=key,
        playable_key=key,
        status=MediaStatus.ready,
        duration_seconds=duration_seconds,
        uploaded_at=utcnow(),
    )
