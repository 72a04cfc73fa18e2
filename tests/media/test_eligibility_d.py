"""What a program's media lack or exceed, as a pure function (no database)."""

from datetime import UTC, datetime

import pytest

from festival import create_app
from festival.festivals.models import Category
from festival.media.eligibility import media_problems
from festival.media.models import Media, MediaKind, MediaStatus
from festival.programs.models import Program

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def english(tmp_path):
    """A request context in English, to turn lazy messages into text."""
    app = create_app({"SECRET_KEY": "t"}, instance_path=str(tmp_path))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def program(
    *, video: bool = False, track: bool = False, max_minutes: int | None = 5, minutes: int = 4
) -> Program:
    category = Category(
        name="Dance",
        max_duration_minutes=max_minutes,
        requires_video=video,
        requires_backing_track=track,
    )
    return Program(title="Spring", category=category, duration_minutes=minutes)


def media(kind: MediaKind, seconds: float | None, status=MediaStatus.ready) -> Media:
    return Media(
        kind=kind,
        filename="clip.mp4",
        size=1000,
        original_key="originals/x",
        status=status,
        duration_seconds=seconds,
        uploaded_at=NOW,
    )


def found(problems) -> list[tuple[str, str]]:
    return [(p.code, str(p.message)) for p in problems]


def test_a_required_video_that_was_never_uploaded_is_missing(english):
    assert found(media_problems(program(video=True), [])) == [
        (
            "video_missing",
            "Dance needs a video of each program for the screening; none has been uploaded yet.",
        )
    ]


def test_a_required_backing_track_that_was_never_uploaded_is_missing(english):
    assert found(media_problems(program(track=True), [])) == [
        (
            "backing_track_missing",
            "Dance needs a backing track for each program; none has been uploaded yet.",
        )
    ]


def test_a_failed_file_counts_as_missing_and_asks_for_another(english):
    failed = media(MediaKind.video, None, MediaStatus.failed)
    (problem,) = media_problems(program(video=True), [failed])
    assert problem.code == "video_missing"
    assert "could not be played, please upload it again" in str(problem.message)


def test_a_video_longer_than_the_category_allows_is_too_long(english):
    assert found(media_problems(program(), [media(MediaKind.video, 312.2)])) == [
        ("video_too_long", "The video runs 5 min 12 s; Dance allows at most 5 minutes.")
    ]


def test_a_track_longer_than_the_program_is_too_long(english):
    track = media(MediaKind.backing_track, 4 * 60 + 30)
    assert found(media_problems(program(minutes=4), [track])) == [
        (
            "backing_track_too_long",
            "The backing track runs 4 min 30 s, longer than the program's 4 minutes.",
        )
    ]


def test_every_problem_at_once_in_order(english):
    problems = media_problems(program(video=True, track=True), [])
    assert [p.code for p in problems] == ["video_missing", "backing_track_missing"]
    both_long = [media(MediaKind.backing_track, 600), media(MediaKind.video, 400)]
    problems = media_problems(program(video=True, track=True), both_long)
    assert [p.code for p in problems] == ["video_too_long", "backing_track_too_long"]
    one_of_each = [media(MediaKind.video, 400)]
    problems = media_problems(program(video=True, track=True), one_of_each)
    assert [p.code for p in problems] == ["backing_track_missing", "video_too_long"]


def test_nothing_when_the_rules_are_met(english):
    within = [media(MediaKind.video, 300.4), media(MediaKind.backing_track, 240)]
    assert media_problems(program(video=True, track=True), within) == []
    assert media_problems(program(), []) == []  # nothing required, nothing sent


def test_no_limit_means_no_video_is_too_long(english):
    assert media_problems(program(max_minutes=None), [media(MediaKind.video, 3600)]) == []


def test_a_video_still_processing_is_neither_missing_nor_judged_too_long(english):
    processing = [
        media(MediaKind.video, None, MediaStatus.processing),
        media(MediaKind.backing_track, 9000, MediaStatus.processing),
    ]
    assert media_problems(program(video=True, track=True), processing) == []


def test_one_minute_is_singular(english):
    (problem,) = media_problems(program(max_minutes=1, minutes=1), [media(MediaKind.video, 75)])
    assert str(problem.message) == "The video runs 1 min 15 s; Dance allows at most 1 minute."
    (problem,) = media_problems(program(minutes=1), [media(MediaKind.backing_track, 61)])
    assert str(problem.message) == (
        "The backing track runs 1 min 1 s, longer than the program's 1 minute."
    )
