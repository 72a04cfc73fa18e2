"""A leader's home page tells them when one of their troupes' programs won a prize (HTTP
tests): only published awards; prize, program, festival and a link to the certificate; the
same number of queries however many prizes there are."""

from datetime import UTC, datetime, timedelta

import pytest

from festival.awards.services import create_award, publish
from festival.public import views as public_views
from tests import factories
from tests.html import Page

EN = {"Accept-Language": "en"}
TODAY = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(public_views, "utcnow", lambda: TODAY)


def award(session, festival, program, organizer, tier="first"):
    return create_award(
        session,
        festival=festival,
        tier=tier,
        program_id=program.id,
        actor=organizer,
        now=factories.NOW,
    )


def published_festival(session, office, organizer, leader, n, *, name=None):
    """A festival whose awards are published: n programs of the leader's troupe, each a prize."""
    festival = factories.make_festival(session, organization=office, name=name)
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    awards = [
        award(
            session,
            festival,
            factories.make_program(session, festival=festival, troupe=troupe, actor=organizer),
            organizer,
            tier="excellence",
        )
        for _ in range(n)
    ]
    publish(session, festival=festival, notice_days=0, actor=organizer, now=TODAY - timedelta(1))
    session.commit()
    return festival, awards


def test_a_leader_sees_the_prize_their_program_won_with_its_certificate(
    client, session, office, organizer
):
    leader = factories.make_user(session, role="leader", username="leader1")
    troupe = factories.make_troupe(session, organization=office, leader=leader, name="夕阳红艺术团")
    festival = factories.make_festival(
        session, organization=office, name="2026年崇川区老年文艺汇演"
    )
    program = factories.make_program(
        session, festival=festival, troupe=troupe, title="金秋欢歌", actor=organizer
    )
    prize = award(session, festival, program, organizer, tier="first")
    publish(session, festival=festival, notice_days=0, actor=organizer, now=TODAY - timedelta(1))
    session.commit()
    client.login("leader1")
    page = Page(client.get("/", headers=EN))
    assert "Prizes won" in page.text
    assert "First prize" in page.text
    assert "《金秋欢歌》 of 夕阳红艺术团 won a prize at 2026年崇川区老年文艺汇演." in page.text
    link = page.link(f"Certificate No. {prize.certificate_number}")
    assert link.href == f"/certificates/{prize.certificate_number}"
    assert client.get(link.href).status_code == 200


def test_unpublished_awards_and_other_troupes_prizes_are_not_shown(
    client, session, office, organizer
):
    leader = factories.make_user(session, role="leader", username="leader1")
    troupe = factories.make_troupe(session, organization=office, leader=leader)
    festival = factories.make_festival(session, organization=office)
    mine = factories.make_program(session, festival=festival, troupe=troupe, actor=organizer)
    award(session, festival, mine, organizer)  # not published
    published_festival(session, office, organizer, factories.make_user(session, role="leader"), 1)
    session.commit()
    client.login("leader1")
    page = Page(client.get("/", headers=EN))
    assert "Prizes won" not in page.text


def test_the_prizes_cost_the_same_queries_for_one_and_many(
    client, session, office, organizer, count_queries
):
    leader = factories.make_user(session, role="leader", username="leader1")
    session.commit()
    client.login("leader1")
    published_festival(session, office, organizer, leader, 1)
    with count_queries() as small:
        first = client.get("/", headers=EN)
    published_festival(session, office, organizer, leader, 3)
    published_festival(session, office, organizer, leader, 2)
    with count_queries() as large:
        second = client.get("/", headers=EN)
    assert Page(first).text.count("won a prize at") == 1
    assert Page(second).text.count("won a prize at") == 6
    assert len(small) == len(large), "\n".join(large)
