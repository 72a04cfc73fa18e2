"""The pages of live scoring: a judge's tablet (/rounds/<id>/live/judge) and the big screen
(/rounds/<id>/screen). Both are shells that poll ``GET /api/v1/rounds/<id>/live``."""

from flask import Blueprint, render_template, url_for
from flask_login import current_user

from festival.core.errors import NotFound
from festival.db import db
from festival.judging import permissions, queries
from festival.judging.models import Round
from festival.web.auth import require

bp = Blueprint("live", __name__)


def _plain(value) -> str:
    """A maximum as people write it: 60, 0.5."""
    return f"{value.normalize():f}"


@bp.get("/rounds/<int:round_id>/live/judge")
def judge_tablet(round_id: int):
    require(current_user.is_authenticated)
    round_ = db.session.get(Round, round_id)
    if round_ is None or not permissions.can_score(
        current_user,
        round_,
        is_assigned=queries.is_assigned(db.session, round_.id, current_user.id),
    ):
        raise NotFound()
    criteria = [
        {"id": c.id, "name": c.name, "max": _plain(c.max_score)}
        for c in queries.round_criteria(db.session, round_.id)
    ]
    return render_template(
        "performance/live/judge.html",
        round=round_,
        criteria=criteria,
        live_url=url_for("api.live_state", round_id=round_.id),
        scores_url=url_for("api.save_scores", round_id=round_.id, program_id=0)[:-1],
        sheet_url=url_for("api.score_sheet", round_id=round_.id),
    )


@bp.get("/rounds/<int:round_id>/screen")
def screen(round_id: int):
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound()
    if not round_.screen_public:
        require(current_user.is_authenticated)
        queries.load_round(db.session, current_user, round_id)  # NotFound for others
    return render_template(
        "performance/live/screen.html",
        round=round_,
        live_url=url_for("api.live_state", round_id=round_.id),
    )
