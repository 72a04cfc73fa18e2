"""GET /api/v1/programs/{id}/media and DELETE /api/v1/media/{id} (HTTP): who sees which file
and its addresses, the JSON's shape, and who may delete until the media deadline."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.festivals.services import close_intake
from festival.judging import services as judging
from festival.media.models import Media, MediaKind, MediaStatus
from tests import factories
from tests.media.media_world import stored


@pytest.fixture
def world(session, storage):
    """A program of the leader's troupe with a ready video and a backing track still being
    processed, entered in a round judged by ``judge``; another festival's judge, leader and
    organizer."""
    office = factories.make_organization(session)
    festival = factories.make_festival(session, organization=office)
    users = {
        "leader": factories.make_user(session, role="leader"),
        "other_leader": factories.make_user(session, role="leader"),
        "judge": factories.make_user(session, role="judge"),
        "other_judge": factories.make_user(session, role="judge"),
        "organizer": factories.make_user(session, role="organizer", organization=office),
        "other_organizer": factories.make_user(session, role="organizer"),
    }
    troupe = factories.make_troupe(session, organization=office, leader=users["leader"])
    program = factories.make_program(session, festival=festival, troupe=troupe)
    close_intake(session, festival=festival, actor=users["organizer"], now=factories.NOW)
    round_ = judging.create_round(
        session,
        festival=festival,
        name="网络初评",
        criteria=[{"name": "表现", "max_score": 10}],
        actor=users["organizer"],
        now=factories.NOW,
    )
    judging.assign_judge(
        session,
        round_=round_,
        user_id=users["judge"].id,
        actor=users["organizer"],
        now=factories.NOW,
    )
    judging.add_entries(
        session,
        round_=round_,
        program_ids=[program.id],
        actor=users["organizer"],
        now=factories.NOW,
    )
    video = Media(
        program_id=program.id,
        kind=MediaKind.video,
        filename="红枫艺术团 舞蹈.mov",
        size=11,
        original_key=stored(storage, "media/originals", "", b"the original"),
        playable_key=stored(storage, "media/playable", ".mp4", b"the mp4"),
        poster_key=stored(storage, "media/posters", ".jpg", b"the poster"),
        status=MediaStatus.ready,
        duration_seconds=95.5,
        width=1280,
        height=720,
        uploaded_at=factories.NOW,
        processed_at=factories.NOW,
    )
    track = Media(
        program_id=program.id,
        kind=MediaKind.backing_track,
        filename="伴奏.wav",
        size=3,
        original_key=stored(storage, "media/originals", "", b"wav"),
        status=MediaStatus.processing,
        progress=40,
        uploaded_at=factories.NOW + timedelta(minutes=1),
    )
    session.add_all([video, track])
    session.commit()
    return users, program, video, track


def _items(api, user, program):
    response = api.as_user(user).get(f"/api/v1/programs/{program.id}/media")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


@pytest.mark.parametrize("role", ["leader", "organizer"])
def test_those_who_manage_see_both_files_with_every_address(api, world, role):
    users, program, video, track = world
    items = _items(api, users[role], program)
    assert [item["kind"] for item in items] == ["video", "backing_track"]
    first, second = items
    assert set(first) == {
        "id",
        "kind",
        "filename",
        "size",
        "status",
        "duration_seconds",
        "playback_url",
        "poster_url",
        "download_url",
        "uploaded_at",
    }
    assert first["id"] == video.id and first["filename"] == "红枫艺术团 舞蹈.mov"
    assert first["size"] == 11 and first["status"] == "ready"
    assert first["duration_seconds"] == 95.5
    assert first["uploaded_at"].startswith("2026-03-01T09:00:00")
    # Processing: its progress, the original only, no copy to play yet.
    assert set(second) == {
        "id",
        "kind",
        "filename",
        "size",
        "status",
        "progress",
        "download_url",
        "uploaded_at",
    }
    assert second["status"] == "processing" and second["progress"] == 40
    client = api.client
    assert client.get(first["playback_url"]).data == b"the mp4"
    assert client.get(first["poster_url"]).data == b"the poster"
    assert client.get(first["download_url"]).data == b"the original"
    assert client.get(second["download_url"]).data == b"wav"


def test_a_judge_of_the_round_sees_the_video_only_and_never_the_original(api, world):
    users, program, video, _track = world
    items = _items(api, users["judge"], program)
    assert len(items) == 1
    (item,) = items
    assert item["kind"] == "video" and item["id"] == video.id
    assert "download_url" not in item
    assert item["filename"] == "video.mov"  # a blind round's troupe is not in a file name
    assert api.client.get(item["playback_url"]).data == b"the mp4"
    assert api.client.get(item["poster_url"]).status_code == 200


def test_failed_processing_carries_its_code_and_message(api, world, session):
    users, program, video, _track = world
    video.status = MediaStatus.failed
    video.error_code = "not_media"
    video.error_message = "Invalid data found when processing input"
    video.playable_key = video.poster_key = None
    video.duration_seconds = None
    session.commit()
    (item, _) = _items(api, users["organizer"], program)
    assert item["status"] == "failed"
    assert item["error"] == {
        "code": "not_media",
        "message": "This file is not a video or audio file that can be played.",
    }
    assert "playback_url" not in item and "poster_url" not in item and "progress" not in item
    zh = api.as_user(users["organizer"], language="zh").get(f"/api/v1/programs/{program.id}/media")
    assert zh.get_json()["items"][0]["error"]["code"] == "not_media"


@pytest.mark.parametrize("role", ["other_leader", "other_judge", "other_organizer"])
def test_others_get_404_as_for_anything_they_cannot_see(api, world, role):
    users, program, video, _track = world
    caller = api.as_user(users[role])
    assert caller.get(f"/api/v1/programs/{program.id}/media").status_code == 404
    assert caller.delete(f"/api/v1/media/{video.id}").status_code == 404


def test_anonymous_callers_must_log_in(api, world):
    _users, program, video, _track = world
    assert api.get(f"/api/v1/programs/{program.id}/media").status_code == 401
    assert api.delete(f"/api/v1/media/{video.id}").status_code == 401
    assert api.get("/api/v1/programs/999999/media").status_code == 401


def test_unknown_program_or_media_is_404(api, world):
    users, *_ = world
    caller = api.as_user(users["organizer"])
    assert caller.get("/api/v1/programs/999999/media").status_code == 404
    assert caller.delete("/api/v1/media/999999").status_code == 404


def test_the_leader_deletes_before_the_deadline_and_it_is_audited(api, world, session, storage):
    users, program, video, _track = world
    url = _items(api, users["leader"], program)[0]["playback_url"]
    keys = [video.original_key, video.playable_key, video.poster_key]
    video_id, program_id, leader_id = video.id, program.id, users["leader"].id
    response = api.as_user(users["leader"]).delete(f"/api/v1/media/{video_id}")
    assert response.status_code == 204
    session.expire_all()
    assert session.get(Media, video_id) is None
    assert all(storage.size(key) is None for key in keys)
    assert api.client.get(url).status_code == 404
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete_media")).one()
    assert entry.actor_id == leader_id and entry.entity_id == program_id
    assert [item["kind"] for item in _items(api, users["leader"], program)] == ["backing_track"]


def test_after_the_media_deadline_only_organizers_delete(api, world, session):
    users, program, video, track = world
    program.festival.media_deadline = datetime.now(UTC) - timedelta(hours=1)
    session.commit()
    refused = api.as_user(users["leader"]).delete(f"/api/v1/media/{video.id}")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "media_closed"
    assert session.get(Media, video.id) is not None
    assert api.as_user(users["organizer"]).delete(f"/api/v1/media/{video.id}").status_code == 204


def test_a_judge_may_not_delete_the_video_they_see(api, world, session):
    users, program, video, track = world
    caller = api.as_user(users["judge"])
    assert caller.delete(f"/api/v1/media/{video.id}").status_code == 403
    assert caller.delete(f"/api/v1/media/{track.id}").status_code == 404
    session.expire_all()
    assert session.get(Media, video.id) is not None
