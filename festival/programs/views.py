"""Program pages: the festival's program list, submit, show, edit, withdraw."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core.clock import utcnow
from festival.core.errors import Conflict, NotFound, ValidationFailed
from festival.core.ids import db_int
from festival.core.titles import bare_title
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.permissions import can_manage_festival
from festival.festivals.queries import festival_with_categories, load_festival
from festival.media.panel import upload_panel
from festival.programs import permissions, queries, services
from festival.programs.forms import ProgramForm
from festival.programs.models import Program, ProgramStatus
from festival.troupes.models import Troupe
from festival.troupes.queries import all_members
from festival.web.auth import require
from festival.web.forms import ConfirmForm, choices, show_errors_on_form
from festival.web.paging import page_args

bp = Blueprint("programs", __name__)


def managed_program_or_404(program_id: int) -> Program:
    require(current_user.is_authenticated)
    program = queries.program_for(db.session, program_id)
    if program is None or not permissions.can_manage_program(current_user, program):
        raise NotFound()
    return program


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=db_int) or None


@bp.get("/festivals/<int:festival_id>/programs")
@login_required
def list_programs(festival_id: int):
    """The festival's programs with filters, paginated; leaders see their own troupes'."""
    festival = load_festival(db.session, current_user, festival_id)
    require(permissions.can_list_programs(current_user, festival))
    page, per_page = page_args()
    status = request.args.get("status")
    status = status if status in {s.value for s in ProgramStatus} else None
    filters = {
        "status": status,
        "category_id": _int_arg("category_id"),
        "troupe_id": _int_arg("troupe_id"),
        "organization_id": _int_arg("organization_id"),
        "late": request.args.get("problem") == "late",
    }
    listing = queries.programs_page(
        db.session, festival, current_user, page=page, per_page=per_page, **filters
    )
    media_problems = queries.listing_media_problems(db.session, festival, listing.items)
    link_filters = {k: v for k, v in filters.items() if v and k != "late"}
    if filters["late"]:
        link_filters["problem"] = "late"
    return render_template(
        "programs/index.html",
        festival=festival,
        listing=listing,
        filters=filters,
        link_filters=link_filters,
        statuses=[s.value for s in ProgramStatus],
        can_manage=can_manage_festival(current_user, festival),
        media_problems=media_problems,
        # The media column, where the festival's categories ask for media or some were sent.
        shows_media=any(c.requires_video or c.requires_backing_track for c in festival.categories)
        or any(media_problems.values()),
    )


def _prepare(form: ProgramForm, festival: Festival, troupe: Troupe) -> None:
    form.category_id.choices = choices(
        (
            c.id,
            c.name
            + (
                _(" (at most %(n)d minutes)", n=c.max_duration_minutes)
                if c.max_duration_minutes
                else ""
            ),
        )
        for c in festival.categories
    )
    form.performer_ids.choices = choices(
        (p.id, f"{p.name} ({p.birth_date.year})") for p in all_members(db.session, troupe.id)
    )


@bp.route("/festivals/<int:festival_id>/programs/new", methods=["GET", "POST"])
@login_required
def submit(festival_id: int):
    festival = load_festival(db.session, current_user, festival_id)
    troupe_id = request.values.get("troupe_id", type=db_int)
    troupe = db.session.get(Troupe, troupe_id) if troupe_id else None
    if troupe is None:
        troupes = queries.submittable_troupes(db.session, current_user)
        require(can_manage_festival(current_user, festival) or bool(troupes))
        return render_template("programs/choose_troupe.html", festival=festival, troupes=troupes)
    if not permissions.can_submit_program(current_user, festival, troupe):
        raise NotFound()
    form = ProgramForm()
    _prepare(form, festival, troupe)
    if form.validate_on_submit():
        try:
            program = services.submit_program(
                db.session,
                festival=festival,
                troupe=troupe,
                category_id=form.category_id.data,
                title=form.title.data,
                duration_minutes=form.duration_minutes.data,
                performer_ids=form.performer_ids.data or [],
                may_submit_late=can_manage_festival(current_user, festival),
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(
                _("《%(title)s》 has been submitted.", title=bare_title(program.title)), "success"
            )
            return redirect(url_for("programs.show", program_id=program.id))
    return render_template(
        "programs/form.html", form=form, festival=festival, troupe=troupe, program=None
    ), 422 if form.errors or form.form_errors else 200


@bp.get("/programs/<int:program_id>")
@login_required
def show(program_id: int):
    program = managed_program_or_404(program_id)
    editable = program.status is ProgramStatus.submitted and program.festival.status.value == "open"
    source, onward = queries.recommendation_links(db.session, program)
    path = queries.program_path(
        db.session,
        program,
        can_see_results=lambda festival: queries.can_see_path_results(current_user, festival),
    )
    return render_template(
        "programs/show.html",
        program=program,
        editable=editable,
        source=source,
        onward=onward,
        path=path,
        comments=queries.judges_comments(db.session, current_user, program),
        media_problems=queries.media_problems_of(db.session, program),
        comments_unpublished=program.festival.status
        not in (FestivalStatus.announced, FestivalStatus.final),
        can_manage_source=bool(source) and can_manage_festival(current_user, source.festival),
        media_panel=upload_panel(db.session, current_user, program, utcnow()),
    )


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@login_required
def edit(program_id: int):
    program = managed_program_or_404(program_id)
    festival = festival_with_categories(db.session, program.festival_id)
    form = ProgramForm(obj=program)
    _prepare(form, festival, program.troupe)
    if request.method == "GET":
        form.performer_ids.data = [p.person_id for p in program.performers]
        form.version.data = program.version
    if form.validate_on_submit():
        try:
            services.update_program(
                db.session,
                program=program,
                title=form.title.data,
                category_id=form.category_id.data,
                duration_minutes=form.duration_minutes.data,
                performer_ids=form.performer_ids.data or [],
                expected_version=int(form.version.data) if form.version.data else None,
                may_submit_late=can_manage_festival(current_user, festival),
                actor=current_user,
                now=utcnow(),
            )
        except (ValidationFailed, Conflict) as error:
            db.session.rollback()
            program = managed_program_or_404(program_id)
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("programs.show", program_id=program.id))
    return render_template(
        "programs/form.html", form=form, festival=festival, troupe=program.troupe, program=program
    )


@bp.route("/programs/<int:program_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(program_id: int):
    """GET asks for confirmation; POST withdraws."""
    program = managed_program_or_404(program_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.withdraw_program(db.session, program=program, actor=current_user, now=utcnow())
        except Conflict as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(
                _("《%(title)s》 has been withdrawn.", title=bare_title(program.title)), "success"
            )
        return redirect(url_for("programs.show", program_id=program_id))
    return render_template("programs/withdraw.html", program=program, form=form)
