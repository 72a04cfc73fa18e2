"""A round on its performance day for live-scoring tests: five judges, two criteria
(艺术表现 out of 60, weight 1; 舞台效果 out of 40, weight 1), three programs in running order,
the first on stage."""

from sqlalchemy import update

from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import RoundEntry, RoundStage
from festival.judging.result_keys import results_changed
from tests import factories

NOW = factories.NOW


class LiveWorld:
    def __init__(self, session, *, judges: int = 5, aggregation: str = "trimmed_mean"):
        self.session = session
        self.festival = factories.make_festival(session)
        self.organizer = factories.make_user(
            session, role="organizer", organization=self.festival.organization
        )
        troupe = factories.make_troupe(
            session, name="夕阳红艺术团", organization=self.festival.organization
        )
        self.programs = [
            factories.make_program(session, festival=self.festival, troupe=troupe, title=f"黄河{i}")
            for i in range(3)
        ]
        self.judges = [
            factories.make_user(session, role="judge", display_name=f"评委姓名{i}")
            for i in range(judges)
        ]
        self.round = services.create_round(
            session,
            festival=self.festival,
            name="决赛",
            aggregation=aggregation,
            criteria=[
                {"name": "艺术表现", "max_score": 60, "weight": 1},
                {"name": "舞台效果", "max_score": 40, "weight": 1},
            ],
            actor=self.organizer,
            now=NOW,
        )
        for judge in self.judges:
            services.assign_judge(
                session, round_=self.round, user_id=judge.id, actor=self.organizer, now=NOW
            )
        services.add_entries(
            session,
            round_=self.round,
            program_ids=[p.id for p in self.programs],
            actor=self.organizer,
            now=NOW,
        )
        for position, program in enumerate(reversed(self.programs), start=1):
            session.execute(
                update(RoundEntry)
                .where(RoundEntry.program_id == program.id)
                .values(running_position=position)
            )
        session.commit()
        self.on_stage(self.programs[0])

    def entry(self, program):
        return self.session.query(RoundEntry).filter_by(program_id=program.id).one()

    def on_stage(self, program, when=NOW):
        """Put ``program`` on stage (directly: engineer b's service is tested elsewhere)."""
        entry_id = self.entry(program).id
        stage = self.session.get(RoundStage, self.round.id)
        if stage is None:
            self.session.add(RoundStage(round_id=self.round.id, entry_id=entry_id, changed_at=when))
        else:
            stage.entry_id, stage.changed_at = entry_id, when
        results_changed(self.session, self.round.id)
        self.session.commit()

    def save(self, judge, art, stage, program=None):
        judging_scores.save_scores(
            self.session,
            round_=self.round,
            program_id=(program or self.programs[0]).id,
            judge=judge,
            values={"艺术表现": art, "舞台效果": stage},
            now=NOW,
        )
        self.session.commit()
