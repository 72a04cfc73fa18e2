"""Screening by video: rounds with ``by_video``, the judge's sheet (API and page) with each
program's ready video beside the criteria and only for programs the judge may score; and the
organizer's program list with what the media lack, in a constant number of queries."""

import html as html_lib
import re

from sqlalchemy import select

from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Round
from festival.media.models import MediaKind, MediaStatus
from festival.media.signing import read_token
from tests import factories
from tests.media.media_world import add_media, demanding_festival

NOW = factories.NOW
EN = {"Accept-Language": "en"}


def screening(session, *, by_video: bool = True):
    """A round over four programs: a ready video, a video still processing, none, and a ready
    video of a program the judge has a conflict with."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    programs = [
        factories.make_program(session, festival=festival, title=title)
        for title in ("有视频", "处理中", "没视频", "回避")
    ]
    ready = add_media(session, programs[0], MediaKind.video, 187.6)
    add_media(session, programs[0], MediaKind.backing_track, 180)
    add_media(session, programs[1], MediaKind.video, None, MediaStatus.processing)
    conflicted = add_media(session, programs[3], MediaKind.video, 200)
    round_ = services.create_round(
        session,
        festival=festival,
        name="网络初评",
        criteria=[{"name": "艺术表现", "max_score": 100}],
        by_video=by_video,
        actor=organizer,
        now=NOW,
    )
    judge = factories.make_user(session, role="judge")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    judging_scores.declare_conflict(
        session,
        round_=round_,
        judge_id=judge.id,
        program_id=programs[3].id,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    return round_, programs, judge, ready, conflicted


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_round_is_created_by_video_through_the_api(session, api):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    client = api.as_user(organizer)
    created = client.post(
        f"/api/v1/festivals/{festival.id}/rounds",
        json={
            "name": "网络初评",
            "criteria": [{"name": "艺术", "max_score": 100}],
            "by_video": True,
        },
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["by_video"] is True
    assert session.scalars(select(Round)).one().by_video
    refused = client.post(
        f"/api/v1/festivals/{festival.id}/rounds",
        json={
            "name": "复评",
            "criteria": [{"name": "艺术", "max_score": 100}],
            "by_video": "yes please",
        },
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"]["by_video"] == ["Enter true or false."]


def test_the_round_form_sets_up_a_screening_by_video(session, client):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    session.commit()
    client.login(organizer.username)
    form = client.get(f"/festivals/{festival.id}/rounds", headers=EN).get_data(as_text=True)
    assert "Screening by video" in form
    created = client.post_form(
        f"/festivals/{festival.id}/rounds",
        {
            "name": "网络初评",
            "aggregation": "trimmed_mean",
            "criteria-0-name": "艺术表现",
            "criteria-0-max_score": "100",
            "criteria-0-weight": "1",
            "by_video": "y",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    round_ = session.scalars(select(Round)).one()
    assert round_.by_video
    setup = client.get(f"/rounds/{round_.id}", headers=EN).get_data(as_text=True)
    shown = re.search(r'<dd class="by-video">(.*?)</dd>', setup).group(1)
    assert html_lib.unescape(shown) == "Yes: each judge's sheet shows the programs' videos"


def test_the_sheet_api_gives_each_program_its_ready_video(session, api):
    round_, programs, judge, ready, conflicted = screening(session)
    body = api.as_user(judge).get(f"/api/v1/rounds/{round_.id}/sheet").get_json()
    videos = {item["title"]: item["video"] for item in body["items"]}
    assert set(videos) == {"有视频", "处理中", "没视频"}  # not the conflicted program
    assert videos["处理中"] is None and videos["没视频"] is None
    video = videos["有视频"]
    assert video["duration_seconds"] == 187.6
    playback, poster = (
        read_token(token_of(video["playback_url"])),
        read_token(token_of(video["poster_url"])),
    )
    assert (playback.media_id, playback.what) == (ready.id, "playback")
    assert (poster.media_id, poster.what) == (ready.id, "poster")


def test_a_judge_never_gets_the_video_of_a_program_they_may_not_score(session, api):
    round_, programs, judge, ready, conflicted = screening(session)
    answer = api.as_user(judge).get(f"/api/v1/rounds/{round_.id}/sheet")
    tokens = re.findall(r"/media/([^\"/]+)", answer.get_data(as_text=True))
    assert tokens and all(read_token(t).media_id != conflicted.id for t in tokens)
    assert all(item["program_id"] != programs[3].id for item in answer.get_json()["items"])


def test_a_round_not_by_video_has_no_videos_on_its_sheet(session, api):
    round_, programs, judge, ready, conflicted = screening(session, by_video=False)
    body = api.as_user(judge).get(f"/api/v1/rounds/{round_.id}/sheet").get_json()
    assert body["items"] and all("video" not in item for item in body["items"])
    assert "/media/" not in str(body)


def test_the_sheet_page_shows_the_video_beside_the_criteria(session, client):
    round_, programs, judge, ready, conflicted = screening(session)
    client.login(judge.username)
    page = client.get(f"/rounds/{round_.id}/sheet", headers=EN).get_data(as_text=True)
    players = re.findall(r"<video ([^>]*)>", page)
    assert len(players) == 1
    attributes = html_lib.unescape(players[0])
    assert 'controls preload="metadata" playsinline' in attributes
    src = re.search(r'src="([^"]+)"', attributes).group(1)
    poster = re.search(r'poster="([^"]+)"', attributes).group(1)
    assert read_token(token_of(src)).media_id == ready.id
    assert read_token(token_of(poster)).what == "poster"
    row = re.search(rf'<tr id="program-{programs[0].id}".*?</tr>', page, re.S).group(0)
    assert "<video " in row and "Length: 3 min 8 s" in row
    assert row.index("<video ") < row.index('name="score-')  # the video, then its criteria
    missing = re.search(rf'<tr id="program-{programs[2].id}".*?</tr>', page, re.S).group(0)
    assert "No video to watch yet" in missing
    assert "回避" not in page


def test_the_sheet_page_of_a_round_not_by_video_shows_no_video(session, client):
    round_, programs, judge, ready, conflicted = screening(session, by_video=False)
    client.login(judge.username)
    page = client.get(f"/rounds/{round_.id}/sheet", headers=EN).get_data(as_text=True)
    assert "<video" not in page and "No video to watch yet" not in page


def listed_festival(session, programs: int):
    festival = demanding_festival(session)
    made = [
        factories.make_program(session, festival=festival, duration_minutes=4, performers=1)
        for _ in range(programs)
    ]
    for index, program in enumerate(made):
        if index % 3 != 2:
            add_media(session, program, MediaKind.video, 400 if index % 3 == 0 else 200)
        if index % 3 == 1:
            add_media(session, program, MediaKind.backing_track, 300)
    return festival, made


def test_the_program_list_shows_what_each_program_lacks(session, client):
    festival, made = listed_festival(session, 3)
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    session.commit()
    client.login(organizer.username)
    page = client.get(f"/festivals/{festival.id}/programs", headers=EN).get_data(as_text=True)
    assert "Video and backing track" in page

    def cell(program):
        row = re.search(rf'programs/{program.id}".*?</tr>', page, re.S).group(0)
        return re.findall(r'<span class="badge media-problem[^"]*"[^>]*>(.*?)</span>', row)

    assert cell(made[0]) == ["No backing track", "Video too long"]
    assert cell(made[1]) == ["Track too long"]
    assert cell(made[2]) == ["No video", "No backing track"]


def test_the_program_list_costs_the_same_queries_for_3_and_12_programs(
    session, client, count_queries
):
    counts = []
    for size in (3, 12):
        festival, _made = listed_festival(session, size)
        organizer = factories.make_user(
            session, role="organizer", organization=festival.organization
        )
        session.commit()
        client.login(organizer.username)
        with count_queries() as queries:
            page = client.get(f"/festivals/{festival.id}/programs", headers=EN)
        assert page.status_code == 200
        assert page.get_data(as_text=True).count("No backing track") == (size // 3) * 2
        counts.append(len(queries))
    assert counts[0] == counts[1]
