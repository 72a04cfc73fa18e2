"""The organizer's pages for screening rounds (``rounds``: set-up, judges, entries, conflicts;
``results``: results, downloads, closing) and the judge's pages (``sheet``, a blueprint of its
own). Recommending advanced programs upward is an awards page
(``festival.awards.recommendation_views``).

The rules live in ``judging.services``, ``judging.scores`` and ``judging.scoring``; these views
load, authorize, parse, call one service, commit and render.
"""

from decimal import Decimal

from flask import Blueprint
from flask_login import current_user

from festival.db import db
from festival.judging import permissions, queries, scoring
from festival.judging.models import Round
from festival.judging.rule_words import aggregation_rule
from festival.web.auth import require
from festival.web.labels import ROUND_STATUS

bp = Blueprint("judging", __name__)

FORMATS = ("csv", "xlsx")


@bp.app_template_filter("points")
def points(value: Decimal | None) -> str:
    """A score with two places (87.50), rounded half up; a dash when there is none."""
    return "—" if value is None else str(scoring.two_places(value))


@bp.context_processor
def round_labels():
    return {
        "round_status_labels": ROUND_STATUS,
        "aggregation_rule": aggregation_rule,
    }


def round_or_404(round_id: int) -> tuple[Round, permissions.RoundAudience]:
    """The round and who the viewer is to it (what they see of it); unknown to anyone who
    neither runs nor judges it (as in the API)."""
    require(current_user.is_authenticated)
    return queries.load_round(db.session, current_user, round_id)


def managed_round_or_404(round_id: int) -> Round:
    round_, audience = round_or_404(round_id)
    require(audience.manages)
    return round_


# Each module adds its pages to ``bp`` when imported.
from festival.judging.views import results, rounds  # noqa: E402, F401
