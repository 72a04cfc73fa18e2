"""Judges' comments (点评) with a session: saved with the scores, checked with them, audited
with them, and read by the troupe's leader after publication without who wrote them."""

import pytest
from sqlalchemy import func, select, update

from festival.audit.models import AuditEntry
from festival.core.errors import ValidationFailed
from festival.festivals.models import FestivalStatus
from festival.judging import queries, services
from festival.judging import scores as judging_scores
from festival.judging.comments import program_comments, readable_comments
from festival.judging.models import RoundEntry, RoundStatus, Score, ScoreComment
from tests import factories

NOW = factories.NOW


class Commented:
    """An open festival run by an office, a troupe with its leader and two programs, another
    leader, two judges and a round (初选) of one criterion; ``add_round`` adds the next."""

    def __init__(self, session, *, programs: int = 2):
        self.session = session
        self.festival = factories.make_festival(session)
        self.organizer = factories.make_user(
            session, role="organizer", organization=self.festival.organization
        )
        self.leader = factories.make_user(session, role="leader")
        self.other_leader = factories.make_user(session, role="leader")
        self.troupe = factories.make_troupe(
            session,
            name="夕阳红艺术团",
            organization=self.festival.organization,
            leader=self.leader,
        )
        self.programs = [
            factories.make_program(
                session, festival=self.festival, troupe=self.troupe, title=f"节目{i}"
            )
            for i in range(programs)
        ]
        self.judges = [
            factories.make_user(session, role="judge", username=f"judge{i}-{id(self)}")
            for i in range(2)
        ]
        self.rounds = []
        self.add_round("初选")
        session.commit()

    def add_round(self, name):
        """A round of one criterion with both judges and every program; the one before it is
        closed first (set directly: how it closes does not matter here)."""
        if self.rounds:
            self.rounds[-1].status = RoundStatus.closed
            self.session.execute(
                update(RoundEntry)
                .where(RoundEntry.round_id == self.rounds[-1].id)
                .values(advanced=True)
            )
        round_ = services.create_round(
            self.session,
            festival=self.festival,
            name=name,
            criteria=[{"name": "艺术表现", "max_score": 100, "weight": 1}],
            actor=self.organizer,
            now=NOW,
        )
        for judge in self.judges:
            services.assign_judge(
                self.session, round_=round_, user_id=judge.id, actor=self.organizer, now=NOW
            )
        services.add_entries(
            self.session,
            round_=round_,
            program_ids=[p.id for p in self.programs],
            actor=self.organizer,
            now=NOW,
        )
        self.rounds.append(round_)
        self.session.commit()
        return round_

    def save(self, judge, score="80", comment=None, *, program=None, round_=None):
        round_ = round_ or self.rounds[0]
        return judging_scores.save_scores(
            self.session,
            round_=round_,
            program_id=(program or self.programs[0]).id,
            judge=judge,
            values={"艺术表现": score},
            now=NOW,
            comment=comment,
        )

    def publish(self):
        self.festival.status = FestivalStatus.announced
        self.session.commit()


@pytest.fixture
def world(session):
    return Commented(session)


def stored_comments(session) -> list[tuple[int, str]]:
    session.rollback()
    return list(session.execute(select(ScoreComment.judge_id, ScoreComment.text)).all())


def comment_audits(session) -> list[dict]:
    return [
        entry.changes
        for entry in session.execute(
            select(AuditEntry).where(AuditEntry.action == "save_scores").order_by(AuditEntry.id)
        ).scalars()
        if "comment" in entry.changes
    ]


def test_a_comment_is_saved_stripped_with_the_scores(session, world):
    judge = world.judges[0]
    world.save(judge, comment="  动作整齐，表情自然。\r\n建议加强队形变化。  ")
    session.commit()
    assert stored_comments(session) == [(judge.id, "动作整齐，表情自然。\n建议加强队形变化。")]


def test_a_comment_only_change_with_unchanged_scores_is_saved_and_audited(session, world):
    judge = world.judges[0]
    world.save(judge)
    session.commit()
    world.save(judge, comment="节奏感强")
    session.commit()
    world.save(judge, comment="节奏感强，服装得体")
    session.commit()
    assert stored_comments(session) == [(judge.id, "节奏感强，服装得体")]
    assert comment_audits(session)[-2:] == [
        {"program_id": world.programs[0].id, "comment": [None, "节奏感强"]},
        {"program_id": world.programs[0].id, "comment": ["节奏感强", "节奏感强，服装得体"]},
    ]


