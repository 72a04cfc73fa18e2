"""Automatic conflicts of interest (回避) with a session: a judge never scores the programs of
troupes of their own organisation or of one under it; stored as automatic conflicts, audited
once per call, never doubling a declared one, in a constant number of queries."""

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict as ConflictError
from festival.core.errors import Forbidden
from festival.judging import conflicts, queries, services
from festival.judging import scores as judging_scores
from festival.judging.models import Conflict
from tests import factories

NOW = factories.NOW
CRITERIA = [{"name": "art", "max_score": 10, "weight": 1}]


class City:
    """Province P → city C → districts D1, D2; a city festival run by C with a program from a
    troupe of each of D1, D2 and C; judges of D1, D2, C, P and of no organisation."""

    def __init__(self, session, *, auto_conflicts=True):
        self.session = session
        self.province = factories.make_organization(session, level="province")
        self.city = factories.make_organization(session, level="city", parent=self.province)
        self.d1 = factories.make_organization(session, parent=self.city)
        self.d2 = factories.make_organization(session, parent=self.city)
        self.festival = factories.make_festival(session, organization=self.city, level="city")
        self.organizer = factories.make_user(session, role="organizer", organization=self.city)
        self.programs = {
            name: factories.make_program(
                session,
                festival=self.festival,
                troupe=factories.make_troupe(session, organization=office),
                title=f"Program {name}",
            )
            for name, office in (("d1", self.d1), ("d2", self.d2), ("city", self.city))
        }
        self.judges = {
            name: factories.make_user(session, role="judge", organization=office)
            for name, office in (
                ("d1", self.d1),
                ("d2", self.d2),
                ("city", self.city),
                ("province", self.province),
                ("none", None),
            )
        }
        self.round = services.create_round(
            session,
            festival=self.festival,
            name="City round",
            criteria=CRITERIA,
            auto_conflicts=auto_conflicts,
            actor=self.organizer,
            now=NOW,
        )

    def assign(self, *names):
        for name in names or self.judges:
            services.assign_judge(
                self.session,
                round_=self.round,
                user_id=self.judges[name].id,
                actor=self.organizer,
                now=NOW,
            )

    def enter(self, *names):
        services.add_entries(
            self.session,
            round_=self.round,
            program_ids=[self.programs[n].id for n in names or self.programs],
            actor=self.organizer,
            now=NOW,
        )

    def pairs(self):
        judge_names = {j.id: n for n, j in self.judges.items()}
        program_names = {p.id: n for n, p in self.programs.items()}
        return {
            (judge_names[c.judge_id], program_names[c.program_id], c.automatic)
            for c in self.session.execute(
                select(Conflict).where(Conflict.round_id == self.round.id)
            ).scalars()
        }


# Each district's judge: their own district's troupe, and the city office's (theirs is under
# it); the city's judge: the city office's own troupe only (the festival's own office judges
# the districts); the province's judge: none.
EXPECTED = {
    ("d1", "d1", True),
    ("d1", "city", True),
    ("d2", "d2", True),
    ("d2", "city", True),
    ("city", "city", True),
}


@pytest.mark.parametrize("judges_first", [True, False])
def test_judge_never_scores_programs_of_own_organisation_or_one_under_it(session, judges_first):
    world = City(session)
    if judges_first:
        world.assign()
        world.enter()
    else:
        world.enter()
        world.assign()
    assert world.pairs() == EXPECTED
    stored = session.execute(select(Conflict).where(Conflict.round_id == world.round.id)).scalars()
    assert {(c.reason, c.declared_by_id) for c in stored} == {("", None)}


def test_entering_programs_twice_adds_no_conflict_twice(session):
    world = City(session)
    world.assign()
    world.enter("d1")
    world.enter("d1", "d2", "city")
    assert world.pairs() == EXPECTED


def test_round_without_auto_conflicts_has_none(session):
    world = City(session, auto_conflicts=False)
    world.assign()
    world.enter()
    assert world.pairs() == set()


def test_one_audit_entry_per_call_names_the_pairs(session):
    world = City(session)
    world.enter()
    world.assign("d1")
    world.assign("none")
    entries = list(
        session.execute(
            select(AuditEntry).where(AuditEntry.action == "automatic_conflicts")
        ).scalars()
    )
    assert len(entries) == 1
    judge = world.judges["d1"].id
    assert entries[0].changes == {
        "conflicts": [[judge, world.programs["d1"].id], [judge, world.programs["city"].id]]
    }
    world.assign("province")  # above the festival's office: no conflict, no entry
    world.assign("city")
    assert (
        len(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == "automatic_conflicts")
            ).all()
        )
        == 2
    )


def test_manual_conflict_on_an_automatic_pair_is_refused(session):
    world = City(session)
    world.assign("d1")
    world.enter("d1")
    with pytest.raises(ConflictError):
        judging_scores.declare_conflict(
            session,
            round_=world.round,
            judge_id=world.judges["d1"].id,
            program_id=world.programs["d1"].id,
            actor=world.organizer,
            now=NOW,
        )


