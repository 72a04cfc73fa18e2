"""Festival pages: list, create, edit, open for submissions, categories."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.accounts.forms import LEVEL_LABELS
from festival.accounts.models import Organization, Role
from festival.core.clock import utcnow
from festival.core.errors import DomainError, ValidationFailed
from festival.db import db
from festival.festivals import permissions, queries, services
from festival.festivals.forms import CategoryForm, FestivalForm
from festival.festivals.models import Festival, FestivalStatus
from festival.programs import queries as program_queries
from festival.programs.models import ProgramStatus
from festival.troupes.queries import organizations_for_troupes, visible_troupes
from festival.web.auth import require
from festival.web.forms import ConfirmForm, choices, show_errors_on_form
from festival.web.paging import page_args
from festival.web.zones import zone_choices

bp = Blueprint("festivals", __name__)


def local_deadline(festival: Festival) -> datetime:
    return festival.submission_deadline.astimezone(ZoneInfo(festival.timezone)).replace(tzinfo=None)


def local_media_deadline(festival: Festival) -> datetime | None:
    if festival.media_deadline is None:
        return None
    return festival.media_deadline.astimezone(ZoneInfo(festival.timezone)).replace(tzinfo=None)


@bp.get("/festivals")
def index():
    page, per_page = page_args()
    level = request.args.get("level") or None
    if level not in (None, "district", "city", "province", "other"):
        level = None
    listing = queries.festivals_page(
        db.session, current_user, page=page, per_page=per_page, level=level
    )
    can_create = current_user.is_authenticated and current_user.role in (Role.admin, Role.organizer)
    return render_template(
        "festivals/index.html",
        listing=listing,
        can_create=can_create,
        level=level,
        level_labels=LEVEL_LABELS,
    )


def _festival_values(form: FestivalForm) -> dict:
    """What the create and edit forms pass to the services alike."""
    return {
        "name": form.name.data,
        "year": form.year.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "submission_deadline": form.submission_deadline.data,
        "timezone": form.timezone.data.strip(),
        "min_performer_age": form.min_performer_age.data,
        "description": form.description.data or "",
    }


def _share(percent: Decimal | None) -> Decimal | None:
    """The category form's percentage (67) as the share the service takes (0.67)."""
    return None if percent is None else percent / 100


def _organization_choices(form: FestivalForm, zone: str | None = None) -> None:
    form.organization_id.choices = choices(
        (o.id, o.name) for o in organizations_for_troupes(db.session, current_user)
    )
    form.timezone.choices = choices(zone_choices(zone or form.timezone.data))