def test_an_absent_comment_leaves_it_and_an_empty_one_removes_it(session, world):
    judge = world.judges[0]
    world.save(judge, comment="很好")
    session.commit()
    world.save(judge, score="81")
    session.commit()
    assert stored_comments(session) == [(judge.id, "很好")]
    world.save(judge, score="81", comment="   ")
    session.commit()
    assert stored_comments(session) == []
    assert comment_audits(session)[-1]["comment"] == ["很好", None]


def test_a_comment_over_500_characters_is_refused_with_the_scores_and_nothing_is_written(
    session, world
):
    judge = world.judges[0]
    with pytest.raises(ValidationFailed) as refused:
        world.save(judge, score="101", comment="好" * 501)
    assert set(refused.value.fields) == {"comment", "艺术表现"}
    session.rollback()
    assert session.execute(select(func.count()).select_from(Score)).scalar_one() == 0
    assert stored_comments(session) == []
    world.save(judge, comment=" " + "好" * 500 + "\n")  # 500 once stripped
    session.commit()
    assert stored_comments(session) == [(judge.id, "好" * 500)]


def test_saving_a_comment_costs_the_same_queries_however_large_the_round(session, count_queries):
    counts = []
    for size in (2, 10):
        world = Commented(session, programs=size)
        for program in world.programs:
            world.save(world.judges[1], comment="旁人的点评", program=program)
        session.commit()
        with count_queries() as first:
            world.save(world.judges[0], comment="第一次")
        session.commit()
        with count_queries() as changed:
            world.save(world.judges[0], comment="改过的")
        session.commit()
        counts.append((len(first), len(changed)))
    assert counts[0] == counts[1], counts


def test_the_judges_sheet_carries_only_their_own_comment(session, world):
    world.save(world.judges[0], comment="甲的点评")
    world.save(world.judges[1], comment="乙的点评")
    session.commit()
    _criteria, rows = queries.judge_sheet(session, world.rounds[0], world.judges[0])
    assert [row.comment for row in rows] == ["甲的点评", ""]


def test_declaring_a_conflict_removes_the_judges_comment(session, world):
    world.save(world.judges[0], comment="将被移除")
    world.save(world.judges[1], comment="保留")
    session.commit()
    judging_scores.declare_conflict(
        session,
        round_=world.rounds[0],
        judge_id=world.judges[0].id,
        program_id=world.programs[0].id,
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    assert stored_comments(session) == [(world.judges[1].id, "保留")]


def test_comments_come_round_by_round_ordered_by_text_never_by_judge(session, world):
    # The second judge writes first and would come first by judge or by time.
    world.save(world.judges[1], comment="B 乙评初选")
    world.save(world.judges[0], comment="A 甲评初选")
    world.save(world.judges[0], comment="别的节目", program=world.programs[1])
    session.commit()
    world.add_round("复赛")
    world.save(world.judges[0], comment="Z 甲评复赛", round_=world.rounds[1])
    world.save(world.judges[1], comment="C 乙评复赛", round_=world.rounds[1])
    session.commit()
    comments = program_comments(session, world.programs[0].id)
    assert [(c.round_name, c.text) for c in comments] == [
        ("初选", "A 甲评初选"),
        ("初选", "B 乙评初选"),
        ("复赛", "C 乙评复赛"),
        ("复赛", "Z 甲评复赛"),
    ]
    assert {c.round_id for c in comments} == {r.id for r in world.rounds}
    assert not hasattr(comments[0], "judge_id")


def test_the_leader_reads_comments_only_once_published_organizers_at_any_time(session, world):
    world.save(world.judges[0], comment="很好")
    session.commit()
    program = world.programs[0]
    assert readable_comments(session, world.leader, program) is None
    assert readable_comments(session, world.other_leader, program) is None
    assert [c.text for c in readable_comments(session, world.organizer, program)] == ["很好"]
    world.publish()
    assert [c.text for c in readable_comments(session, world.leader, program)] == ["很好"]
    assert readable_comments(session, world.other_leader, program) is None
    assert readable_comments(session, world.judges[0], program) is None
