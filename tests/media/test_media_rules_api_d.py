"""The festival's media rules through the API and the pages: categories that ask for a video
or a backing track, the festival's media deadline, and a program's media problems."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from festival.festivals.models import Category, Festival
from festival.media.models import MediaKind
from tests import factories
from tests.media.media_world import add_media, demanding_festival

EN = {"Accept-Language": "en"}


def organizer_of(session, festival):
    return factories.make_user(session, role="organizer", organization=festival.organization)


def test_a_category_can_require_a_video_and_a_backing_track(session, api):
    festival = factories.make_festival(session, status="draft", categories=())
    client = api.as_user(organizer_of(session, festival))
    created = client.post(
        f"/api/v1/festivals/{festival.id}/categories",
        json={
            "name": "舞蹈",
            "max_duration_minutes": 5,
            "requires_video": True,
            "requires_backing_track": True,
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["requires_video"] is True and body["requires_backing_track"] is True
    plain = client.post(f"/api/v1/festivals/{festival.id}/categories", json={"name": "朗诵"})
    assert plain.status_code == 201
    assert plain.get_json()["requires_video"] is False
    assert plain.get_json()["requires_backing_track"] is False
    shown = client.get(f"/api/v1/festivals/{festival.id}").get_json()
    assert [
        (c["name"], c["requires_video"], c["requires_backing_track"]) for c in shown["categories"]
    ] == [
        ("舞蹈", True, True),
        ("朗诵", False, False),
    ]


def test_a_category_requirement_must_be_true_or_false(session, api):
    festival = factories.make_festival(session, status="draft", categories=())
    client = api.as_user(organizer_of(session, festival))
    refused = client.post(
        f"/api/v1/festivals/{festival.id}/categories",
        json={"name": "舞蹈", "requires_video": "perhaps"},
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"]["fields"]["requires_video"] == ["Enter true or false."]
    assert session.scalars(select(Category)).all() == []


def test_patch_sets_the_media_deadline_in_local_time_and_null_removes_it(session, api):
    festival = factories.make_festival(session)  # Asia/Shanghai, first and last day 2026-05-01
    client = api.as_user(organizer_of(session, festival))
    changed = client.patch(
        f"/api/v1/festivals/{festival.id}", json={"media_deadline": "2026-04-25T18:00:00"}
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["media_deadline"] == "2026-04-25T10:00:00Z"
    session.expire_all()
    assert session.get(Festival, festival.id).media_deadline == datetime(
        2026, 4, 25, 10, 0, tzinfo=UTC
    )
    other = client.patch(f"/api/v1/festivals/{festival.id}", json={"name": "Renamed"})
    assert other.get_json()["media_deadline"] == "2026-04-25T10:00:00Z"  # kept unless given
    cleared = client.patch(f"/api/v1/festivals/{festival.id}", json={"media_deadline": None})
    assert cleared.status_code == 200
    assert cleared.get_json()["media_deadline"] is None


def test_the_media_deadline_must_be_a_datetime_on_or_before_the_last_day(session, api):
    festival = factories.make_festival(session)
    client = api.as_user(organizer_of(session, festival))
    late = client.patch(
        f"/api/v1/festivals/{festival.id}", json={"media_deadline": "2026-05-02T09:00:00+08:00"}
    )
    assert late.status_code == 422
    assert late.get_json()["error"]["fields"]["media_deadline"] == [
        "The deadline for videos and backing tracks must be on or before the festival's last "
        "day (May 1, 2026)."
    ]
    garbled = client.patch(f"/api/v1/festivals/{festival.id}", json={"media_deadline": "soon"})
    assert garbled.status_code == 400
    assert garbled.get_json()["error"]["fields"]["media_deadline"] == [
        "Enter a date as YYYY-MM-DD (a datetime in ISO 8601)."
    ]
    session.expire_all()
    assert session.get(Festival, festival.id).media_deadline is None


def test_a_leader_may_not_set_the_media_deadline(session, api):
    festival = factories.make_festival(session)
    leader = factories.make_user(session, role="leader", organization=festival.organization)
    refused = api.as_user(leader).patch(
        f"/api/v1/festivals/{festival.id}", json={"media_deadline": "2026-04-25T18:00:00"}
    )
    assert refused.status_code in (403, 404)


def test_the_program_shows_every_media_problem_at_once(session, api):
    festival = demanding_festival(session)
    leader = factories.make_user(session, role="leader", organization=festival.organization)
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(
        session, festival=festival, troupe=troupe, title="春", duration_minutes=4
    )
    session.commit()
    for user in (organizer_of(session, festival), leader):
        body = api.as_user(user).get(f"/api/v1/programs/{program.id}").get_json()
        assert body["media_problems"] == [
            {
                "code": "video_missing",
                "message": "舞蹈 needs a video of each program for the screening; none has "
                "been uploaded yet.",
            },
            {
                "code": "backing_track_missing",
                "message": "舞蹈 needs a backing track for each program; none has been "
                "uploaded yet.",
            },
        ]
    add_media(session, program, MediaKind.video, 312.4)
    add_media(session, program, MediaKind.backing_track, 250)
    session.commit()
    body = api.as_user(leader).get(f"/api/v1/programs/{program.id}").get_json()
    assert body["media_problems"] == [
        {
            "code": "video_too_long",
            "message": "The video runs 5 min 12 s; 舞蹈 allows at most 5 minutes.",
        },
        {
            "code": "backing_track_too_long",
            "message": "The backing track runs 4 min 10 s, longer than the program's 4 minutes.",
        },
    ]


def test_no_media_problems_when_the_files_meet_the_rules(session, api):
    festival = demanding_festival(session)
    program = factories.make_program(session, festival=festival, duration_minutes=4)
    add_media(session, program, MediaKind.video, 290)
    add_media(session, program, MediaKind.backing_track, 235)
    session.commit()
    body = api.as_user(organizer_of(session, festival)).get(f"/api/v1/programs/{program.id}")
    assert body.get_json()["media_problems"] == []


# --- the pages ---------------------------------------------------------------------------------


def test_the_category_form_asks_for_video_and_backing_track(session, client):
    festival = factories.make_festival(session, status="draft", categories=())
    organizer = organizer_of(session, festival)
    session.commit()
    client.login(organizer.username)
    page = client.get(f"/festivals/{festival.id}", headers=EN).get_data(as_text=True)
    assert "Each program sends a video" in page and "Each program sends a backing track" in page
    added = client.post_form(
        f"/festivals/{festival.id}/categories",
        {
            "name": "舞蹈",
            "max_duration_minutes": "5",
            "min_age_share": "100",
            "requires_video": "y",
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    category = session.scalars(select(Category)).one()
    assert category.requires_video and not category.requires_backing_track
    page = client.get(f"/festivals/{festival.id}", headers=EN).get_data(as_text=True)
    assert '<span class="help category-media">each program sends a video</span>' in page


def test_the_festival_form_sets_the_media_deadline_and_leaders_see_it(session, client):
    festival = factories.make_festival(session)
    organizer = organizer_of(session, festival)
    leader = factories.make_user(session, role="leader", organization=festival.organization)
    session.commit()
    client.login(organizer.username)
    form = client.get(f"/festivals/{festival.id}/edit", headers=EN).get_data(as_text=True)
    assert "Deadline for videos and backing tracks" in form
    saved = client.post_form(
        f"/festivals/{festival.id}/edit",
        {
            "name": festival.name,
            "year": "2026",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-01",
            "submission_deadline": "2026-04-20T16:00",
            "timezone": "Asia/Shanghai",
            "min_performer_age": "60",
            "media_deadline": "2026-04-25T18:00",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    session.expire_all()
    assert session.get(Festival, festival.id).media_deadline == datetime(
        2026, 4, 25, 10, 0, tzinfo=UTC
    )
    client.post_form("/logout")
    client.login(leader.username)
    page = client.get(f"/festivals/{festival.id}", headers=EN).get_data(as_text=True)
    shown = re.search(r'<dd class="media-deadline">(.*?)</dd>', page, re.S)
    assert shown and "18:00" in shown.group(1) and "2026" in shown.group(1)


def test_the_program_page_lists_every_media_problem(session, client):
    festival = demanding_festival(session)
    program = factories.make_program(session, festival=festival, duration_minutes=4)
    add_media(session, program, MediaKind.video, 312)
    organizer = organizer_of(session, festival)
    session.commit()
    client.login(organizer.username)
    page = client.get(f"/programs/{program.id}", headers=EN).get_data(as_text=True)
    section = re.search(r'<section class="card media-problems".*?</section>', page, re.S).group(0)
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    assert items == [
        "舞蹈 needs a backing track for each program; none has been uploaded yet.",
        "The video runs 5 min 12 s; 舞蹈 allows at most 5 minutes.",
    ]
