"""The audit log's world: a district office under a city, with a sibling district.

In the office's festival a judge scores two programs, the office's organizer closes the round
a day later, allocates and gives awards and publishes them two days later; the organizer also
opens a draft festival. The sibling district has a festival of its own with one entry."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from festival.accounts.models import Organization, User
from festival.awards import services as awards
from festival.festivals.models import Festival
from festival.festivals.services import open_festival
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from festival.judging.models import Round
from tests import factories

NOW = factories.NOW
DAY = timedelta(days=1)


@dataclass
class AuditWorld:
    city: Organization
    office: Organization
    sibling: Organization
    festival: Festival
    draft: Festival
    sibling_festival: Festival
    round: Round
    organizer: User
    city_organizer: User
    sibling_organizer: User
    judge: User
    leader: User
    admin: User


def build_world(session) -> AuditWorld:
    city = factories.make_organization(session, level="city", name="市老龄办")
    office = factories.make_organization(session, name="城区文化馆", parent=city)
    sibling = factories.make_organization(session, name="郊区文化馆", parent=city)
    organizer = factories.make_user(
        session, role="organizer", organization=office, username="office", display_name="王组织"
    )
    city_organizer = factories.make_user(
        session, role="organizer", organization=city, username="city"
    )
    sibling_organizer = factories.make_user(
        session, role="organizer", organization=sibling, username="sibling"
    )
    judge = factories.make_user(session, role="judge", username="judge1", display_name="李评委")
    leader = factories.make_user(session, role="leader", username="leader1")
    admin = factories.make_user(session, role="admin", username="root")

    festival = factories.make_festival(session, organization=office, name="城区艺术节")
    programs = [
        factories.make_program(session, festival=festival, title=title, actor=organizer)
        for title in ("夕阳红", "金色年华")
    ]
    round_ = judging.create_round(
        session,
        festival=festival,
        name="初评",
        aggregation="mean",
        criteria=[{"name": "艺术表现", "max_score": 100}],
        advance_count=1,
        actor=organizer,
        now=NOW,
    )
    judging.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    judging.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    for program, mark in zip(programs, (90, 80), strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"艺术表现": mark},
            now=NOW,
        )
    judging.close_round(
        session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW + DAY
    )
    awards.allocate_awards(
        session,
        festival=festival,
        round_id=round_.id,
        tiers=[("first", 1)],
        actor=organizer,
        now=NOW + 2 * DAY,
    )
    awards.create_award(
        session,
        festival=festival,
        tier="second",
        program_id=programs[1].id,
        actor=organizer,
        now=NOW + 2 * DAY,
    )
    awards.publish(session, festival=festival, notice_days=0, actor=organizer, now=NOW + 2 * DAY)

    draft = factories.make_festival(
        session, organization=office, status="draft", name="城区春节联欢"
    )
    open_festival(session, festival=draft, actor=organizer, now=NOW + 3 * DAY)

    sibling_festival = factories.make_festival(session, organization=sibling, name="郊区艺术节")
    factories.make_program(session, festival=sibling_festival, actor=sibling_organizer)
    session.commit()
    return AuditWorld(
        city=city,
        office=office,
        sibling=sibling,
        festival=festival,
        draft=draft,
        sibling_festival=sibling_festival,
        round=round_,
        organizer=organizer,
        city_organizer=city_organizer,
        sibling_organizer=sibling_organizer,
        judge=judge,
        leader=leader,
        admin=admin,
    )


@pytest.fixture
def world(session) -> AuditWorld:
    return build_world(session)
