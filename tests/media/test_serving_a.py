"""Serving media through signed addresses (HTTP): ranges, types, expiry, forgery, replacement."""

import os
from urllib.parse import quote

import pytest

from festival.media import signing
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.signing import media_url
from festival.media.storage import LocalStorage
from tests import factories
from tests.media.media_world import stored

DATA = os.urandom(3 * 1024 * 1024 + 123)  # more than one 1 MiB piece


@pytest.fixture(params=["local", "s3"])
def storage(request, install_storage, tmp_path):
    """Every serving rule held over both stores: local disk and S3 (moto's server)."""
    if request.param == "local":
        return install_storage(LocalStorage(tmp_path / "media"))
    return install_storage(request.getfixturevalue("s3_storage"))


@pytest.fixture
def media(session, storage):
    festival = factories.make_festival(session)
    program = factories.make_program(session, festival=festival)
    media = Media(
        program_id=program.id,
        kind=MediaKind.video,
        filename="红枫 舞蹈 final.MOV",
        size=len(DATA) + 5,
        original_key=stored(storage, "media/originals", "", DATA + b"extra"),
        playable_key=stored(storage, "media/playable", ".mp4", DATA),
        poster_key=stored(storage, "media/posters", ".jpg", b"\xff\xd8poster"),
        status=MediaStatus.ready,
        duration_seconds=2.0,
        uploaded_at=factories.NOW,
    )
    session.add(media)
    session.commit()
    return media


def _url(app, media: Media, what: str) -> str:
    with app.test_request_context():
        return media_url(media, what)


def test_range_answers_206_with_exactly_those_bytes(app, client, media):
    url = _url(app, media, "playback")
    assert url.startswith("/media/")
    response = client.get(url, headers={"Range": "bytes=1000-1048575"})
    assert response.status_code == 206
    assert response.data == DATA[1000:1048576]
    assert response.headers["Content-Range"] == f"bytes 1000-1048575/{len(DATA)}"
    assert response.headers["Content-Length"] == str(1048576 - 1000)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["Cache-Control"].startswith("private")
    assert "Content-Disposition" not in response.headers

    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == DATA[-10:]
    open_ended = client.get(url, headers={"Range": f"bytes={len(DATA) - 1_500_000}-"})
    assert open_ended.status_code == 206 and open_ended.data == DATA[-1_500_000:]


def test_whole_file_without_a_range(app, client, media):
    response = client.get(_url(app, media, "playback"))
    assert response.status_code == 200
    assert response.data == DATA
    assert response.headers["Accept-Ranges"] == "bytes"
    head = client.head(_url(app, media, "playback"))
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(DATA))


def test_unsatisfiable_range_is_416(app, client, media):
    url = _url(app, media, "playback")
    response = client.get(url, headers={"Range": f"bytes={len(DATA)}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert response.data == b""


def test_poster_and_track_types_and_the_original_as_an_attachment(
    app, client, media, session, storage
):
    poster = client.get(_url(app, media, "poster"))
    assert poster.status_code == 200 and poster.data == b"\xff\xd8poster"
    assert poster.headers["Content-Type"] == "image/jpeg"
    assert poster.headers["X-Content-Type-Options"] == "nosniff"

    original = client.get(_url(app, media, "download"))
    assert original.status_code == 200 and original.data == DATA + b"extra"
    assert original.headers["Content-Type"] == "application/octet-stream"
    disposition = original.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('红枫 舞蹈 final.MOV', safe='')}" in disposition
    assert 'filename="video.mov"' in disposition

    track = Media(
        program_id=media.program_id,
        kind=MediaKind.backing_track,
        filename='a"b\r\n.mp3',
        size=3,
        original_key=stored(storage, "media/originals", "", b"abc"),
        playable_key=stored(storage, "media/playable", ".mp3", b"ID3"),
        status=MediaStatus.ready,
        uploaded_at=factories.NOW,
    )
    session.add(track)
    session.commit()
    played = client.get(_url(app, track, "playback"))
    assert played.headers["Content-Type"] == "audio/mpeg" and played.data == b"ID3"
    header = client.get(_url(app, track, "download")).headers["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and 'filename="backing-track.mp3"' in header


def test_expired_address_is_refused(app, client, media, monkeypatch):
    url = _url(app, media, "playback")
    later = signing._clock() + app.config["MEDIA_URL_SECONDS"] + 2 * signing.STAMP_SECONDS
    monkeypatch.setattr(signing, "_clock", lambda: later)
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "expired" in response.get_data(as_text=True)


def test_forged_or_altered_addresses_are_not_found(app, client, media):
    url = _url(app, media, "playback")
    token = url.rsplit("/", 1)[1]
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.get(f"/media/{altered}").status_code == 404
    assert client.get("/media/not-a-token").status_code == 404
    # A token signed with another key (another site, or an old secret)
    app.config["SECRET_KEY"], secret = "another-secret", app.config["SECRET_KEY"]
    try:
        foreign = _url(app, media, "playback")
    finally:
        app.config["SECRET_KEY"] = secret
    assert client.get(foreign).status_code == 404
    assert client.get(url).status_code == 200


def test_replaced_or_deleted_files_old_address_stops_working(app, client, media, session, storage):
    old_playback = _url(app, media, "playback")
    old_download = _url(app, media, "download")
    media.playable_key = stored(storage, "media/playable", ".mp4", b"new copy")
    media.original_key = stored(storage, "media/originals", "", b"new original")
    session.commit()
    assert client.get(old_playback).status_code == 404
    assert client.get(old_download).status_code == 404
    assert client.get(_url(app, media, "playback")).data == b"new copy"

    poster = _url(app, media, "poster")
    session.delete(media)
    session.commit()
    assert client.get(poster).status_code == 404


def test_same_address_within_the_stamp_so_the_browser_caches(app, client, media):
    first = _url(app, media, "poster")
    assert _url(app, media, "poster") == first
    etag = client.get(first).headers["ETag"]
    cached = client.get(first, headers={"If-None-Match": etag})
    assert cached.status_code == 304
