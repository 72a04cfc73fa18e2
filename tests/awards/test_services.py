"""Awards through the services: allocation from a closed round, manual awards, publication and
the public notice period (公示), corrections, and the award list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.awards import services
from festival.awards.models import Award, AwardTier
from festival.awards.queries import festival_awards
from festival.core.errors import Conflict, TieAtBoundary, ValidationFailed
from festival.festivals.models import FestivalStatus
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from tests import factories
from tests.checks import row_count as count

NOW = factories.NOW
LATER = NOW + timedelta(days=1)


def make_round(session, *, festival, organizer, scores: dict, close: bool = True):
    """A round scored by one judge on one criterion out of 100, so each program's score is its
    mark (None: the judge declares a conflict, so the program has no score and no rank); closed
    unless ``close`` is false."""
    judge = factories.make_user(session, role="judge")
    round_ = judging.create_round(
        session,
        festival=festival,
        name="决赛",
        aggregation="mean",
        criteria=[{"name": "art", "max_score": 100}],
        advance_count=None,
        actor=organizer,
        now=NOW,
    )
    judging.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    judging.add_entries(
        session, round_=round_, program_ids=[p.id for p in scores], actor=organizer, now=NOW
    )
    for program, mark in scores.items():
        if mark is None:
            judging_scores.declare_conflict(
                session,
                round_=round_,
                judge_id=judge.id,
                program_id=program.id,
                actor=organizer,
                now=NOW,
            )
            continue
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"art": mark},
            now=NOW,
        )
    if close:
        judging.close_round(
            session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW
        )
    session.flush()
    return round_


class World:
    """A district office's festival, its organizer and four programs "节目1".."节目4"."""

    def __init__(self, session, programs: int = 4, office: str = "城区文化馆"):
        self.session = session
        self.office = factories.make_organization(session, name=office)
        self.festival = factories.make_festival(session, organization=self.office)
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        self.programs = [
            factories.make_program(session, festival=self.festival, title=f"节目{i}")
            for i in range(1, programs + 1)
        ]

    def closed_round(self, *marks, close=True):
        """A round over the first len(marks) programs, each scored with its mark."""
        return make_round(
            self.session,
            festival=self.festival,
            organizer=self.organizer,
            scores=dict(zip(self.programs, marks, strict=False)),
            close=close,
        )

    def allocate(self, round_, tiers, **kwargs):
        return services.allocate_awards(
            self.session,
            festival=self.festival,
            round_id=round_.id,
            tiers=tiers,
            actor=self.organizer,
            now=kwargs.pop("now", NOW),
            **kwargs,
        )

    def award(self, program, tier="first", **kwargs):
        return services.create_award(
            self.session,
            festival=self.festival,
            tier=tier,
            program_id=program.id,
            actor=self.organizer,
            now=kwargs.pop("now", NOW),
            **kwargs,
        )

    def publish(self, notice_days=0, now=NOW):
        return services.publish(
            self.session,
            festival=self.festival,
            notice_days=notice_days,
            actor=self.organizer,
            now=now,
        )


@pytest.fixture
def world(session) -> World:
    return World(session)


# allocate_awards


def test_allocate_awards_saves_awards_with_score_rank_category_and_round(session, world):
    round_ = world.closed_round("91.50", "88", "75.25", "60")
    awards = world.allocate(round_, [("first", 1), ("second", 2)])
    session.commit()
    session.expire_all()
    stored = session.execute(select(Award).order_by(Award.rank)).scalars().all()
    a, b, c, _ = world.programs
    assert [(x.tier, x.program_id, x.score, x.rank) for x in stored] == [
        (AwardTier.first, a.id, Decimal("91.50"), 1),
        (AwardTier.second, b.id, Decimal("88.00"), 2),
        (AwardTier.second, c.id, Decimal("75.25"), 3),
    ]
    assert [x.id for x in awards] == [x.id for x in stored]
    assert all(x.round_id == round_.id and x.festival_id == world.festival.id for x in stored)
    assert [x.category_id for x in stored] == [a.category_id, b.category_id, c.category_id]
    assert all(x.created_by_id == world.organizer.id for x in stored)


