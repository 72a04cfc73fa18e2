"""What a program's media lack or exceed (API.md, "Media with each program"), as one pure
function in the every-problem-at-once style of the submission's eligibility rules.

A video or backing track still being processed has no length yet, so it is neither missing
nor too long; one that failed cannot be used, so it counts as missing where it is required.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l

from festival.media.models import Media, MediaKind, MediaStatus
from festival.programs.models import Program

VIDEO_MISSING = "video_missing"
BACKING_TRACK_MISSING = "backing_track_missing"
VIDEO_TOO_LONG = "video_too_long"
BACKING_TRACK_TOO_LONG = "backing_track_too_long"


@dataclass(frozen=True)
class MediaProblem:
    code: str
    message: LazyString | str


def whole_seconds(duration_seconds: float) -> int:
    """A length as it is shown and compared: rounded to the whole second."""
    return int(round(duration_seconds))


def running_time(seconds: int) -> LazyString:
    """``5 min 12 s`` (``5分12秒``); ``45 s`` under a minute."""
    minutes, rest = divmod(seconds, 60)
    if minutes == 0:
        return _l("%(s)d s", s=rest)
    return _l("%(min)d min %(s)d s", min=minutes, s=rest)


def _current(media: Sequence[Media], kind: MediaKind) -> Media | None:
    return next((item for item in media if item.kind == kind), None)


def _missing(item: Media | None) -> bool:
    return item is None or item.status == MediaStatus.failed


def _length(item: Media | None) -> int | None:
    """A ready file's length in whole seconds; None while processing, failed or unknown."""
    if item is None or item.status != MediaStatus.ready or item.duration_seconds is None:
        return None
    return whole_seconds(item.duration_seconds)


def media_problems(program: Program, media: Sequence[Media]) -> list[MediaProblem]:
    """Every way the program's media fall short of its category: a required video or backing
    track missing (or unusable), a ready video longer than the category allows, a ready track
    longer than the program; in that order, empty when all is well."""
    category = program.category
    video = _current(media, MediaKind.video)
    track = _current(media, MediaKind.backing_track)
    problems: list[MediaProblem] = []

    if category.requires_video and _missing(video):
        if video is None:
            message = _l(
                "%(category)s needs a video of each program for the screening; none has been "
                "uploaded yet.",
                category=category.name,
            )
        else:
            message = _l(
                "%(category)s needs a video of each program for the screening; the one uploaded "
                "could not be played, please upload it again.",
                category=category.name,
            )
        problems.append(MediaProblem(VIDEO_MISSING, message))
    if category.requires_backing_track and _missing(track):
        if track is None:
            message = _l(
                "%(category)s needs a backing track for each program; none has been uploaded yet.",
                category=category.name,
            )
        else:
            message = _l(
                "%(category)s needs a backing track for each program; the one uploaded could "
                "not be played, please upload it again.",
                category=category.name,
            )
        problems.append(MediaProblem(BACKING_TRACK_MISSING, message))

    video_length = _length(video)
    limit = category.max_duration_minutes
    if video_length is not None and limit is not None and video_length > limit * 60:
        problems.append(
            MediaProblem(
                VIDEO_TOO_LONG,
                lazy_ngettext(
                    "The video runs %(length)s; %(category)s allows at most %(num)d minute.",
                    "The video runs %(length)s; %(category)s allows at most %(num)d minutes.",
                    limit,
                    length=running_time(video_length),
                    category=category.name,
                ),
            )
        )
    track_length = _length(track)
    minutes = program.duration_minutes
    if track_length is not None and track_length > minutes * 60:
        problems.append(
            MediaProblem(
                BACKING_TRACK_TOO_LONG,
                lazy_ngettext(
                    "The backing track runs %(length)s, longer than the program's %(num)d minute.",
                    "The backing track runs %(length)s, longer than the program's %(num)d minutes.",
                    minutes,
                    length=running_time(track_length),
                ),
            )
        )
    return problems
