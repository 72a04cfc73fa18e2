"""Round services with a session: set-up validation, entries, conflicts, completeness, close,
the audit trail of scores (recommending upward: tests/awards/test_recommendations.py)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict, Forbidden, RoundClosed, TieAtCutoff, ValidationFailed
from festival.festivals.models import FestivalStatus
from festival.judging import queries, services
from festival.judging import scores as judging_scores
from festival.judging.models import JudgeTotal, Round, RoundEntry, RoundStatus, Score
from festival.judging.result_queries import round_results
from festival.programs.models import ProgramStatus
from tests import factories

NOW = factories.NOW
CRITERIA = [
    {"name": "art", "max_score": 60, "weight": 1},
    {"name": "layout", "max_score": 40, "weight": "0.5"},
]


class World:
    """An open festival, an admin, four submitted programs, three judges, a round of two
    criteria (art ×1, layout ×0.5) advancing two."""

    def __init__(self, session, *, judges=3, programs=4, advance_count=2):
        self.session = session
        self.festival = factories.make_festival(session)
        self.admin = factories.make_user(session, role="admin")
        self.programs = [
            factories.make_program(session, festival=self.festival, title=f"Program {i}")
            for i in range(programs)
        ]
        self.judges = [factories.make_user(session, role="judge") for _ in range(judges)]
        self.round = services.create_round(
            session,
            festival=self.festival,
            name="First",
            aggregation="trimmed_mean",
            criteria=CRITERIA,
            advance_count=advance_count,
            actor=self.admin,
            now=NOW,
        )
        for judge in self.judges:
            services.assign_judge(
                session, round_=self.round, user_id=judge.id, actor=self.admin, now=NOW
            )
        services.add_entries(
            session,
            round_=self.round,
            program_ids=[p.id for p in self.programs],
            actor=self.admin,
            now=NOW,
        )

    def score(self, program, judge, art, layout, round_=None):
        return judging_scores.save_scores(
            self.session,
            round_=round_ or self.round,
            program_id=program.id,
            judge=judge,
            values={"art": art, "layout": layout},
            now=NOW,
        )

    def score_everyone(self, program, art, layout):
        for judge in self.judges:
            self.score(program, judge, art, layout)

    def close(self, advance_program_ids=None):
        return services.close_round(
            self.session,
            round_=self.round,
            advance_program_ids=advance_program_ids,
            actor=self.admin,
            now=NOW,
        )


@pytest.fixture
def world(session):
    return World(session)


def rounds_in(session) -> int:
    return session.execute(select(func.count()).select_from(Round)).scalar_one()


# Creating a round


def new_round(session, festival, admin, criteria, **kwargs):
    return services.create_round(
        session, festival=festival, name="Round", criteria=criteria, actor=admin, now=NOW, **kwargs
    )


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ([], "criteria"),
        ([{"name": "art", "max_score": 10}, {"name": "art", "max_score": 5}], "criteria.1"),
        ([{"name": "art", "max_score": 0}], "criteria.0"),
        ([{"name": "art", "max_score": 10, "weight": 0}], "criteria.0"),
        ([{"name": "art", "max_score": "abc"}], "criteria.0"),
        ([{"name": "art", "max_score": "10.005"}], "criteria.0"),  # more than two places
    ],
)
def test_create_round_refuses_bad_criteria_and_stores_nothing(session, criteria, field):
    festival = factories.make_festival(session)
    admin = factories.make_user(session, role="admin")
    with pytest.raises(ValidationFailed) as refused:
        new_round(session, festival, admin, criteria)
    assert set(refused.value.fields) == {field}
    assert rounds_in(session) == 0
    assert festival.status is FestivalStatus.open


def test_create_round_refuses_a_festival_in_draft(session):
    festival = factories.make_festival(session, status="draft")
    admin = factories.make_user(session, role="admin")
    with pytest.raises(ValidationFailed) as refused:
        new_round(session, festival, admin, CRITERIA)
    assert set(refused.value.fields) == {"festival_id"}
    assert rounds_in(session) == 0


def test_create_round_refuses_while_the_previous_round_is_open(session, world):
    with pytest.raises(ValidationFailed) as refused:
        new_round(session, world.festival, world.admin, CRITERIA)
    assert set(refused.value.fields) == {"festival_id"}
    assert rounds_in(session) == 1


def test_create_round_stores_criteria_in_order_and_leaves_the_festival_open(world):
    art, layout = world.round.criteria
    assert (art.name, art.max_score, art.weight, art.position) == ("art", 60, 1, 1)
    assert (layout.name, layout.max_score, layout.weight) == ("layout", 40, Decimal("0.5"))
    assert world.round.status is RoundStatus.open and world.round.position == 1
    assert world.festival.status is FestivalStatus.open  # closing intake is explicit


# Entries


def test_the_second_round_takes_only_programs_advanced_from_the_first(session, world):
    for i, program in enumerate(world.programs):
        world.score_everyone(program, 50 - i, 30)  # totals 65, 64, 63, 62: no tie
    assert world.close() == [world.programs[0].id, world.programs[1].id]
    second = new_round(session, world.festival, world.admin, CRITERIA)
    assert second.position == 2
    with pytest.raises(ValidationFailed) as refused:
        services.add_entries(
            session,
            round_=second,
            program_ids=[world.programs[0].id, world.programs[2].id],
            actor=world.admin,
            now=NOW,
        )
    [problem] = refused.value.fields["program_ids"]
    assert "Program 2" in str(problem)  # named by title; Program 0 is fine
    assert (
        session.execute(
            select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == second.id)
        ).scalar_one()
        == 0
    )
    services.add_entries(
        session,
        round_=second,
        program_ids=[world.programs[0].id, world.programs[1].id],
        actor=world.admin,
        now=NOW,
    )
    assert queries.entry_count(session, second.id) == 2
    assert world.programs[0].status is ProgramStatus.screening


def test_the_first_round_refuses_a_program_of_another_festival(session, world):
    other = factories.make_program(session, festival=factories.make_festival(session))
    with pytest.raises(ValidationFailed):
        services.add_entries(
            session, round_=world.round, program_ids=[other.id], actor=world.admin, now=NOW
        )


# Conflicts and completeness


def test_results_are_complete_only_when_every_judge_scored_every_entry(session, world):
    for program in world.programs:
        world.score_everyone(program, 50, 30)
    last_program, last_judge = world.programs[-1], world.judges[-1]
    entry_id = _entry_id(session, world, last_program)
    for table in (Score.__table__, JudgeTotal.__table__):
        session.execute(
            table.delete().where(table.c.judge_id == last_judge.id, table.c.entry_id == entry_id)
        )
    results = round_results(session, world.round)
    assert (results.complete, results.missing) == (False, 1)
    world.score(last_program, last_judge, 50, 30)
    results = round_results(session, world.round)
    assert (results.complete, results.missing) == (True, 0)


def _entry_id(session, world, program) -> int:
    return session.execute(
        select(RoundEntry.id).where(
            RoundEntry.round_id == world.round.id, RoundEntry.program_id == program.id
        )
    ).scalar_one()


def test_a_conflict_removes_the_judges_scores_and_excludes_them_from_completeness(session, world):
    conflicted, program = world.judges[0], world.programs[0]
    for each in world.programs:
        world.score_everyone(each, 50, 30)
    judging_scores.declare_conflict(
        session,
        round_=world.round,
        judge_id=conflicted.id,
        program_id=program.id,
        reason="coach",
        actor=conflicted,
        now=NOW,
    )
    left = session.execute(
        select(func.count())
        .select_from(Score)
        .where(
            Score.judge_id == conflicted.id, Score.entry_id == _entry_id(session, world, program)
        )
    ).scalar_one()
    assert left == 0
    results = round_results(session, world.round)
    item = next(i for i in results.items if i.program_id == program.id)
    assert item.judge_count == 2 and conflicted.id not in item.judge_totals
    assert (results.complete, results.missing) == (True, 0)
    with pytest.raises(Forbidden):
        world.score(program, conflicted, 50, 30)


def test_declaring_the_same_conflict_twice_is_a_conflict(session, world):
    args = dict(
        round_=world.round,
        judge_id=world.judges[0].id,
        program_id=world.programs[0].id,
        actor=world.admin,
        now=NOW,
    )
    judging_scores.declare_conflict(session, **args)
    with pytest.raises(Conflict):
        judging_scores.declare_conflict(session, **args)


def test_the_results_score_uses_exact_judge_totals_beyond_two_places(session):
    world = World(session, judges=2, programs=1)
    # art 10 ×1 + layout 0.25 ×0.5 = 10 + 0.125 = 10.125 for both judges;
    # mean 10.125 → half up 10.13 (a total cut to two places before averaging gives 10.12)
    for judge in world.judges:
        world.score(world.programs[0], judge, "10", "0.25")
    [item] = round_results(session, world.round).items
    assert item.judge_totals == {j.id: Decimal("10.125") for j in world.judges}
    assert item.score == Decimal("10.13")


def test_results_rank_and_aggregate_like_a_hand_computation(session, world):
    a, b, c, d = world.programs
    j1, j2, j3 = world.judges
    # a: totals 65 (50+15), 75 (55+20), 50 (40+10) → trimmed: keep 65 → 65.00
    for judge, (art, layout) in zip(world.judges, [(50, 30), (55, 40), (40, 20)], strict=True):
        world.score(a, judge, art, layout)
    # b and c: 60 + 20 = 80 from everyone → 80.00; d: 10 + 5 = 15 → 15.00
    world.score_everyone(b, 60, 40)
    world.score_everyone(c, 60, 40)
    world.score_everyone(d, 10, 10)
    items = round_results(session, world.round).items
    assert [(i.program_id, i.score, i.rank) for i in items] == [
        (b.id, Decimal("80.00"), 1),
        (c.id, Decimal("80.00"), 1),
        (a.id, Decimal("65.00"), 3),
        (d.id, Decimal("15.00"), 4),
    ]
    item_a = items[2]
    assert (item_a.dropped_high, item_a.dropped_low) == (j2.id, j3.id)


# Closing


def test_close_refuses_while_score_sheets_are_missing(session, world):
    world.score_everyone(world.programs[0], 50, 30)
    with pytest.raises(Conflict) as refused:
        world.close()
    assert not isinstance(refused.value, TieAtCutoff)
    assert world.round.status is RoundStatus.open
    assert all(p.status is ProgramStatus.screening for p in world.programs)


def test_close_refuses_a_tie_at_the_cut_line_naming_the_tied_programs(session, world):
    a, b, c, d = world.programs
    world.score_everyone(a, 60, 40)  # 80
    world.score_everyone(b, 50, 30)  # 65
    world.score_everyone(c, 50, 30)  # 65: b and c share rank 2, one place left
    world.score_everyone(d, 10, 10)  # 15
    with pytest.raises(TieAtCutoff) as tie:
        world.close()
    assert sorted(int(pid) for pid in tie.value.fields["advance_program_ids"]) == sorted(
        [b.id, c.id]
    )
    assert "Program 1" in str(tie.value.message) and "Program 2" in str(tie.value.message)
    assert world.round.status is RoundStatus.open
    with pytest.raises(ValidationFailed):
        world.close([a.id, b.id, c.id])  # one place left, two chosen
    with pytest.raises(ValidationFailed):
        world.close([b.id])  # a is inside the line
    assert world.round.status is RoundStatus.open


def test_close_with_a_decision_freezes_scores_ranks_and_statuses(session, world):
    a, b, c, d = world.programs
    world.score_everyone(a, 60, 40)
    world.score_everyone(b, 50, 30)
    world.score_everyone(c, 50, 30)
    world.score_everyone(d, 10, 10)
    assert world.close([a.id, c.id]) == [a.id, c.id]
    entries = {
        e.program_id: e
        for e in session.execute(
            select(RoundEntry).where(RoundEntry.round_id == world.round.id)
        ).scalars()
    }
    assert [
        (entries[p.id].final_score, entries[p.id].final_rank, entries[p.id].advanced)
        for p in (a, b, c, d)
    ] == [
        (Decimal("80.00"), 1, True),
        (Decimal("65.00"), 2, False),
        (Decimal("65.00"), 2, True),
        (Decimal("15.00"), 4, False),
    ]
    assert [p.status for p in (a, b, c, d)] == [
        ProgramStatus.advanced,
        ProgramStatus.eliminated,
        ProgramStatus.advanced,
        ProgramStatus.eliminated,
    ]
    assert world.round.status is RoundStatus.closed and world.round.closed_at == NOW


def test_every_write_to_a_closed_round_raises_round_closed(session, world):
    for i, program in enumerate(world.programs):
        world.score_everyone(program, 50 - i, 30)
    world.close()
    extra_judge = factories.make_user(session, role="judge")
    writes = [
        lambda: world.score(world.programs[0], world.judges[0], 1, 1),
        lambda: services.assign_judge(
            session, round_=world.round, user_id=extra_judge.id, actor=world.admin, now=NOW
        ),
        lambda: judging_scores.declare_conflict(
            session,
            round_=world.round,
            judge_id=world.judges[0].id,
            program_id=world.programs[0].id,
            actor=world.admin,
            now=NOW,
        ),
        lambda: services.add_entries(
            session,
            round_=world.round,
            program_ids=[world.programs[0].id],
            actor=world.admin,
            now=NOW,
        ),
        lambda: world.close(),
    ]
    for write in writes:
        with pytest.raises(RoundClosed):
            write()


def test_score_changes_are_audited_with_old_and_new_values(session, world):
    program, judge = world.programs[0], world.judges[0]
    world.score(program, judge, 50, 30)
    session.commit()  # the stored values come back from the database as Numeric(7, 2)
    world.score(program, judge, "55.5", 30)  # only art changes
    world.score(program, judge, "55.50", "30.00")  # no change: no entry
    entries = list(
        session.execute(
            select(AuditEntry).where(AuditEntry.action == "save_scores").order_by(AuditEntry.id)
        ).scalars()
    )

    # Values are decimal strings as given or as stored ("55.5" or "55.50"): compare as numbers.
    def as_numbers(changes):
        return {
            key: value
            if key == "program_id"
            else [None if v is None else Decimal(v) for v in value]
            for key, value in changes.items()
        }

    assert [as_numbers(e.changes) for e in entries] == [
        {"program_id": program.id, "art": [None, 50], "layout": [None, 30]},
        {"program_id": program.id, "art": [50, Decimal("55.5")]},
    ]
    assert all(e.actor_id == judge.id for e in entries)


# The totals and scores kept beside the scores, which the ranking reads


def _kept(session, world, program):
    entry = session.execute(
        select(RoundEntry).where(
            RoundEntry.round_id == world.round.id, RoundEntry.program_id == program.id
        )
    ).scalar_one()
    totals = dict(
        session.execute(
            select(JudgeTotal.judge_id, JudgeTotal.units).where(JudgeTotal.entry_id == entry.id)
        ).all()
    )
    return entry.score, entry.judge_count, totals


def test_saving_scores_keeps_the_judge_total_and_the_entry_score(session, world):
    program = world.programs[0]
    first, second, third = world.judges
    world.score(program, first, "50.25", "30")  # 50.25 + 0.5 × 30 = 65.25
    assert _kept(session, world, program) == (Decimal("65.25"), 1, {first.id: 652500})
    world.score(program, second, 40, 20)  # 50
    world.score(program, third, 60, 40)  # 80: three totals, the highest and lowest dropped
    assert _kept(session, world, program)[:2] == (Decimal("65.25"), 3)
    world.score(program, first, 45, 10)  # 50: now 50, 50, 80 → the middle one
    score, count, totals = _kept(session, world, program)
    assert (score, count, totals[first.id]) == (Decimal("50.00"), 3, 500000)
    assert round_results(session, world.round).items[0].score == Decimal("50.00")


def test_a_conflict_removes_the_judge_total_and_rescores_the_entry(session, world):
    program = world.programs[0]
    first, second, third = world.judges
    for judge, art in ((first, 40), (second, 50), (third, 60)):
        world.score(program, judge, art, 0)
    assert _kept(session, world, program)[:2] == (Decimal("50.00"), 3)
    judging_scores.declare_conflict(
        session,
        round_=world.round,
        judge_id=third.id,
        program_id=program.id,
        actor=world.admin,
        now=NOW,
    )
    score, count, totals = _kept(session, world, program)
    assert (score, count, set(totals)) == (Decimal("45.00"), 2, {first.id, second.id})


def test_the_kept_ranking_matches_the_scores_judge_by_judge(session):
    """Whatever the scores, the ranking from kept totals equals the aggregate of every
    judge's criterion scores, item by item (rounding half up at the end only)."""
    import random

    from festival.judging import scoring

    world = World(session, judges=5, programs=12)
    rng = random.Random(7)
    for program in world.programs:
        for judge in world.judges:
            world.score(
                program, judge, f"{rng.randint(0, 6000) / 100:.2f}", f"{rng.randint(0, 80) / 2:.1f}"
            )
    results = round_results(session, world.round)
    stored = session.execute(
        select(Score.entry_id, Score.judge_id, Score.criterion_id, Score.value)
    ).all()
    weights = {c.id: c.weight for c in world.round.criteria}
    by_entry = {}
    for entry_id, judge_id, criterion_id, value in stored:
        by_entry.setdefault(entry_id, {}).setdefault(judge_id, {})[criterion_id] = value
    for item in results.items:
        judges = by_entry[item.entry_id]
        totals = {j: scoring.judge_total(scores, weights) for j, scores in judges.items()}
        assert item.judge_totals == totals
        assert item.score == scoring.aggregate(totals, "trimmed_mean").score
    assert [i.rank for i in results.items] == sorted(i.rank for i in results.items)
