"""Resumable uploads (tus 1.0 core, creation, termination) under /api/v1/uploads: the
protocol through the test client, and a real tus client (tuspy) against the live server,
cut half-way and resumed."""

import base64
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.db import db
from festival.jobs.models import Job
from festival.media.models import Media, MediaKind, MediaStatus, Upload
from festival.media.storage import get_storage
from festival.media.uploads import remove_abandoned_uploads
from tests import factories

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def metadata(**values) -> str:
    return ",".join(
        f"{key} {base64.b64encode(str(value).encode()).decode()}" for key, value in values.items()
    )


@pytest.fixture
def world(session, festival, organizer):
    leader = factories.make_user(session, role="leader", username="leader_b25")
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(session, festival=festival, troupe=troupe)
    other = factories.make_user(session, role="leader", username="other_b25")
    session.commit()
    return {
        "leader": leader,
        "organizer": organizer,
        "other": other,
        "program": program,
        "festival": festival,
    }


def creation_headers(program_id, *, length, kind="video", filename="舞蹈.mp4") -> dict:
    """The headers of a request that starts an upload of ``length`` bytes."""
    return {
        **TUS,
        "Upload-Length": str(length),
        "Upload-Metadata": metadata(program_id=program_id, kind=kind, filename=filename),
    }


def create(client, program_id, *, length, kind="video", filename="舞蹈.mp4", headers=None):
    started = creation_headers(program_id, length=length, kind=kind, filename=filename)
    return client.post("/api/v1/uploads", headers={**started, **(headers or {})})


def patch(client, location, offset, data, content_type=OCTETS, headers=None):
    return client.patch(
        location,
        data=data,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": content_type,
            **(headers or {}),
        },
    )


def head(api_client, location):
    """HEAD an upload's address with the caller's token."""
    return api_client.client.head(location, headers={**TUS, **api_client._headers(None)})


def close_media_intake(world, ago: timedelta) -> None:
    """The festival's media deadline passed ``ago``."""
    festival = db.session.get(type(world["festival"]), world["festival"].id)
    festival.media_deadline = datetime.now(UTC) - ago
    db.session.commit()


def test_options_tell_the_protocol_to_anyone(client):
    response = client.options("/api/v1/uploads")
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) >= {"creation", "termination"}
    assert int(response.headers["Tus-Max-Size"]) == 1024**3
    assert "Upload-Offset" in response.headers["Access-Control-Expose-Headers"]


def test_upload_in_pieces_becomes_the_programs_video_and_is_queued(api, world):
    leader_api = api.as_user(world["leader"])
    body = os.urandom(300_000)
    created = create(leader_api, world["program"].id, length=len(body), filename="../../etc/舞.mp4")
    assert created.status_code == 201, created.get_json()
    location = created.headers["Location"]
    assert location.startswith("/api/v1/uploads/")
    assert created.headers["Tus-Resumable"] == "1.0.0"
    offset = 0
    for start in range(0, len(body), 100_000):
        answer = patch(leader_api, location, offset, body[start : start + 100_000])
        assert answer.status_code == 204, answer.get_json()
        offset = int(answer.headers["Upload-Offset"])
        assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert offset == len(body)
    media = db.session.scalars(select(Media)).one()
    assert (media.program_id, media.kind, media.size) == (
        world["program"].id,
        MediaKind.video,
        len(body),
    )
    assert media.filename == "舞.mp4"  # shown, never a path
    assert "舞" not in media.original_key and "etc" not in media.original_key
    stored = b"".join(get_storage().read_range(media.original_key, 0, len(body)))
    assert stored == body
    job = db.session.scalars(select(Job)).one()
    assert job.kind == "process_media" and json.loads(job.payload) == {"media_id": media.id}
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "upload_media")).one()
    assert entry.entity_id == world["program"].id
    # the finished upload is gone: its address answers 404
    assert head(leader_api, location).status_code == 404


