"""The sound desk through HTTP: the playlist in running order (null where a program has no ready
track) at a constant number of queries, the ZIP of the tracks in running order with
missing.txt, streamed, and the sound desk page; organizers only."""

import io
import re
import types
import zipfile
from urllib.parse import quote

import pytest

from festival.judging import services as judging
from festival.media.models import MediaStatus
from festival.performance.sound_desk import PlaylistItem, entry_stem, safe_name
from tests import factories
from tests.media.sound_desk_world_e import NOW, add_track, make_mp3s, sound_day
from tests.performance.day_world import make_day

EN = {"Accept-Language": "en"}


@pytest.fixture(scope="session")
def mp3s(tmp_path_factory):
    return make_mp3s(tmp_path_factory.mktemp("sound-desk-mp3s"))


def test_playlist_is_in_running_order_with_null_where_no_track_is_ready(
    api, session, festival, organizer, mp3s
):
    round_, programs, media = sound_day(
        session, festival=festival, organizer=organizer, mp3s=mp3s[:2], without=(1, 3)
    )
    add_track(session, programs[3], mp3s[2], status=MediaStatus.processing)  # not ready yet
    session.commit()
    response = api.as_user(organizer).get(f"/api/v1/rounds/{round_.id}/playlist")
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [item["program_id"] for item in items] == [p.id for p in programs]
    assert [item["position"] for item in items] == [1, 2, 3, 4]
    assert items[0]["title"] == programs[0].title
    assert items[0]["troupe_name"] == programs[0].troupe.name
    assert items[1]["track"] is None and items[3]["track"] is None
    first = items[0]["track"]
    assert first["id"] == media[programs[0].id].id
    assert first["duration_seconds"] == 1.5
    played = api.client.get(first["playback_url"])
    assert played.status_code == 200
    assert played.get_data() == mp3s[0]


def test_playlist_costs_the_same_queries_for_three_and_twelve_programs(
    api, session, festival, organizer, mp3s, count_queries
):
    small, _, _ = sound_day(
        session, festival=festival, organizer=organizer, mp3s=mp3s[:2], without=(0,)
    )
    other = factories.make_festival(session, organization=festival.organization, name="Another")
    large, _, _ = sound_day(
        session,
        festival=other,
        organizer=organizer,
        mp3s=mp3s * 3,
        without=(1, 4, 7),
        prefix="Group",
    )
    client = api.as_user(organizer)
    counts = []
    for round_ in (small, large):
        with count_queries() as queries:
            assert client.get(f"/api/v1/rounds/{round_.id}/playlist").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_zip_holds_the_tracks_in_running_order_and_names_the_missing(
    client, session, festival, organizer, mp3s
):
    round_, programs, _ = sound_day(
        session, festival=festival, organizer=organizer, mp3s=mp3s, without=(2,)
    )
    programs[0].title = "黄梅戏/天仙配: 夫妻双双把家还?"
    session.commit()
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/tracks.zip", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = _zip(response)
    names = archive.namelist()
    assert names == [
        f"01 黄梅戏 天仙配 夫妻双双把家还 - {programs[0].troupe.name}.mp3",
        f"02 {programs[1].title} - {programs[1].troupe.name}.mp3",
        f"04 {programs[3].title} - {programs[3].troupe.name}.mp3",
        "missing.txt",
    ]
    assert archive.testzip() is None
    assert [archive.read(name) for name in names[:3]] == mp3s
    missing = archive.read("missing.txt").decode("utf-8-sig")
    assert missing.startswith("Programs without a backing track")
    assert f"03 {programs[2].title} - {programs[2].troupe.name}" in missing
    assert programs[1].title not in missing


def test_zip_is_streamed_and_named_in_chinese_with_an_ascii_fallback(
    client, session, festival, organizer, mp3s
):
    round_, _, _ = sound_day(session, festival=festival, organizer=organizer, mp3s=mp3s)
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/tracks.zip")
    assert response.is_streamed
    assert isinstance(response.response, types.GeneratorType) or not isinstance(
        response.response, (list, tuple, bytes)
    )
    disposition = response.headers["Content-Disposition"]
    assert f'filename="round-{round_.id}-tracks.zip"' in disposition
    assert quote(f"{festival.name} Final 伴奏.zip", safe="") in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = _zip(response)
    assert len(archive.namelist()) == 3  # every program has a track: no missing.txt
    for info in archive.infolist():
        assert info.compress_size <= info.file_size + 64  # stored, not squeezed


def test_sound_desk_page_lists_the_order_with_lengths_and_marks_programs_without_a_track(
    client, session, festival, organizer, mp3s
):
    round_, programs, _ = sound_day(
        session, festival=festival, organizer=organizer, mp3s=mp3s[:2], without=(1,)
    )
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/sound-desk", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Sound desk: Final" in html
    assert "0 / 2 loaded" in html
    assert html.count("data-url=") == 2
    assert html.count("No track: the troupe plays live or brought its own") == 1
    assert "Length 0:02" in html
    titles = re.findall(r'data-item data-title="《([^》]+)》"', html)
    assert titles == [p.title for p in programs]
    assert "<script>" not in html  # CSP: the script is a file
    assert "js/sound-desk.js" in html
    assert f"/rounds/{round_.id}/tracks.zip" in html


def test_performance_day_pages_link_to_the_sound_desk(client, session, festival, organizer):
    round_, _ = make_day(session, festival=festival, organizer=organizer, programs=2)
    client.login(organizer.username)
    for page in (f"/rounds/{round_.id}/stage", f"/rounds/{round_.id}"):
        html = client.get(page, headers=EN).get_data(as_text=True)
        assert f'href="/rounds/{round_.id}/sound-desk"' in html, page


def test_leaders_judges_and_strangers_are_refused(api, client, session, festival, organizer, mp3s):
    round_, programs, _ = sound_day(session, festival=festival, organizer=organizer, mp3s=mp3s[:1])
    leader = factories.make_user(session, role="leader")
    programs[0].troupe.leader_id = leader.id
    judge = factories.make_user(session, role="judge")
    judging.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    session.commit()
    pages = (f"/rounds/{round_.id}/sound-desk", f"/rounds/{round_.id}/tracks.zip")
    for page in pages:
        assert client.get(page).status_code == 302  # to the login
    assert api.get(f"/api/v1/rounds/{round_.id}/playlist").status_code == 401
    for user in (leader, judge):
        assert api.as_user(user).get(f"/api/v1/rounds/{round_.id}/playlist").status_code in (
            403,
            404,
        )
        client.login(user.username)
        for page in pages:
            assert client.get(page).status_code in (403, 404), (user.role, page)
        client.post_form("/logout")


def test_file_names_keep_chinese_and_drop_what_file_systems_refuse():
    assert safe_name('  ..茉莉花/开:"好"*?<>|\x00\t 歌  ') == "茉莉花 开 好 歌"
    assert safe_name("a" * 300) == "a" * 100
    item = PlaylistItem(position=7, program_id=1, title="../..", troupe_name="", track=None)
    assert entry_stem(item, 120) == "007 -"
