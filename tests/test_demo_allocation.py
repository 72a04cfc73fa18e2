"""The demo's awards come from allocation by category (issue 18): the city's six programs,
each category's ranking its own tiers; the province's dance-category second prize for
《和谐大家园》, its first prize vacant, by allocation and not by hand."""

from collections import Counter

from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.awards.models import Award
from festival.festivals.models import Festival
from festival.judging.models import Ranking, Round


def test_the_demo_allocates_by_category_at_the_city_and_the_province(app, session):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    festivals = {
        f.level.value: f for f in session.execute(select(Festival)).scalars() if f.year == 2026
    }
    city, province = festivals["city"], festivals["province"]
    rounds = {
        r.festival_id: r
        for r in session.execute(
            select(Round).where(Round.festival_id.in_([city.id, province.id]))
        ).scalars()
    }
    assert rounds[city.id].ranking is rounds[province.id].ranking is Ranking.by_category

    [provincial] = session.execute(select(Award).where(Award.festival_id == province.id)).scalars()
    assert provincial.program.title == "和谐大家园"
    assert (provincial.tier.value, provincial.category.name) == ("second", "舞蹈")
    assert provincial.round_id == rounds[province.id].id and provincial.rank == 1

    city_prizes = list(
        session.execute(
            select(Award).where(Award.festival_id == city.id, Award.program_id.is_not(None))
        ).scalars()
    )
    assert all(a.round_id == rounds[city.id].id for a in city_prizes)
    assert {(a.program.title, a.tier.value) for a in city_prizes} == {
        ("和谐大家园", "second"),
        ("长江之歌", "third"),
        ("茉莉花开", "third"),
        ("天仙配·夫妻双双把家还", "excellence"),
        ("紫竹调", "excellence"),
        ("老年颂", "excellence"),
    }
    assert all(a.category_id == a.program.category_id for a in city_prizes)
    # each a category's best, but 《长江之歌》 (second in 歌舞)
    assert Counter(a.rank for a in city_prizes) == {1: 5, 2: 1}

    allocations = {
        e.festival_id: e.changes
        for e in session.execute(
            select(AuditEntry).where(AuditEntry.action == "allocate_awards")
        ).scalars()
    }
    assert allocations[city.id]["by_category"] is allocations[province.id]["by_category"] is True
    by_hand = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "create_award", AuditEntry.festival_id == province.id
        )
    ).all()
    assert by_hand == []