def test_automatic_conflict_never_doubles_a_declared_one(session):
    world = City(session)
    judge = world.judges["none"]
    world.assign("none")
    world.enter("d1")
    judging_scores.declare_conflict(
        session,
        round_=world.round,
        judge_id=judge.id,
        program_id=world.programs["d1"].id,
        reason="Her daughter dances in it",
        actor=world.organizer,
        now=NOW,
    )
    judge.organization_id = world.d1.id  # the judge moves to the district office
    session.flush()
    added = conflicts.add_automatic_conflicts(
        session, round_=world.round, actor=world.organizer, now=NOW
    )
    assert added == []
    assert world.pairs() == {("none", "d1", False)}


def test_judge_cannot_save_scores_for_an_automatic_conflict(session):
    world = City(session)
    world.assign("d1")
    world.enter()
    with pytest.raises(Forbidden):
        judging_scores.save_scores(
            session,
            round_=world.round,
            program_id=world.programs["d1"].id,
            judge=world.judges["d1"],
            values={"art": 5},
            now=NOW,
        )
    judging_scores.save_scores(
        session,
        round_=world.round,
        program_id=world.programs["d2"].id,
        judge=world.judges["d1"],
        values={"art": 5},
        now=NOW,
    )


def test_round_conflicts_say_the_rule_as_the_reason(app, session):
    world = City(session)
    world.assign("d1", "city")
    world.enter("d1", "city")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        titles = {p.title: name for name, p in world.programs.items()}
        rows = {
            (row.judge_id, row.automatic, titles[row.title]): str(row.reason)
            for row in queries.round_conflicts(session, world.round.id)
        }
    d1, city = world.d1.name, world.city.name
    assert rows == {
        (world.judges["d1"].id, True, "d1"): (
            f"The judge's organisation ({d1}) is the troupe's organisation."
        ),
        (world.judges["d1"].id, True, "city"): (
            f"The judge's organisation ({d1}) is under the troupe's organisation ({city})."
        ),
        (world.judges["city"].id, True, "city"): (
            f"The judge's organisation ({city}) is the troupe's organisation."
        ),
    }


def _district_round(session, count, *, auto_conflicts=True):
    """The city round with ``count`` programs of D1 troupes entered and no judge yet."""
    world = City(session, auto_conflicts=auto_conflicts)
    extra = [
        factories.make_program(
            session,
            festival=world.festival,
            troupe=factories.make_troupe(session, organization=world.d1),
            performers=1,
        )
        for _ in range(count)
    ]
    world.programs.update({f"extra{p.id}": p for p in extra})
    return world


def _conflicted_programs(session, world):
    return sorted(
        session.execute(
            select(Conflict.program_id).where(Conflict.round_id == world.round.id)
        ).scalars()
    )


def test_assigning_a_judge_costs_the_same_queries_for_5_and_60_programs(session, count_queries):
    counted = []
    for size in (5, 60):
        world = _district_round(session, size)
        world.enter()
        session.commit()
        with count_queries() as statements:
            world.assign("d1")
            session.flush()
        counted.append(len(statements))
        d1 = [p.id for p in world.programs.values() if p.troupe.organization_id == world.d1.id]
        assert _conflicted_programs(session, world) == sorted([*d1, world.programs["city"].id])
        session.commit()
    assert counted[0] == counted[1]


def test_conflicts_for_entered_programs_cost_the_same_queries_for_5_and_60(session, count_queries):
    """Entering programs finds every judge's conflicts with them in one query and stores
    them with one bulk insert."""
    counted = []
    for size in (5, 60):
        world = _district_round(session, size, auto_conflicts=False)
        world.assign()
        world.enter()
        world.round.auto_conflicts = True
        session.commit()
        with count_queries() as statements:
            conflicts.add_automatic_conflicts(
                session, round_=world.round, actor=world.organizer, now=NOW
            )
            session.flush()
        counted.append(len(statements))
        # D1's and D2's programs: their district's judge; the city office's: both districts'
        # judges and the city's
        d1 = [p.id for p in world.programs.values() if p.troupe.organization_id == world.d1.id]
        assert len(_conflicted_programs(session, world)) == len(d1) + 1 + 3
        session.commit()
    assert counted[0] == counted[1]


def test_a_district_judge_never_scores_the_troupes_of_the_towns_under_the_district(session):
    """The issue's example: at the city festival, a district's judge is kept off that
    district's troupes, also those registered with a town office under the district; the
    city's own judges are not kept off the towns."""
    world = City(session)
    town = factories.make_organization(session, level="other", parent=world.d1)
    program = factories.make_program(
        session,
        festival=world.festival,
        troupe=factories.make_troupe(session, organization=town),
        title="Program town",
    )
    world.programs["town"] = program
    world.assign("d1", "d2", "city")
    world.enter("town")
    assert world.pairs() == {("d1", "town", True)}