@bp.route("/festivals/new", methods=["GET", "POST"])
@login_required
def create():
    require(current_user.role in (Role.admin, Role.organizer))
    form = FestivalForm()
    if request.method == "GET":
        # The office's zone: that of its latest festival, else the site's.
        form.timezone.data = (
            queries.office_zone(db.session, current_user.organization_id)
            or current_app.config["DEFAULT_TIMEZONE"]
        )
    _organization_choices(form)
    if request.method == "GET" and current_user.organization:
        form.organization_id.data = current_user.organization_id
        form.level.data = current_user.organization.level.value
    if form.validate_on_submit():
        organization = db.session.get(Organization, form.organization_id.data)
        require(permissions.can_create_festival(current_user, organization))
        try:
            festival = services.create_festival(
                db.session,
                level=form.level.data,
                organization_id=form.organization_id.data,
                **_festival_values(form),
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(
                _("Festival created. Add its categories, then open it for submissions."), "success"
            )
            return redirect(url_for("festivals.show", festival_id=festival.id))
    return render_template("festivals/form.html", form=form, festival=None)


@bp.get("/festivals/<int:festival_id>")
def show(festival_id: int):
    festival = queries.load_festival(db.session, current_user, festival_id)
    can_manage = permissions.can_manage_festival(current_user, festival)
    counts = program_queries.status_counts(db.session, festival.id) if can_manage else None
    own_troupes = []
    if current_user.is_authenticated and current_user.role is Role.leader:
        own_troupes = list(
            db.session.execute(visible_troupes(current_user).order_by("name")).scalars()
        )
    return render_template(
        "festivals/show.html",
        festival=festival,
        can_manage=can_manage,
        counts=counts,
        category_form=CategoryForm(),
        confirm_form=ConfirmForm(),
        own_troupes=own_troupes,
        is_leader=current_user.is_authenticated and current_user.role is Role.leader,
        level_labels=LEVEL_LABELS,
        statuses=[s.value for s in ProgramStatus],
        deadline_passed=utcnow() > festival.submission_deadline,
        media_deadline_passed=festival.media_deadline is not None
        and utcnow() > festival.media_deadline,
    )


@bp.route("/festivals/<int:festival_id>/edit", methods=["GET", "POST"])
@login_required
def edit(festival_id: int):
    festival = queries.load_festival(db.session, current_user, festival_id)
    require(permissions.can_manage_festival(current_user, festival))
    form = FestivalForm(obj=festival)
    _organization_choices(form, festival.timezone)
    if request.method == "GET":
        form.submission_deadline.data = local_deadline(festival)
        form.media_deadline.data = local_media_deadline(festival)
        form.level.data = festival.level.value
    if form.validate_on_submit():
        try:
            services.update_festival(
                db.session,
                festival=festival,
                **_festival_values(form),
                recommendation_quota=form.recommendation_quota.data,
                media_deadline=form.media_deadline.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Festival saved."), "success")
            return redirect(url_for("festivals.show", festival_id=festival.id))
    return render_template("festivals/form.html", form=form, festival=festival)


@bp.route("/festivals/<int:festival_id>/open", methods=["GET", "POST"])
@login_required
def open_for_submissions(festival_id: int):
    """GET, or the button (POST without ``confirm``), asks first; POST with ``confirm=yes``
    opens the festival. A reloaded question answers GET, never 405."""
    festival = queries.load_festival(db.session, current_user, festival_id)
    require(permissions.can_manage_festival(current_user, festival))
    if request.method == "GET":
        if festival.status is not FestivalStatus.draft:
            return redirect(url_for("festivals.show", festival_id=festival_id))
        return render_template("festivals/open.html", festival=festival)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if (
        request.form.get("confirm") != "yes"
        and festival.categories
        and festival.status is FestivalStatus.draft
    ):
        # The button asks first: an open festival is public and never goes back to draft.
        return render_template("festivals/open.html", festival=festival)
    try:
        services.open_festival(db.session, festival=festival, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The festival is open: troupes can submit programs until the deadline."), "success")
    return redirect(url_for("festivals.show", festival_id=festival_id))


@bp.route("/festivals/<int:festival_id>/close-intake", methods=["GET", "POST"])
@login_required
def close_intake(festival_id: int):
    """GET asks first (what closing means for troupes); POST with ``confirm=yes`` closes
    the festival to submissions. Creating a screening round never does this."""
    festival = queries.load_festival(db.session, current_user, festival_id)
    require(permissions.can_manage_festival(current_user, festival))
    if festival.status is not FestivalStatus.open:
        return redirect(url_for("festivals.show", festival_id=festival_id))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        if request.method == "POST" and not ConfirmForm().validate_on_submit():
            abort(400)
        return render_template(
            "festivals/close_intake.html",
            festival=festival,
            counts=program_queries.status_counts(db.session, festival.id),
            deadline_passed=utcnow() > festival.submission_deadline,
        )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.close_intake(db.session, festival=festival, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(
            _("Submissions are closed: troupes can no longer submit or change programs."), "success"
        )
    return redirect(url_for("festivals.show", festival_id=festival_id))


@bp.route("/festivals/<int:festival_id>/categories", methods=["GET", "POST"])
@login_required
def add_category(festival_id: int):
    """POST adds a category; GET (a reloaded page of errors) goes to the festival's page."""
    festival = queries.load_festival(db.session, current_user, festival_id)
    require(permissions.can_manage_festival(current_user, festival))
    if request.method == "GET":
        return redirect(url_for("festivals.show", festival_id=festival_id, _anchor="categories"))
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = services.add_category(
                db.session,
                festival=festival,
                name=form.name.data,
                max_duration_minutes=form.max_duration_minutes.data,
                min_age_share=_share(form.min_age_share.data),
                requires_video=form.requires_video.data,
                requires_backing_track=form.requires_backing_track.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Category %(name)s added.", name=category.name), "success")
            return redirect(url_for("festivals.show", festival_id=festival_id))
    can_manage = True
    return render_template(
        "festivals/show.html",
        festival=festival,
        can_manage=can_manage,
        counts=program_queries.status_counts(db.session, festival.id),
        category_form=form,
        confirm_form=ConfirmForm(),
        own_troupes=[],
        level_labels=LEVEL_LABELS,
        statuses=[s.value for s in ProgramStatus],
        deadline_passed=utcnow() > festival.submission_deadline,
    ), 422
