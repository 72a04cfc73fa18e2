"""Recommending one of a closed round's advanced programs to a festival of a higher level, from
the round's results page (the rule: ``awards.recommendations``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.awards import recommendations
from festival.core.clock import utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.titles import bare_title
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.permissions import can_view_festival
from festival.judging import queries as judging_queries
from festival.judging.forms import RecommendForm
from festival.programs.queries import program_for
from festival.web.auth import require

bp = Blueprint("recommending", __name__)


@bp.route("/rounds/<int:round_id>/recommend", methods=["GET", "POST"])
def recommend(round_id: int):
    """Recommend one of the round's advanced programs to a festival of a higher level. GET
    (``?program_id=&festival_id=``, a reloaded question) asks again; it never 405s."""
    require(current_user.is_authenticated)
    round_, audience = judging_queries.load_round(db.session, current_user, round_id)
    require(audience.manages)
    if request.method == "GET":
        form = RecommendForm(formdata=request.args, meta={"csrf": False})
        if not (form.validate() and form.program_id.data and form.festival_id.data):
            return redirect(url_for("judging.results", round_id=round_id))
    else:
        form = RecommendForm()
        if not form.validate_on_submit():
            abort(400)
    program_id = form.program_id.data
    in_round = program_id is not None and judging_queries.round_entry(
        db.session, round_.id, program_id
    )
    if not in_round:
        raise NotFound()
    program = program_for(db.session, program_id)
    target = db.session.get(Festival, form.festival_id.data) if form.festival_id.data else None
    anchor = f"program-{program_id}"
    if target is None or not can_view_festival(current_user, target):
        flash(
            _("Choose a festival to recommend 《%(title)s》 to.", title=bare_title(program.title)),
            "error",
        )
        return redirect(url_for("judging.results", round_id=round_id, _anchor=anchor))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        # A recommendation enters the program into the other festival: ask first.
        return render_template(
            "judging/recommend.html",
            round=round_,
            festival=round_.festival,
            program=program,
            target=target,
            quota=recommendations.quota_use(db.session, source=round_.festival, target=target),
        )
    try:
        recommendations.recommend_program(
            db.session,
            program=program,
            target=target,
            category_id=None,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(
            " ".join(str(m) for ms in error.fields.values() for m in ms) or str(error.message),
            "error",
        )
    else:
        db.session.commit()
        flash(
            _(
                "《%(title)s》 is recommended to %(festival)s.",
                title=bare_title(program.title),
                festival=target.name,
            ),
            "success",
        )
    return redirect(url_for("judging.results", round_id=round_id, _anchor=anchor))