def test_allocated_awards_have_unique_final_certificate_numbers(session, world):
    round_ = world.closed_round("91", "88", "75", "60")
    awards = world.allocate(round_, [("first", 1), ("second", 1), ("third", 2)])
    session.commit()
    numbers = [a.certificate_number for a in awards]
    assert len(set(numbers)) == 4
    assert all(n.startswith(f"{world.festival.year}-{world.festival.id:04d}-") for n in numbers)
    assert not any(n.startswith("pending") for n in numbers)


def test_awards_given_at_any_moment_fit_the_certificate_number_column(session, world):
    # A clock with microseconds, as in production: the placeholder number must still fit.
    moment = NOW.replace(month=11, microsecond=337125)
    round_ = world.closed_round("91", "88")
    awards = world.allocate(round_, [("first", 1)], now=moment)
    awards.append(world.award(world.programs[1], tier="special", now=moment))
    session.commit()
    assert [a.certificate_number for a in awards] == [
        f"{world.festival.year}-{world.festival.id:04d}-{a.id:05d}" for a in awards
    ]


def test_allocate_awards_writes_one_audit_entry(session, world):
    round_ = world.closed_round("91", "88", "75")
    before = count(session, AuditEntry, AuditEntry.action == "allocate_awards")
    awards = world.allocate(round_, [("first", 1), ("second", 1)])
    session.commit()
    entries = (
        session.execute(select(AuditEntry).where(AuditEntry.action == "allocate_awards"))
        .scalars()
        .all()
    )
    assert before == 0 and len(entries) == 1
    entry = entries[0]
    assert (entry.actor_id, entry.entity_type, entry.entity_id) == (
        world.organizer.id,
        "festival",
        world.festival.id,
    )
    assert entry.changes == {
        "round_id": round_.id,
        "awards": [["first", awards[0].program_id], ["second", awards[1].program_id]],
    }


def test_allocate_awards_refuses_an_open_round_and_saves_nothing(session, world):
    round_ = world.closed_round("91", "88", "75", close=False)
    before = count(session, Award), count(session, AuditEntry)
    with pytest.raises(Conflict) as refused:
        world.allocate(round_, [("first", 1)])
    assert "round_id" in refused.value.fields
    assert (count(session, Award), count(session, AuditEntry)) == before == (0, before[1])


def test_allocate_awards_refuses_a_round_of_another_festival(session, world):
    other = factories.make_festival(session)
    program = factories.make_program(session, festival=other)
    round_ = make_round(session, festival=other, organizer=world.organizer, scores={program: "90"})
    with pytest.raises(ValidationFailed) as refused:
        world.allocate(round_, [("first", 1)])
    assert set(refused.value.fields) == {"round_id"}
    assert count(session, Award) == 0


def test_allocate_awards_refuses_a_round_that_does_not_exist(session, world):
    with pytest.raises(ValidationFailed) as refused:
        services.allocate_awards(
            session,
            festival=world.festival,
            round_id=99999,
            tiers=[("first", 1)],
            actor=world.organizer,
            now=NOW,
        )
    assert set(refused.value.fields) == {"round_id"}


def test_allocate_awards_refuses_programs_already_awarded_and_saves_nothing(session, world):
    round_ = world.closed_round("91", "88", "75")
    world.award(world.programs[1], tier="special", title="最佳编排奖")
    before = count(session, Award)
    with pytest.raises(Conflict):
        world.allocate(round_, [("first", 1), ("second", 1)])
    assert count(session, Award) == before == 1


def test_allocate_awards_refuses_a_tie_at_a_boundary_naming_the_programs(session, world):
    round_ = world.closed_round("91", "88", "88", "70")
    before = count(session, Award), count(session, AuditEntry)
    with pytest.raises(TieAtBoundary) as tie:
        world.allocate(round_, [("first", 1), ("second", 1)])
    _, b, c, _ = world.programs
    assert sorted(map(int, tie.value.fields["tiers"])) == sorted([b.id, c.id])
    assert "《节目2》" in str(tie.value.message) and "《节目3》" in str(tie.value.message)
    assert (count(session, Award), count(session, AuditEntry)) == before


