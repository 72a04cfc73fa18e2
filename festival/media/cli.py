"""``flask --app festival media cleanup``: remove abandoned uploads and their bytes."""

import click

from festival.core.clock import utcnow
from festival.db import db
from festival.media.uploads import remove_abandoned_uploads


@click.group("media")
def media_group():
    """Programs' videos and backing tracks."""


@media_group.command("cleanup")
def cleanup_command():
    """Remove uploads that received no byte for MEDIA_UPLOAD_EXPIRY_HOURS (24), and their
    bytes."""
    removed = remove_abandoned_uploads(db.session, now=utcnow())
    db.session.commit()
    click.echo(f"Removed {removed} abandoned upload(s).")
