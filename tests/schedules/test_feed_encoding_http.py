"""The feeds' two representations: plain and gzip, each with its own ETag, negotiated by
``Accept-Encoding``, both kept per version apart from the state a poll reads."""

import gzip

import pytest
from werkzeug.http import http_date

from festival.schedules.feed_views import accepts_gzip
from tests import factories

WEEKLY = {
    "title": "每周集体训练",
    "kind": "training",
    "starts_at": "2027-05-01T09:00:00",
    "ends_at": "2027-05-01T11:00:00",
    "location": "崇川区文化馆广场",
    "rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030",
    "public": True,
}
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PLAIN_HEADERS = [
    {},
    {"Accept-Encoding": "identity"},
    {"Accept-Encoding": "gzip;q=0"},
    {"Accept-Encoding": "gzip;q=0, identity"},
    {"Accept-Encoding": "br"},
    {"Accept-Encoding": "*;q=1, gzip;q=0"},
]


def troupe_feed_path(session, api) -> str:
    """A troupe's feed (its secret URL) with one weekly training in it."""
    leader = factories.make_user(session, role="leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    session.commit()
    caller = api.as_user(leader)
    assert caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY).status_code == 201
    url = caller.get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()["url"]
    return url.removeprefix("http://localhost")


def festival_feed_path(api, festival, organizer) -> str:
    """A festival's public feed with one public weekly training in it."""
    caller = api.as_user(organizer)
    assert caller.post(f"/api/v1/festivals/{festival.id}/events", json=WEEKLY).status_code == 201
    return f"/festivals/{festival.slug}/calendar.ics"


@pytest.fixture(params=["troupe", "festival"])
def feed_path(request, session, api, festival, organizer) -> str:
    if request.param == "troupe":
        return troupe_feed_path(session, api)
    return festival_feed_path(api, festival, organizer)


def test_a_client_accepting_gzip_gets_the_gzip_copy_of_the_plain_bytes(client, feed_path):
    plain = client.get(feed_path)
    zipped = client.get(feed_path, headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Type"] == plain.headers["Content-Type"]
    assert gzip.decompress(zipped.data) == plain.data
    assert b"BEGIN:VCALENDAR" in plain.data
    assert len(zipped.data) < len(plain.data)


def test_the_gzip_copy_is_made_once_per_version_and_the_same_bytes_each_time(client, feed_path):
    first = client.get(feed_path, headers=GZIP)  # built now
    second = client.get(feed_path, headers=GZIP)  # from the kept copy
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert gzip.decompress(second.data) == client.get(feed_path).data


@pytest.mark.parametrize("headers", PLAIN_HEADERS)
def test_a_client_that_does_not_accept_gzip_gets_the_plain_bytes(client, feed_path, headers):
    expected = client.get(feed_path).data
    response = client.get(feed_path, headers=headers)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == expected
    assert response.data.startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("GZIP ; Q=0.000", False),
        ("gzip;q=0, *", False),
        ("*;q=0", False),
        ("gzip;q=banana", False),
        ("gzip", True),
        ("x-gzip", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("*", True),
        ("identity, *;q=0.5", True),
    ],
)
def test_accept_encoding_q_values_decide_gzip(header, accepted):
    assert accepts_gzip(header) is accepted


def test_every_feed_answer_varies_with_accept_encoding(client, feed_path):
    plain = client.get(feed_path)
    zipped = client.get(feed_path, headers=GZIP)
    answers = [
        plain,
        zipped,
        client.get(feed_path, headers={"If-None-Match": plain.headers["ETag"]}),
        client.get(feed_path, headers={**GZIP, "If-None-Match": zipped.headers["ETag"]}),
        client.head(feed_path),
        client.head(feed_path, headers=GZIP),
        client.get(feed_path + "?download=1"),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 304, 304, 200, 200, 200]
    assert all(answer.headers["Vary"] == "Accept-Encoding" for answer in answers)


def test_the_two_representations_have_different_strong_etags(client, feed_path):
    plain = client.get(feed_path).headers["ETag"]
    zipped = client.get(feed_path, headers=GZIP).headers["ETag"]
    assert plain != zipped
    assert not plain.startswith("W/") and not zipped.startswith("W/")
    assert zipped == plain[:-1] + '-gz"'