def test_allocate_awards_refuses_more_places_than_ranked_programs(session, world):
    round_ = world.closed_round("91", "88")
    with pytest.raises(ValidationFailed) as refused:
        world.allocate(round_, [("first", 1), ("second", 2)])
    assert set(refused.value.fields) == {"tiers"}
    assert re.findall(r"\d+", str(refused.value.fields["tiers"][0])) == ["2"]
    assert count(session, Award) == 0


def test_allocate_awards_passes_over_a_program_without_a_rank(session, world):
    round_ = world.closed_round("91", None, "80")
    awards = world.allocate(round_, [("first", 1), ("second", 1)])
    a, _, c, _ = world.programs
    assert [(x.tier, x.program_id, x.rank) for x in awards] == [
        (AwardTier.first, a.id, 1),
        (AwardTier.second, c.id, 2),
    ]


def test_too_many_awards_counts_only_the_ranked_programs(session, world):
    round_ = world.closed_round("91", None, "80")
    with pytest.raises(ValidationFailed) as refused:
        world.allocate(round_, [("first", 1), ("second", 2)])
    assert re.findall(r"\d+", str(refused.value.fields["tiers"][0])) == ["2"]


def test_allocate_awards_refuses_only_zero_counts_or_a_tier_that_is_no_prize(session, world):
    round_ = world.closed_round("91", "88")
    with pytest.raises(ValidationFailed) as zero:
        world.allocate(round_, [("first", 0)])
    assert "tiers" in zero.value.fields
    with pytest.raises(ValidationFailed) as organisation:
        world.allocate(round_, [("organization", 1)])
    assert "tiers.0" in organisation.value.fields
    assert count(session, Award) == 0


def test_allocate_awards_leaves_a_place_below_the_minimum_vacant(session, world):
    round_ = world.closed_round("88", "84", "70")
    awards = world.allocate(
        round_, [("first", 1), ("second", 1)], minimums={"first": Decimal("90")}
    )
    assert [(a.tier, a.program_id) for a in awards] == [(AwardTier.second, world.programs[0].id)]


# create_award


def test_create_award_refuses_a_program_of_another_festival(session, world):
    other = factories.make_festival(session)
    foreign = factories.make_program(session, festival=other)
    with pytest.raises(ValidationFailed) as refused:
        world.award(foreign)
    assert set(refused.value.fields) == {"program_id"}
    assert count(session, Award) == 0


def test_create_award_gives_a_program_award_the_program_category(session, world):
    award = world.award(world.programs[0], tier="third")
    assert (award.tier, award.program_id, award.organization_id, award.category_id) == (
        AwardTier.third,
        world.programs[0].id,
        None,
        world.programs[0].category_id,
    )
    assert award.certificate_number == (
        f"{world.festival.year}-{world.festival.id:04d}-{award.id:05d}"
    )


def test_an_organisation_award_needs_an_organisation(session, world):
    with pytest.raises(ValidationFailed) as refused:
        services.create_award(
            session,
            festival=world.festival,
            tier="organization",
            title="优秀组织奖",
            actor=world.organizer,
            now=NOW,
        )
    assert set(refused.value.fields) == {"organization_id"}
    with pytest.raises(ValidationFailed) as unknown:
        services.create_award(
            session,
            festival=world.festival,
            tier="organization",
            organization_id=99999,
            actor=world.organizer,
            now=NOW,
        )
    assert set(unknown.value.fields) == {"organization_id"}
    assert count(session, Award) == 0


def test_an_organisation_award_goes_to_the_organisation_with_its_title(session, world):
    street = factories.make_organization(session, name="东街道", level="other", parent=world.office)
    award = services.create_award(
        session,
        festival=world.festival,
        tier="organization",
        organization_id=street.id,
        title="  优秀组织奖 ",
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    session.expire_all()
    stored = session.get(Award, award.id)
    assert (stored.tier, stored.organization_id, stored.program_id, stored.title) == (
        AwardTier.organization,
        street.id,
        None,
        "优秀组织奖",
    )
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "create_award")
    ).scalar_one()
    assert entry.entity_id == award.id and entry.changes["title"] == "优秀组织奖"


