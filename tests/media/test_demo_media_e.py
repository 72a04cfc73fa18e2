"""The demo's media (issue 25): every district program carries a short video made with FFmpeg
at demo time (H.264/AAC MP4, index first, a poster) and all but one a backing track (MP3); the
categories require them, so 《天仙配·夫妻双双把家还》 lacks a track and 《老年颂》's video runs
too long; the performance day (复选) plays real tracks on the sound desk."""

import io
import time
import zipfile

import av
from sqlalchemy import select

from festival.demo import DEMO_PASSWORD
from festival.demo.festivals import DISTRICT_FESTIVAL
from festival.demo.media import NO_TRACK, TOO_LONG
from festival.festivals.models import Category, Festival
from festival.judging.models import Round
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.storage import get_storage
from festival.performance import sound_desk
from festival.programs.models import Program
from tests import factories

EN = {"Accept-Language": "en"}


def _bytes(key: str) -> bytes:
    storage = get_storage()
    return b"".join(bytes(chunk) for chunk in storage.read_range(key, 0, storage.size(key)))


def test_the_demo_programs_carry_videos_and_tracks_with_one_missing_and_one_too_long(
    app, session, client, tmp_path
):
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "12 media" not in result.output and "23 media" in result.output
    elapsed = time.perf_counter() - started

    district = session.execute(
        select(Festival).where(Festival.name == DISTRICT_FESTIVAL)
    ).scalar_one()
    categories = (
        session.execute(select(Category).where(Category.festival_id == district.id)).scalars().all()
    )
    assert all(c.requires_video for c in categories)
    assert {c.name for c in categories if c.requires_backing_track} == {
        "歌舞",
        "舞蹈",
        "戏曲",
        "朗诵",
    }

    media = session.execute(
        select(Media, Program).join(Program, Media.program_id == Program.id)
    ).all()
    videos = {program.title: m for m, program in media if m.kind == MediaKind.video}
    tracks = {program.title: m for m, program in media if m.kind == MediaKind.backing_track}
    assert len(videos) == 12 and len(tracks) == 11 and NO_TRACK not in tracks
    assert all(m.status == MediaStatus.ready for m, _ in media)

    long_one = videos[TOO_LONG]
    assert long_one.duration_seconds > 6 * 60

    # The files play as processing leaves them: H.264/AAC MP4 with the index first; MP3.
    sample = videos["和谐大家园"]
    data = _bytes(sample.playable_key)
    assert data.index(b"moov") < data.index(b"mdat")
    path = tmp_path / "v.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert 3.5 < container.duration / av.time_base < 4.6
    assert _bytes(sample.poster_key)[:2] == b"\xff\xd8"
    track = _bytes(tracks["和谐大家园"].playable_key)
    assert track[:3] == b"ID3" or track[0] == 0xFF

    # The problems show on the program, through the API, to the district office.
    token = app.test_client().post(
        "/api/v1/auth/tokens", json={"username": "district", "password": DEMO_PASSWORD}
    )
    api = factories.ApiClient(app, token.get_json()["token"], "en")
    programs = {
        p.title: p
        for p in session.execute(
            select(Program).where(Program.festival_id == district.id)
        ).scalars()
    }
    codes = {
        title: [
            p["code"]
            for p in api.get(f"/api/v1/programs/{programs[title].id}")
            .get_json()
            .get("media_problems", [])
        ]
        for title in (NO_TRACK, TOO_LONG, "和谐大家园")
    }
    assert codes[NO_TRACK] == ["backing_track_missing"]
    assert codes[TOO_LONG] == ["video_too_long"]
    assert codes["和谐大家园"] == []

    # The district's first round is screened by video: a judge's sheet plays each program's.
    first = session.execute(select(Round).where(Round.name == "初选")).scalar_one()
    assert first.by_video
    client.login("judge1", DEMO_PASSWORD)
    sheet = client.get(f"/rounds/{first.id}/sheet", headers=EN).get_data(as_text=True)
    assert sheet.count("<video") == 12

    # The performance day's sound desk has real tracks, and its ZIP holds them.
    [day] = session.execute(select(Round).where(Round.name == "复选")).scalars()
    items = api.get(f"/api/v1/rounds/{day.id}/playlist").get_json()["items"]
    assert len(items) == 8
    with_track = [item for item in items if item["track"]]
    assert len(with_track) >= 7
    assert [item["title"] for item in items if not item["track"]] in ([], [NO_TRACK])
    zipped = api.get(f"/rounds/{day.id}/tracks.zip")
    assert zipped.status_code == 302  # pages take a session's login, not a token
    listed = sound_desk.playlist(session, day.id)
    body = b"".join(
        sound_desk.tracks_zip(listed, get_storage(), missing=None, modified_at=district.created_at)
    )
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert len(archive.namelist()) == len(with_track)
    assert elapsed < 60  # the whole demo; its media add a few seconds
