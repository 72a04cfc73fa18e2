"""The sound desk (音控台) of the performance day, for the round's organizers: the page that
plays each program's backing track in running order (``/rounds/<id>/sound-desk``) and every
track in one ZIP (``/rounds/<id>/tracks.zip``), streamed from storage. The rows come from
``performance.sound_desk``."""

from flask import Blueprint, render_template
from flask_babel import gettext as _

from festival.core.clock import utcnow
from festival.db import db
from festival.judging.views import managed_round_or_404
from festival.media.signing import media_url
from festival.media.storage import get_storage
from festival.performance import sound_desk
from festival.web import downloads

bp = Blueprint("sound_desk", __name__)


@bp.get("/rounds/<int:round_id>/sound-desk")
def page(round_id: int):
    """The running order with each track's length; Play, Stop and Next; every track loaded
    ahead by the page's script so that the show goes on when the network drops."""
    round_ = managed_round_or_404(round_id)
    items = sound_desk.playlist(db.session, round_.id)
    response = render_template(
        "performance/sound_desk.html",
        round=round_,
        festival=round_.festival,
        items=items,
        urls={item.program_id: media_url(item.track, "playback") for item in items if item.track},
        tracks=sum(1 for item in items if item.track),
    )
    return response, 200, {"Cache-Control": "private, no-store"}


@bp.get("/rounds/<int:round_id>/tracks.zip")
def tracks_zip(round_id: int):
    """Every ready backing track in running order, ``01 title - troupe.mp3``, and
    ``missing.txt`` naming the programs without one; streamed in bounded memory."""
    round_ = managed_round_or_404(round_id)
    items = sound_desk.playlist(db.session, round_.id)
    missing = sound_desk.missing_text(
        items, _("Programs without a backing track (the troupe plays live or brought its own):")
    )
    body = sound_desk.tracks_zip(items, get_storage(), missing=missing, modified_at=utcnow())
    # Flask ends the request (and its database session) before the body is sent: the stream
    # reads only storage.
    return downloads.download(
        body,
        mimetype="application/zip",
        ascii_name=f"round-{round_.id}-tracks.zip",
        name=f"{round_.festival.name} {round_.name} 伴奏.zip",
    )