def test_a_second_upload_replaces_the_first_and_deletes_its_file(api, world):
    leader_api = api.as_user(world["leader"])
    keys = []
    for body in (b"a" * 1000, b"b" * 2000):
        location = create(leader_api, world["program"].id, length=len(body)).headers["Location"]
        assert patch(leader_api, location, 0, body).status_code == 204
        keys.append(db.session.scalars(select(Media)).one().original_key)
        db.session.remove()
    assert keys[0] != keys[1]
    assert get_storage().size(keys[0]) is None
    assert get_storage().size(keys[1]) == 2000
    assert db.session.scalars(select(Media)).one().size == 2000
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.in_(["upload_media", "replace_media"]))
    ).all()
    assert sorted(actions) == ["replace_media", "upload_media"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 2


def test_head_tells_the_offset_and_is_not_cached(api, world):
    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=10).headers["Location"]
    patch(leader_api, location, 0, b"12345")
    answer = head(leader_api, location)
    assert answer.status_code == 200
    assert answer.headers["Upload-Offset"] == "5"
    assert answer.headers["Upload-Length"] == "10"
    assert "no-store" in answer.headers["Cache-Control"]
    assert answer.headers["Tus-Resumable"] == "1.0.0"


def test_too_large_is_refused_before_any_byte(api, world, english_messages):
    leader_api = api.as_user(world["leader"])
    answer = create(leader_api, world["program"].id, length=1024**3 + 1)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_large"
    answer = create(leader_api, world["program"].id, length=50_000_001, kind="backing_track")
    assert answer.status_code == 413
    assert "at most 50 MB." in answer.get_json()["error"]["message"]
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert (
        create(leader_api, world["program"].id, length=50_000_000, kind="backing_track").status_code
        == 201
    )


def test_more_bytes_than_the_length_are_refused(api, world):
    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=4).headers["Location"]
    assert patch(leader_api, location, 0, b"12345").status_code == 413


def test_a_wrong_offset_is_a_conflict(api, world):
    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=10).headers["Location"]
    assert patch(leader_api, location, 0, b"123").status_code == 204
    answer = patch(leader_api, location, 0, b"123")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "conflict"
    answer = patch(leader_api, location, 5, b"45")
    assert answer.status_code == 409
    assert patch(leader_api, location, 3, b"4567890").status_code == 204


def test_missing_or_wrong_tus_version_is_412_and_wrong_content_type_415(api, world):
    leader_api = api.as_user(world["leader"])
    program_id = world["program"].id
    without_version = creation_headers(program_id, length=5, filename="a")
    del without_version["Tus-Resumable"]
    answer = leader_api.post("/api/v1/uploads", headers=without_version)
    assert answer.status_code == 412
    assert answer.headers["Tus-Version"] == "1.0.0"
    answer = create(leader_api, program_id, length=5, headers={"Tus-Resumable": "0.2.2"})
    assert answer.status_code == 412
    location = create(leader_api, program_id, length=5).headers["Location"]
    assert (
        patch(leader_api, location, 0, b"12345", headers={"Tus-Resumable": ""}).status_code == 412
    )
    answer = patch(leader_api, location, 0, b"12345", content_type="application/octet-stream")
    assert answer.status_code == 415
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert patch(leader_api, location, 0, b"12345").status_code == 204


def test_bad_creation_requests(api, world):
    leader_api = api.as_user(world["leader"])
    program_id = world["program"].id
    without_length = creation_headers(program_id, length=5, filename="a")
    del without_length["Upload-Length"]
    assert leader_api.post("/api/v1/uploads", headers=without_length).status_code == 400
    assert create(leader_api, program_id, length=5, kind="poster").status_code == 422
    assert create(leader_api, 99999999999, length=5).status_code == 400
    assert create(leader_api, 999999, length=5).status_code == 404
    garbled = leader_api.post(
        "/api/v1/uploads", headers={**TUS, "Upload-Length": "5", "Upload-Metadata": "kind !!!"}
    )
    assert garbled.status_code == 400