def test_an_organisation_award_refuses_a_program(session, world):
    street = factories.make_organization(session, level="other", parent=world.office)
    with pytest.raises(ValidationFailed) as refused:
        services.create_award(
            session,
            festival=world.festival,
            tier="organization",
            organization_id=street.id,
            program_id=world.programs[0].id,
            actor=world.organizer,
            now=NOW,
        )
    assert set(refused.value.fields) == {"program_id"}


def test_create_award_refuses_an_unknown_tier_and_a_long_title(session, world):
    with pytest.raises(ValidationFailed) as tier:
        world.award(world.programs[0], tier="gold")
    assert set(tier.value.fields) == {"tier"}
    with pytest.raises(ValidationFailed) as title:
        world.award(world.programs[0], title="奖" * 121)
    assert set(title.value.fields) == {"title"}
    assert count(session, Award) == 0


def test_create_award_refuses_a_category_of_another_festival(session, world):
    other = factories.make_festival(session)
    with pytest.raises(ValidationFailed) as refused:
        world.award(world.programs[0], category_id=other.categories[0].id)
    assert set(refused.value.fields) == {"category_id"}


# publish, unpublish


def test_publish_with_notice_days_announces_the_festival_until_the_notice_ends(session, world):
    world.award(world.programs[0])
    world.publish(notice_days=7)
    session.commit()
    session.expire_all()
    festival = world.festival
    assert festival.status is FestivalStatus.announced
    assert festival.published_at == NOW
    assert festival.notice_days == 7
    assert festival.notice_until == NOW + timedelta(days=7)
    assert count(session, AuditEntry, AuditEntry.action == "publish_awards") == 1


def test_publish_without_notice_days_is_final_at_once(session, world):
    world.award(world.programs[0])
    world.publish()
    assert world.festival.status is FestivalStatus.announced
    assert world.festival.notice_until is None
    with pytest.raises(Conflict):
        services.remove_award(
            session,
            award=session.execute(select(Award)).scalar_one(),
            actor=world.organizer,
            now=NOW,
        )


def test_publish_twice_is_a_conflict(session, world):
    world.award(world.programs[0])
    world.publish(notice_days=3)
    with pytest.raises(Conflict):
        world.publish(notice_days=3, now=LATER)
    assert world.festival.published_at == NOW


def test_publish_refuses_a_festival_without_awards(session, world):
    status = world.festival.status
    with pytest.raises(ValidationFailed) as refused:
        world.publish()
    assert set(refused.value.fields) == {"festival_id"}
    assert world.festival.status is status and world.festival.published_at is None


def test_publish_refuses_notice_days_out_of_range(session, world):
    world.award(world.programs[0])
    for days in (-1, services.MAX_NOTICE_DAYS + 1):
        with pytest.raises(ValidationFailed) as refused:
            world.publish(notice_days=days)
        assert set(refused.value.fields) == {"notice_days"}
    assert world.festival.published_at is None


def test_unpublish_during_the_notice_takes_the_list_down_and_is_logged(session, world):
    world.award(world.programs[0])
    world.publish(notice_days=7)
    services.unpublish(session, festival=world.festival, actor=world.organizer, now=LATER)
    session.commit()
    session.expire_all()
    assert world.festival.status is FestivalStatus.screening
    assert world.festival.published_at is None and world.festival.notice_until is None
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "unpublish_awards")
    ).scalar_one()
    assert (entry.entity_id, entry.actor_id, entry.at) == (
        world.festival.id,
        world.organizer.id,
        LATER,
    )


def test_unpublish_after_the_notice_is_a_conflict(session, world):
    world.award(world.programs[0])
    world.publish(notice_days=7)
    with pytest.raises(Conflict):
        services.unpublish(
            session, festival=world.festival, actor=world.organizer, now=NOW + timedelta(days=7)
        )
    assert world.festival.status is FestivalStatus.announced
    assert count(session, AuditEntry, AuditEntry.action == "unpublish_awards") == 0


