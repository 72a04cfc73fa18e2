"""The benchmark's requests against a small world: the team's feed answers, and the pages
that must keep a constant cost send as many queries at 20 programs as at 60."""

from bench.data import BENCH_PASSWORD, empty_database, generate
from bench.run import Visitors, first_feed, measure, probes, set_scene
from festival.accounts.passwords import hash_password

CONSTANT = (
    "program_list",
    "program_list_filtered",
    "results",
    "score_sheet",
    "score_save",
    "award_list",
    "feed",
    "feed_304",
    "api_results",
)


def test_team_feed_answers_200_then_304_with_its_etag(client, world):
    url = f"/calendar/{world.team_feed_secret}.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert response.data.startswith(b"BEGIN:VCALENDAR")
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_every_request_of_the_benchmark_answers_as_expected(app, world):
    visitors = Visitors(app, world)
    _build_ms, etag = first_feed(visitors, world)
    for probe in probes(world, etag):
        response = visitors.send(probe, 0)
        assert response.status_code == probe.status, (probe.name, response.get_data(as_text=True))


def query_counts(app, session, programs: int) -> dict[str, set[int]]:
    """Each request's query counts, measured as ``make bench`` measures them."""
    empty_database(session)
    world = generate(session, programs=programs, password_hash=hash_password(BENCH_PASSWORD))
    session.commit()
    scene = set_scene(programs, app.config["SQLALCHEMY_DATABASE_URI"], app, world)
    try:
        return {
            timing.name: timing.query_counts
            for probe in probes(world, scene.feed_etag)
            for timing in measure([(scene, probe)], runs=2, warmups=1, budget=60)
        }
    finally:
        scene.counter.close()


def test_query_counts_are_the_same_at_20_and_at_60_programs(app, session):
    small = query_counts(app, session, 20)
    large = query_counts(app, session, 60)
    assert {name: small[name] for name in CONSTANT} == {name: large[name] for name in CONSTANT}
    assert all(len(counts) == 1 for counts in small.values())  # the same on every request
    assert small["healthz"] == large["healthz"] == {0}