def test_delete_removes_the_upload_and_its_bytes(api, world):
    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=10).headers["Location"]
    patch(leader_api, location, 0, b"12345")
    key = db.session.scalars(select(Upload)).one().storage_key
    db.session.remove()
    assert get_storage().size(key) == 5
    answer = leader_api.delete(location, headers=TUS)
    assert answer.status_code == 204
    assert answer.headers["Tus-Resumable"] == "1.0.0"
    assert get_storage().size(key) is None
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert db.session.scalar(select(func.count()).select_from(Media)) == 0
    assert leader_api.delete(location, headers=TUS).status_code == 404


def test_only_its_creator_reaches_an_upload(api, world, client):
    location = create(api.as_user(world["leader"]), world["program"].id, length=10).headers[
        "Location"
    ]
    for user in (world["other"], world["organizer"]):
        other_api = api.as_user(user)
        assert head(other_api, location).status_code == 404
        assert patch(other_api, location, 0, b"12").status_code == 404
        assert other_api.delete(location, headers=TUS).status_code == 404
    assert client.head(location, headers=TUS).status_code == 401
    # another troupe's leader may not start one for this program either, nor anyone anonymous
    assert create(api.as_user(world["other"]), world["program"].id, length=5).status_code == 404
    assert create(client, world["program"].id, length=5).status_code == 401


def test_after_the_media_deadline_leaders_are_refused_and_organizers_allowed(
    api, world, english_messages
):
    close_media_intake(world, timedelta(hours=1))
    leader_api = api.as_user(world["leader"])
    answer = create(leader_api, world["program"].id, length=5)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "media_closed"
    organizer_api = api.as_user(world["organizer"])
    location = create(organizer_api, world["program"].id, length=5).headers["Location"]
    assert patch(organizer_api, location, 0, b"12345").status_code == 204
    assert db.session.scalars(select(Media)).one().uploaded_by_id == world["organizer"].id


def test_an_upload_begun_before_the_deadline_cannot_be_finished_after_it(api, world):
    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=10).headers["Location"]
    close_media_intake(world, timedelta(minutes=1))
    answer = patch(leader_api, location, 0, b"1234567890")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "media_closed"


def test_session_cookie_uploads_need_the_csrf_token(client, world):
    client.login(world["leader"].username)
    program_id = world["program"].id
    assert create(client.raw, program_id, length=5).status_code == 400  # no CSRF token
    token = client.csrf_token()
    answer = create(client.raw, program_id, length=5, headers={"X-CSRFToken": token})
    assert answer.status_code == 201
    location = answer.headers["Location"]
    assert patch(client.raw, location, 0, b"12345").status_code == 400
    assert (
        patch(client.raw, location, 0, b"12345", headers={"X-CSRFToken": token}).status_code == 204
    )
    assert db.session.scalar(select(func.count()).select_from(Media)) == 1


def test_a_large_piece_streams_past_the_request_limits(api, world, app):
    """A PATCH far larger than MAX_CONTENT_LENGTH (6 MB) and API_MAX_BODY_BYTES (1 MB)."""
    leader_api = api.as_user(world["leader"])
    size = 7 * 1024 * 1024 + 3
    location = create(leader_api, world["program"].id, length=size).headers["Location"]
    answer = patch(leader_api, location, 0, b"x" * size)
    assert answer.status_code == 204, answer.get_data(as_text=True)
    assert db.session.scalars(select(Media)).one().size == size


def test_abandoned_uploads_are_removed_with_their_bytes(api, world, app):
    leader_api = api.as_user(world["leader"])
    old = create(leader_api, world["program"].id, length=10).headers["Location"]
    patch(leader_api, old, 0, b"123")
    fresh = create(leader_api, world["program"].id, length=10).headers["Location"]
    uploads = {u.id: u for u in db.session.scalars(select(Upload))}
    old_upload = uploads[old.rsplit("/", 1)[1]]
    old_key = old_upload.storage_key
    old_upload.updated_at = datetime.now(UTC) - timedelta(hours=25)
    uploads[fresh.rsplit("/", 1)[1]].updated_at = datetime.now(UTC) - timedelta(hours=23)
    db.session.commit()
    assert remove_abandoned_uploads(db.session, now=datetime.now(UTC)) == 1
    db.session.commit()
    assert [u.id for u in db.session.scalars(select(Upload))] == [fresh.rsplit("/", 1)[1]]
    assert get_storage().size(old_key) is None


