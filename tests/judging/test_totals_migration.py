"""The migration that keeps judge totals and entry scores fills them from the scores a
database holds already: the demo's rounds, taken back one revision and forward again, keep
every total and score the services had written."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from festival.core.clock import utcnow
from festival.db import db
from festival.demo import load_demo
from festival.judging.models import JudgeTotal, RoundEntry
from tests.conftest import make_test_app

BEFORE = "6b9c69e76545"


def kept(session) -> tuple[list, list]:
    totals = session.execute(
        select(JudgeTotal.entry_id, JudgeTotal.judge_id, JudgeTotal.units).order_by(
            JudgeTotal.entry_id, JudgeTotal.judge_id
        )
    ).all()
    scores = session.execute(
        select(RoundEntry.id, RoundEntry.score, RoundEntry.judge_count).order_by(RoundEntry.id)
    ).all()
    return totals, scores


def test_upgrading_fills_totals_and_scores_from_the_scores(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'migrate.sqlite'}", tmp_path)
    with app.app_context():
        upgrade()
        load_demo(db.session, now=utcnow())
        db.session.commit()
        totals, scores = kept(db.session)
        assert len(totals) > 50 and any(score is not None for _id, score, _n in scores)
        db.session.remove()

        downgrade(revision=BEFORE)
        upgrade()
        assert kept(db.session) == (totals, scores)
        db.session.remove()
        db.engine.dispose()