def test_each_representation_answers_304_to_its_own_etag_only(client, feed_path):
    plain = client.get(feed_path).headers["ETag"]
    zipped = client.get(feed_path, headers=GZIP).headers["ETag"]

    own_plain = client.get(feed_path, headers={"If-None-Match": plain})
    own_zipped = client.get(feed_path, headers={**GZIP, "If-None-Match": zipped})
    assert own_plain.status_code == own_zipped.status_code == 304
    assert own_plain.data == own_zipped.data == b""
    assert own_plain.headers["ETag"] == plain
    assert own_zipped.headers["ETag"] == zipped
    assert "Content-Encoding" not in own_plain.headers

    # The other representation's ETag is not a match: the client gets the bytes it asked for.
    crossed_to_gzip = client.get(feed_path, headers={**GZIP, "If-None-Match": plain})
    crossed_to_plain = client.get(feed_path, headers={"If-None-Match": zipped})
    assert crossed_to_gzip.status_code == crossed_to_plain.status_code == 200
    assert crossed_to_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(crossed_to_gzip.data) == crossed_to_plain.data


def test_if_none_match_takes_lists_and_weak_tags_of_either_representation(client, feed_path):
    plain = client.get(feed_path).headers["ETag"]
    zipped = client.get(feed_path, headers=GZIP).headers["ETag"]
    listed = f'"elsewhere", {plain}, {zipped}'
    assert client.get(feed_path, headers={"If-None-Match": listed}).status_code == 304
    assert client.get(feed_path, headers={**GZIP, "If-None-Match": listed}).status_code == 304
    weak = {"If-None-Match": f"W/{zipped}"}
    assert client.get(feed_path, headers={**GZIP, **weak}).status_code == 304
    assert client.get(feed_path, headers=weak).status_code == 200


def test_each_representation_answers_304_to_if_modified_since(client, feed_path):
    first = client.get(feed_path)
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    plain = client.get(feed_path, headers=since)
    zipped = client.get(feed_path, headers={**GZIP, **since})
    assert plain.status_code == zipped.status_code == 304
    assert plain.headers["ETag"] == first.headers["ETag"]
    assert zipped.headers["ETag"] == first.headers["ETag"][:-1] + '-gz"'
    long_ago = {"If-Modified-Since": http_date(0)}
    assert client.get(feed_path, headers={**GZIP, **long_ago}).status_code == 200


def test_head_answers_the_headers_without_the_body(client, feed_path):
    plain = client.get(feed_path)
    zipped = client.get(feed_path, headers=GZIP)
    for headers, full in [({}, plain), (GZIP, zipped)]:
        head = client.head(feed_path, headers=headers)
        assert head.status_code == 200
        assert head.data == b""
        assert head.headers["ETag"] == full.headers["ETag"]
        assert head.headers.get("Content-Encoding") == full.headers.get("Content-Encoding")
        assert head.headers["Content-Length"] == str(len(full.data))


@pytest.mark.parametrize("headers", [{}, GZIP])
def test_a_troupe_poll_costs_one_query_that_reads_no_bytes(
    client, session, api, count_queries, headers
):
    path = troupe_feed_path(session, api)
    etag = client.get(path, headers=headers).headers["ETag"]

    with count_queries() as queries:
        polled = client.get(path, headers={**headers, "If-None-Match": etag})
    assert polled.status_code == 304
    assert len(queries) == 1
    assert "calendar_feed_bodies" not in queries[0]
    assert "calendar_feeds" in queries[0]

    with count_queries() as queries:
        full = client.get(path, headers=headers)
    assert full.status_code == 200
    assert len(queries) == 2  # the state, then one column of the kept bytes
    assert "calendar_feed_bodies" not in queries[0]
    assert "calendar_feed_bodies" in queries[1]


@pytest.mark.parametrize("headers", [{}, GZIP])
def test_a_festival_poll_costs_one_query_that_reads_no_bytes(
    client, api, festival, organizer, count_queries, headers
):
    feed_path = festival_feed_path(api, festival, organizer)
    etag = client.get(feed_path, headers=headers).headers["ETag"]
    with count_queries() as queries:
        polled = client.get(feed_path, headers={**headers, "If-None-Match": etag})
    assert polled.status_code == 304
    assert len(queries) == 1  # the festival and its feed's state, by the slug
    assert "calendar_feed_bodies" not in queries[0]
    with count_queries() as queries:
        full = client.get(feed_path, headers=headers)
    assert full.status_code == 200
    assert len(queries) == 2
    assert "calendar_feed_bodies" in queries[1]


def test_a_draft_or_unknown_festival_has_no_feed_even_on_the_quick_path(
    client, session, api, festival, organizer, count_queries
):
    assert client.get("/festivals/no-such-festival/calendar.ics").status_code == 404
    assert client.get(f"/festivals/{'x' * 90}/calendar.ics").status_code == 404
    # Its feed was built while it was public, so the quick path finds kept bytes.
    feed_path = festival_feed_path(api, festival, organizer)
    assert client.get(feed_path).status_code == 200
    festival.status = "draft"
    session.commit()
    with count_queries() as queries:
        assert client.get(feed_path).status_code == 404
    assert len(queries) == 1  # refused by the quick path itself