def test_cleanup_command(app, world, api):
    leader_api = api.as_user(world["leader"])
    create(leader_api, world["program"].id, length=10)
    upload = db.session.scalars(select(Upload)).one()
    upload.updated_at = datetime.now(UTC) - timedelta(hours=30)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["media", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "Removed 1" in result.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


# -- a real tus client against the live server ------------------------------------------


def test_tuspy_uploads_in_chunks_is_cut_and_resumes(live_server, api, world, tmp_path):
    from tusclient import client as tus_client
    from tusclient.uploader import Uploader

    leader_api = api.as_user(world["leader"])
    body = os.urandom(256 * 1024 + 17)
    source = tmp_path / "rehearsal.mp4"
    source.write_bytes(body)
    tus = tus_client.TusClient(
        live_server + "/api/v1/uploads", headers={"Authorization": f"Bearer {leader_api.token}"}
    )
    meta = {"program_id": str(world["program"].id), "kind": "video", "filename": "rehearsal.mp4"}
    first = tus.uploader(str(source), chunk_size=64 * 1024, metadata=meta)
    first.upload(stop_at=128 * 1024)  # the connection is "cut" after two chunks
    assert first.offset == 128 * 1024
    assert db.session.scalar(select(func.count()).select_from(Media)) == 0
    db.session.remove()

    # a new client, knowing only the upload's address, asks where it stands and goes on
    second = Uploader(
        file_path=str(source), url=first.url, client=tus, chunk_size=64 * 1024, metadata=meta
    )
    assert second.get_offset() == 128 * 1024
    second.offset = second.get_offset()
    second.upload()
    assert second.offset == len(body)

    media = db.session.scalars(select(Media)).one()
    assert media.size == len(body) and media.filename == "rehearsal.mp4"
    assert b"".join(get_storage().read_range(media.original_key, 0, len(body))) == body
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, json.loads(job.payload)) == ("process_media", {"media_id": media.id})


