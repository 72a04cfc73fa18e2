"""Objection pages: the public form during the notice period (公示) and its receipt; the
organizer's queue with a decision form per open objection."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from festival.awards import queries as award_queries
from festival.awards.permissions import awards_are_public, can_manage_awards
from festival.core.clock import utcnow
from festival.core.errors import (
    Conflict,
    NoticeClosed,
    TooManyRequests,
    ValidationFailed,
)
from festival.core.titles import book_title
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import festival_by_slug, load_managed_festival
from festival.notice import objections, queries
from festival.notice.forms import WHOLE_LIST, DecisionForm, ObjectionForm
from festival.notice.working_days import notice_last_day
from festival.web.forms import choices, show_errors_on_form
from festival.web.labels import label

bp = Blueprint("notice", __name__)

QUEUE_PER_PAGE = 30
SENT_KEY = "objection_reference"
STATUS_LABELS = {
    "open": _l("Awaiting a decision"),
    "upheld": _l("Upheld"),
    "rejected": _l("Rejected"),
}


def _published_festival_or_404(slug: str) -> Festival:
    festival = festival_by_slug(db.session, slug)
    if festival is None or festival.status is FestivalStatus.draft:
        abort(404)
    if not awards_are_public(festival):
        abort(404)
    return festival


def _award_choices(festival: Festival) -> list[tuple[str, str]]:
    rows = award_queries.festival_awards(db.session, festival.id)
    choices = [(WHOLE_LIST, _("The award list as a whole"))]
    for row in rows:
        parts = [str(label("award_tier", row.tier))]
        if row.program_title:
            parts.append(book_title(row.program_title))
        if row.troupe_name:
            parts.append(row.troupe_name)
        elif row.organization_name:
            parts.append(row.organization_name)
        choices.append((str(row.id), " · ".join(parts)))
    return choices


def _last_day(festival: Festival):
    """The last day of a working-day notice period (it ends at the midnight after it), which
    the award list shows too; None for a period in calendar days, shown as a moment."""
    if festival.notice_working_days and festival.notice_until:
        return notice_last_day(festival.notice_until, festival.timezone)
    return None


def _closed(festival: Festival):
    return render_template("notice/closed.html", festival=festival), 409


@bp.route("/festivals/<slug>/objections/new", methods=["GET", "POST"])
def new_objection(slug: str):
    """The public form: by real name, during the notice period only."""
    festival = _published_festival_or_404(slug)
    now = utcnow()
    if not objections.notice_is_open(festival, now):
        return _closed(festival)
    form = ObjectionForm()
    form.award_id.choices = choices(_award_choices(festival))
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                objection = objections.raise_objection(
                    db.session,
                    festival=festival,
                    award_id=int(form.award_id.data) if form.award_id.data else None,
                    program_id=None,
                    name=form.name.data,
                    phone=form.phone.data,
                    organization=form.organization.data or "",
                    text=form.text.data,
                    client_address=request.remote_addr or "",
                    secret_key=current_app.config["SECRET_KEY"],
                    now=now,
                )
            except NoticeClosed:
                return _closed(festival)
            except TooManyRequests as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
                status = 429
            except ValidationFailed as error:
                db.session.rollback()
                show_errors_on_form(form, error)
            else:
                db.session.commit()
                session[SENT_KEY] = objection.reference
                return redirect(url_for("notice.objection_sent", slug=festival.slug))
    return render_template(
        "notice/new.html", festival=festival, form=form, last_day=_last_day(festival)
    ), status


@bp.get("/festivals/<slug>/objections/sent")
def objection_sent(slug: str):
    """The receipt: the reference number, large, and what happens next."""
    festival = _published_festival_or_404(slug)
    reference = session.get(SENT_KEY)
    if not reference:
        return redirect(url_for("public.festival_awards", slug=festival.slug))
    return render_template("notice/sent.html", festival=festival, reference=reference)


def _render_queue(festival: Festival, *, failed=None, status: int = 200):
    """The queue; ``failed`` is the refused decision form, shown with its messages."""
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 1_000_000))
    listing = queries.queue_page(db.session, festival.id, page=page, per_page=QUEUE_PER_PAGE)
    forms = {}
    for row in listing.items:
        if row.objection.status.value == "open":
            prefix = f"o{row.objection.id}"
            if failed is not None and failed._prefix == f"{prefix}-":
                forms[row.objection.id] = failed
            else:
                forms[row.objection.id] = DecisionForm(prefix=prefix, formdata=None)
    return render_template(
        "notice/queue.html",
        festival=festival,
        listing=listing,
        forms=forms,
        counts=queries.objection_counts(db.session, festival.id),
        notice_open=objections.notice_is_open(festival, utcnow()),
        last_day=_last_day(festival),
        status_labels=STATUS_LABELS,
    ), status


@bp.get("/festivals/<int:festival_id>/objections")
@login_required
def queue(festival_id: int):
    """The organizer's queue: open objections first, each with a decision form."""
    festival = load_managed_festival(
        db.session, current_user, festival_id, may_manage=can_manage_awards
    )
    return _render_queue(festival)


@bp.post("/objections/<int:objection_id>/decision")
@login_required
def decide(objection_id: int):
    objection = queries.load_objection(db.session, current_user, objection_id)
    festival = objection.festival
    form = DecisionForm(prefix=f"o{objection.id}")
    if not form.validate():
        return _render_queue(festival, failed=form, status=422)
    try:
        objections.decide(
            db.session,
            objection=objection,
            outcome=form.outcome.data,
            reply=form.reply.data,
            actor=current_user._get_current_object(),
            now=utcnow(),
        )
    except ValidationFailed as error:
        db.session.rollback()
        show_errors_on_form(form, error)
        return _render_queue(festival, failed=form, status=422)
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _render_queue(festival, status=409)
    db.session.commit()
    flash(
        _("Decision saved for objection %(reference)s.", reference=objection.reference), "success"
    )
    return redirect(url_for("notice.queue", festival_id=festival.id, _anchor="objections"))