def test_unpublish_of_unpublished_results_is_a_conflict(session, world):
    with pytest.raises(Conflict):
        services.unpublish(session, festival=world.festival, actor=world.organizer, now=NOW)


# remove_award


def test_remove_award_during_the_notice_deletes_it_and_logs_what_it_was(session, world):
    award = world.award(world.programs[0])
    keep = world.award(world.programs[1], tier="second")
    number = award.certificate_number
    world.publish(notice_days=7)
    services.remove_award(session, award=award, actor=world.organizer, now=LATER)
    session.commit()
    assert session.execute(select(Award.id)).scalars().all() == [keep.id]
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "remove_award")
    ).scalar_one()
    assert entry.changes["certificate_number"] == number
    assert entry.changes["program_id"] == world.programs[0].id


def test_remove_award_after_the_notice_is_a_conflict(session, world):
    award = world.award(world.programs[0])
    world.publish(notice_days=7)
    with pytest.raises(Conflict):
        services.remove_award(
            session, award=award, actor=world.organizer, now=NOW + timedelta(days=8)
        )
    assert count(session, Award) == 1


def test_no_award_can_be_added_once_the_results_are_final(session, world):
    world.award(world.programs[0])
    world.publish()
    with pytest.raises(Conflict):
        world.award(world.programs[1], now=LATER)
    assert count(session, Award) == 1


# festival_awards


def test_festival_awards_lists_best_tier_first_then_score(session, world):
    a, b, c, d = world.programs
    round_ = world.closed_round("70", "95", "80", "85")
    world.allocate(round_, [("first", 1), ("second", 1), ("excellence", 2)])
    street = factories.make_organization(session, name="东街道", level="other", parent=world.office)
    services.create_award(
        session,
        festival=world.festival,
        tier="organization",
        organization_id=street.id,
        title="优秀组织奖",
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    rows = festival_awards(session, world.festival.id)
    assert [(r.tier, r.program_title, r.score) for r in rows] == [
        ("first", "节目2", Decimal("95.00")),
        ("second", "节目4", Decimal("85.00")),
        ("excellence", "节目3", Decimal("80.00")),
        ("excellence", "节目1", Decimal("70.00")),
        ("organization", None, None),
    ]
    assert (rows[-1].organization_id, rows[-1].organization_name, rows[-1].title) == (
        street.id,
        "东街道",
        "优秀组织奖",
    )


def test_festival_awards_orders_by_tier_not_by_when_they_were_given(session, world):
    a, b, c, _ = world.programs
    world.award(a, tier="excellence")
    world.award(b, tier="third")
    world.award(c, tier="first")
    assert [r.tier for r in festival_awards(session, world.festival.id)] == [
        "first",
        "third",
        "excellence",
    ]


def test_festival_awards_names_the_troupe_and_its_organisation_for_a_program_award(session, world):
    village = factories.make_organization(
        session, name="西村委会", level="other", parent=world.office
    )
    troupe = factories.make_troupe(session, name="夕阳红舞蹈队", organization=village)
    program = factories.make_program(
        session, festival=world.festival, troupe=troupe, title="茉莉花"
    )
    world.award(program, tier="first")
    other = factories.make_festival(session)
    factories.make_program(session, festival=other)
    session.commit()
    [row] = festival_awards(session, world.festival.id)
    assert (row.program_id, row.program_title, row.troupe_name) == (
        program.id,
        "茉莉花",
        "夕阳红舞蹈队",
    )
    assert (row.organization_id, row.organization_name) == (village.id, "西村委会")
    assert row.category_name == world.festival.categories[0].name


def test_festival_awards_lists_only_that_festival(session, world):
    world.award(world.programs[0])
    other = World(session, programs=1, office="郊区文化馆")
    other.award(other.programs[0])
    assert [r.program_id for r in festival_awards(session, world.festival.id)] == [
        world.programs[0].id
    ]