def test_a_connection_cut_mid_piece_keeps_what_arrived(live_server, api, world):
    """The client sends half of a piece and the connection drops: the bytes that arrived are
    kept, HEAD says so, and the upload continues from there."""
    import socket
    import time
    from urllib.parse import urlsplit

    import requests

    leader_api = api.as_user(world["leader"])
    auth = {"Authorization": f"Bearer {leader_api.token}", **TUS}
    body = os.urandom(200_000)
    created = requests.post(
        live_server + "/api/v1/uploads",
        headers={
            **auth,
            **creation_headers(
                world["program"].id, length=len(body), kind="backing_track", filename="伴奏.mp3"
            ),
        },
        timeout=10,
    )
    assert created.status_code == 201
    location = created.headers["Location"]
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        request_head = (
            f"PATCH {location} HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Authorization: {auth['Authorization']}\r\nTus-Resumable: 1.0.0\r\n"
            f"Upload-Offset: 0\r\nContent-Type: {OCTETS}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        sock.sendall(request_head.encode() + body[:120_000])
        time.sleep(0.3)
    offset = 0
    for _ in range(50):  # the server notices the cut when its read comes up short
        answer = requests.head(live_server + location, headers=auth, timeout=10)
        offset = int(answer.headers["Upload-Offset"])
        if offset == 120_000:
            break
        time.sleep(0.1)
    assert offset == 120_000
    rest = requests.patch(
        live_server + location,
        data=body[offset:],
        headers={**auth, "Upload-Offset": str(offset), "Content-Type": OCTETS},
        timeout=10,
    )
    assert rest.status_code == 204
    db.session.remove()
    media = db.session.scalars(select(Media)).one()
    assert media.kind is MediaKind.backing_track
    assert b"".join(get_storage().read_range(media.original_key, 0, len(body))) == body


# -- the program's page ------------------------------------------------------------------


def test_the_program_page_offers_uploads_to_those_who_manage_its_media(client, world):
    client.login(world["leader"].username)
    page = client.get(
        f"/programs/{world['program'].id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Video and backing track" in page
    assert 'data-endpoint="/api/v1/uploads"' in page
    assert page.count("data-media-file") == 2
    assert 'data-kind="video"' in page and 'data-kind="backing_track"' in page
    assert "At most 1 GB." in page and "At most 50 MB." in page
    assert "/static/vendor/tus/tus.min.js" in page and "/static/js/media-upload.js" in page
    assert "<script>" not in page  # no inline script: the CSP allows only our files


def test_the_program_page_shows_the_current_file_and_the_closed_deadline(client, world, session):
    media = Media(
        program_id=world["program"].id,
        kind=MediaKind.backing_track,
        filename="<b>伴奏</b>.mp3",
        size=10,
        original_key="originals/0123",
        duration_seconds=125.4,
        uploaded_at=datetime.now(UTC),
    )
    session.add(media)
    close_media_intake(world, timedelta(days=1))
    client.login(world["leader"].username)
    page = client.get(
        f"/programs/{world['program'].id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "&lt;b&gt;伴奏&lt;/b&gt;.mp3" in page and "<b>伴奏" not in page
    assert "2:05" in page and "Uploaded, being prepared" in page
    assert "The deadline for videos and backing tracks has passed" in page
    assert "data-media-file" not in page
    client.post_form("/logout")
    client.login(world["organizer"].username)
    page = client.get(f"/programs/{world['program'].id}").get_data(as_text=True)
    assert page.count("data-media-file") == 2  # organizers may still change them


@pytest.mark.parametrize(
    ("status", "progress", "error_code", "shown"),
    [
        (MediaStatus.processing, 40, None, "40% prepared"),
        (MediaStatus.failed, None, "not_media", "not a video or audio file"),
    ],
)
def test_the_program_page_says_how_far_a_file_is_prepared_or_why_not(
    client, world, session, status, progress, error_code, shown
):
    session.add(
        Media(
            program_id=world["program"].id,
            kind=MediaKind.video,
            filename="phone.mp4",
            size=10,
            original_key="originals/4567",
            status=status,
            progress=progress,
            error_code=error_code,
            uploaded_at=datetime.now(UTC),
        )
    )
    session.commit()
    client.login(world["leader"].username)
    page = client.get(
        f"/programs/{world['program'].id}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert f'data-status="{status.value}"' in page
    detail = page.split("data-media-detail", 1)[1].split("</p>", 1)[0]
    assert shown in detail and " hidden" not in detail.split(">", 1)[0]
    # The page follows the file through the media API, which the leader may read.
    assert f'data-media-url="/api/v1/programs/{world["program"].id}/media"' in page


def test_replaced_files_are_deleted_only_when_the_change_commits(app, world, api):
    from festival.media.services import complete_upload

    leader_api = api.as_user(world["leader"])
    location = create(leader_api, world["program"].id, length=3).headers["Location"]
    patch(leader_api, location, 0, b"old")
    old_key = db.session.scalars(select(Media)).one().original_key
    db.session.remove()
    location = create(leader_api, world["program"].id, length=3).headers["Location"]
    upload = db.session.get(Upload, location.rsplit("/", 1)[1])
    get_storage().append(upload.storage_key, 0, [b"new"])
    upload.upload_offset = 3
    leader = db.session.get(type(world["leader"]), world["leader"].id)
    complete_upload(db.session, upload=upload, actor=leader, now=datetime.now(UTC))
    db.session.rollback()  # the replacement failed: the old file stays with its row
    assert get_storage().size(old_key) == 3
    assert db.session.scalars(select(Media)).one().original_key == old_key
    upload = db.session.get(Upload, location.rsplit("/", 1)[1])
    upload.upload_offset = 3
    media = complete_upload(db.session, upload=upload, actor=leader, now=datetime.now(UTC))
    assert get_storage().size(old_key) == 3  # not before the commit
    db.session.commit()
    assert get_storage().size(old_key) is None
    assert get_storage().size(media.original_key) == 3
