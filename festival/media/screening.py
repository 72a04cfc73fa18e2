"""Screening by video (网络初评): the ready videos a judge's sheet shows beside the criteria,
with signed, expiring addresses; the receiver of the judging domain's signal, so that judging
never imports media. The sheet's own query decides which programs a judge sees (none they may
not score), and only those programs' videos are read here."""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.judging.models import Round, RoundEntry
from festival.judging.signals import sheet_videos_wanted
from festival.media.eligibility import running_time, whole_seconds
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.signing import media_url

# Up to this many programs are named in the query; a longer sheet (the API's, whole) reads the
# round's videos by the round's id instead, never a long IN list (DESIGN.md, rule 9).
NAMED_PROGRAMS_MAX = 100


@dataclass(frozen=True)
class SheetVideo:
    playback_url: str
    poster_url: str | None
    duration_seconds: float | None
    length: str  # "5 min 12 s" in the reader's language, "" when unknown


def sheet_videos(
    session: Session, round_: Round, program_ids: Collection[int]
) -> dict[int, SheetVideo]:
    """``{program id: video}`` for those of ``program_ids`` entered in the round that have a
    ready video; empty unless the round is screened by video. One query."""
    if not round_.by_video or not program_ids:
        return {}
    wanted = set(program_ids)
    query = (
        select(Media)
        .join(RoundEntry, RoundEntry.program_id == Media.program_id)
        .where(
            RoundEntry.round_id == round_.id,
            Media.kind == MediaKind.video,
            Media.status == MediaStatus.ready,
            Media.playable_key.is_not(None),
        )
    )
    if len(wanted) <= NAMED_PROGRAMS_MAX:
        query = query.where(Media.program_id.in_(sorted(wanted)))
    return {
        media.program_id: SheetVideo(
            playback_url=media_url(media, "playback"),
            poster_url=media_url(media, "poster") if media.poster_key else None,
            duration_seconds=media.duration_seconds,
            length=""
            if media.duration_seconds is None
            else str(running_time(whole_seconds(media.duration_seconds))),
        )
        for media in session.scalars(query)
        if media.program_id in wanted
    }


@sheet_videos_wanted.connect
def _videos_for_sheet(round_: Round, *, session: Session, program_ids: Collection[int]):
    return sheet_videos(session, round_, program_ids)
