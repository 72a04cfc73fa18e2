"""The check-in page (phone) and the stage control page through the test client: the counts,
who is missing, twelve troupes ticking in, undo, next/previous/pick, the warning for a
program on stage that has not checked in, and a constant number of queries."""

import re

import pytest

from festival.performance import checkin, stage
from tests import factories
from tests.performance.day_world import NOW, entry, make_day

EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def missing_troupes(html: str) -> list[str]:
    block = re.search(r"<ul class=\"missing-list\" data-missing>(.*?)</ul>", html, re.S)
    return re.findall(r"\d+\. (Troupe \d+)</a>", block.group(1)) if block else []


@pytest.fixture
def logged_in(client, organizer):
    client.login(organizer.username)
    return client


def test_the_page_counts_the_arrived_and_lists_the_missing_first(
    logged_in, session, festival, organizer
):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=12)
    for program in programs[:9]:
        checkin.check_in(session, round_=round_, program_id=program.id, actor=organizer, now=NOW)
    session.commit()
    html = text(logged_in.get(f"/rounds/{round_.id}/checkin", headers=EN))
    assert "Checked in 9 / 12" in html
    assert missing_troupes(html) == ["Troupe 03", "Troupe 02", "Troupe 01"]  # in running order
    assert html.index("missing-list") < html.index("checkin-list")
    rows = re.findall(r'<li id="program-(\d+)"', html)
    assert rows == [str(p.id) for p in programs]


def test_twelve_troupes_check_in_through_the_page_and_one_undo(
    logged_in, session, festival, organizer
):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=12)
    page = f"/rounds/{round_.id}/checkin"
    for count, program in enumerate(programs, start=1):
        response = logged_in.post_form(f"{page}/{program.id}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{page}#program-{program.id}")
        html = text(logged_in.get(page, headers=EN))
        assert f"Checked in {count} / 12" in html
        assert len(missing_troupes(html)) == 12 - count
    assert "Every troupe has arrived." in html
    assert all(entry(session, round_, p).checked_in_at is not None for p in programs)

    logged_in.post_form(f"{page}/{programs[4].id}/undo")
    html = text(logged_in.get(page, headers=EN))
    assert "Checked in 11 / 12" in html
    assert missing_troupes(html) == ["Troupe 08"]
    assert entry(session, round_, programs[4]).checked_in_at is None


def test_a_tick_without_the_csrf_token_is_refused(logged_in, session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=2)
    response = logged_in.post(f"/rounds/{round_.id}/checkin/{programs[0].id}")
    assert response.status_code == 400
    assert entry(session, round_, programs[0]).checked_in_at is None


def test_the_stage_page_steps_through_the_order_and_warns_for_a_troupe_not_checked_in(
    logged_in, session, festival, organizer
):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=3)
    checkin.check_in(session, round_=round_, program_id=programs[0].id, actor=organizer, now=NOW)
    session.commit()
    url = f"/rounds/{round_.id}/stage"
    html = text(logged_in.get(url, headers=EN))
    assert "The stage is empty." in html and "Checked in 1 / 3" in html

    assert logged_in.post_form(url, {"move": "next"}).status_code == 302
    html = text(logged_in.get(url, headers=EN))
    assert "Troupe 03" in html.split('id="order-head"')[0]
    assert "This troupe has not checked in." not in html

    logged_in.post_form(url, {"move": "next"})
    html = text(logged_in.get(url, headers=EN))
    assert "Troupe 02" in html.split('id="order-head"')[0]
    assert "This troupe has not checked in." in html

    logged_in.post_form(url, {"move": "previous"})
    assert stage.on_stage(session, round_.id).program_id == programs[0].id
    logged_in.post_form(url, {"program_id": str(programs[2].id)})
    assert stage.on_stage(session, round_.id).program_id == programs[2].id
    logged_in.post_form(url, {"move": "next"}, headers=EN)  # the last already: a message only
    html = text(logged_in.get(url, headers=EN))
    assert "The last program of the running order is on stage." in html
    logged_in.post_form(url, {"program_id": ""})
    assert stage.on_stage(session, round_.id) is None


def test_the_round_setup_page_links_both_pages(logged_in, session, festival, organizer):
    round_, _ = make_day(session, festival=festival, organizer=organizer, programs=1)
    html = text(logged_in.get(f"/rounds/{round_.id}", headers=EN))
    assert f'href="/rounds/{round_.id}/checkin"' in html
    assert f'href="/rounds/{round_.id}/stage"' in html


def test_the_pages_cost_the_same_queries_for_3_and_12_troupes(
    logged_in, session, festival, office, organizer, count_queries
):
    costs = []
    for size in (3, 12):
        own = festival if size == 3 else factories.make_festival(session, organization=office)
        round_, programs = make_day(
            session, festival=own, organizer=organizer, programs=size, prefix=f"T{size}"
        )
        for program in programs:
            checkin.check_in(
                session, round_=round_, program_id=program.id, actor=organizer, now=NOW
            )
        stage.put_on_stage(
            session, round_=round_, program_id=programs[0].id, actor=organizer, now=NOW
        )
        session.commit()
        counted = []
        for page in ("checkin", "stage"):
            with count_queries() as queries:
                assert logged_in.get(f"/rounds/{round_.id}/{page}").status_code == 200
            counted.append(len(queries))
        costs.append(counted)
    assert costs[0] == costs[1]
