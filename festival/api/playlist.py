"""The sound desk's playlist: GET /api/v1/rounds/{id}/playlist."""

from pydantic import BaseModel

from festival.api.envelope import respond
from festival.api.registry import endpoint
from festival.api.rounds import managed_round
from festival.db import db
from festival.media.signing import media_url
from festival.performance import sound_desk


class TrackOut(BaseModel):
    id: int
    duration_seconds: float | None
    playback_url: str


class PlaylistItemOut(BaseModel):
    position: int
    program_id: int
    title: str
    troupe_name: str
    track: TrackOut | None


class PlaylistOut(BaseModel):
    items: list[PlaylistItemOut]


def playlist_out(items: list[sound_desk.PlaylistItem]) -> PlaylistOut:
    return PlaylistOut(
        items=[
            PlaylistItemOut(
                position=item.position,
                program_id=item.program_id,
                title=item.title,
                troupe_name=item.troupe_name,
                track=None
                if item.track is None
                else TrackOut(
                    id=item.track.id,
                    duration_seconds=item.track.duration_seconds,
                    playback_url=media_url(item.track, "playback"),
                ),
            )
            for item in items
        ]
    )


@endpoint(
    "/rounds/<int:round_id>/playlist",
    "GET",
    summary="The sound desk's playlist: each program's ready backing track in running order",
    who="the round's organizers",
    response=PlaylistOut,
    errors=(401, 403, 404),
)
def get_playlist(round_id: int):
    """``track`` is null for a program without a ready backing track (it plays live, brings
    its own, or its track is still processing)."""
    round_ = managed_round(round_id)
    return respond(playlist_out(sound_desk.playlist(db.session, round_.id)))
