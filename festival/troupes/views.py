"""Troupe pages: list, register, edit, members; a person's troupes."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.accounts.models import Organization
from festival.core.clock import utcnow
from festival.core.errors import DomainError, NotFound, ValidationFailed
from festival.db import db
from festival.troupes import permissions, queries, services
from festival.troupes.forms import ExistingMemberForm, NewMemberForm, TroupeForm
from festival.troupes.models import Membership
from festival.web.auth import require
from festival.web.forms import ConfirmForm, choices, show_errors_on_form
from festival.web.paging import page_args

bp = Blueprint("troupes", __name__)


def _fill_choices(form: TroupeForm) -> None:
    form.organization_id.choices = choices(
        (o.id, o.name) for o in queries.organizations_for_troupes(db.session, current_user)
    )
    form.leader_id.choices = choices(
        [("", _("No leader yet"))]
        + [(u.id, f"{u.display_name} ({u.username})") for u in queries.leaders(db.session)]
    )


@bp.get("/troupes")
@login_required
def index():
    require(permissions.can_list_troupes(current_user))
    page, per_page = page_args()
    kind = request.args.get("kind") if request.args.get("kind") in ("troupe", "team") else None
    search = (request.args.get("q") or "").strip()[:60] or None
    listing = queries.troupes_page(
        db.session, current_user, page=page, per_page=per_page, kind=kind, search=search
    )
    return render_template("troupes/index.html", listing=listing, kind=kind, search=search)


@bp.route("/troupes/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_list_troupes(current_user))
    form = TroupeForm()
    _fill_choices(form)
    if request.method == "GET" and current_user.organization_id:
        form.organization_id.data = current_user.organization_id
    if form.validate_on_submit():
        organization = (
            db.session.get(Organization, form.organization_id.data)
            if form.organization_id.data
            else None
        )
        if organization is not None:
            require(permissions.can_create_troupe(current_user, organization))
        try:
            troupe = services.create_troupe(
                db.session,
                name=form.name.data,
                organization_id=form.organization_id.data,
                kind=form.kind.data,
                leader_id=form.leader_id.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s registered. Now add its members.", name=troupe.name), "success")
            return redirect(url_for("troupes.show", troupe_id=troupe.id))
    return render_template("troupes/form.html", form=form, troupe=None)


@bp.get("/troupes/<int:troupe_id>")
@login_required
def show(troupe_id: int, new_form=None, existing_form=None, status=200):
    troupe = queries.load_managed_troupe(db.session, current_user, troupe_id)
    page, per_page = page_args()
    members = queries.members_page(db.session, troupe.id, page=page, per_page=per_page)
    existing_form = existing_form or ExistingMemberForm()
    existing_form.person_id.choices = choices(
        (p.id, f"{p.name} ({format_date(p.birth_date, 'long')})")
        for p in queries.people_to_add(db.session, current_user, troupe)
    )
    return render_template(
        "troupes/show.html",
        troupe=troupe,
        members=members,
        new_form=new_form or NewMemberForm(),
        existing_form=existing_form,
        remove_form=ConfirmForm(),
    ), status


@bp.route("/troupes/<int:troupe_id>/edit", methods=["GET", "POST"])
@login_required
def edit(troupe_id: int):
    troupe = queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = TroupeForm(obj=troupe)
    _fill_choices(form)
    if request.method == "GET":
        form.kind.data = troupe.kind.value
    if form.validate_on_submit():
        try:
            services.update_troupe(
                db.session,
                troupe=troupe,
                name=form.name.data,
                kind=form.kind.data,
                leader_id=form.leader_id.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("troupes.show", troupe_id=troupe.id))
    return render_template("troupes/form.html", form=form, troupe=troupe)


@bp.post("/troupes/<int:troupe_id>/members")
@login_required
def add_member(troupe_id: int):
    troupe = queries.load_managed_troupe(db.session, current_user, troupe_id)
    now = utcnow()
    if request.form.get("person_id"):
        form = ExistingMemberForm()
        if form.validate_on_submit():
            person = queries.load_person(db.session, current_user, form.person_id.data)
            try:
                services.add_member(
                    db.session,
                    troupe=troupe,
                    person=person,
                    role=form.role.data,
                    actor=current_user,
                    now=now,
                )
            except DomainError as error:
                show_errors_on_form(form, error)
            else:
                db.session.commit()
                flash(_("%(name)s added.", name=person.name), "success")
                return redirect(url_for("troupes.show", troupe_id=troupe.id))
        return show(troupe_id, existing_form=form, status=422)
    form = NewMemberForm()
    if form.validate_on_submit():
        try:
            person = services.create_person(
                db.session,
                name=form.name.data,
                birth_date=form.birth_date.data,
                gender=form.gender.data or None,
                phone=form.phone.data,
                actor=current_user,
                now=now,
            )
            services.add_member(
                db.session,
                troupe=troupe,
                person=person,
                role=form.role.data,
                actor=current_user,
                now=now,
            )
        except DomainError as error:
            db.session.rollback()
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s added.", name=person.name), "success")
            return redirect(url_for("troupes.show", troupe_id=troupe.id))
    return show(troupe_id, new_form=form, status=422)


@bp.route("/troupes/<int:troupe_id>/members/<int:person_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(troupe_id: int, person_id: int):
    """GET, or the Remove button (POST without ``confirm``), asks first; POST with
    ``confirm=yes`` removes. A reloaded question answers GET, never 405."""
    troupe = queries.load_managed_troupe(db.session, current_user, troupe_id)
    person = queries.load_person(db.session, current_user, person_id)
    if db.session.get(Membership, (troupe.id, person.id)) is None:
        if request.method == "GET":  # removed already: back to the roster
            return redirect(url_for("troupes.show", troupe_id=troupe.id))
        raise NotFound()  # not a member here: nothing to remove, nothing to show
    if request.method == "GET":
        return render_template("troupes/remove_member.html", troupe=troupe, person=person)
    if not ConfirmForm().validate_on_submit():
        raise NotFound()
    if request.form.get("confirm") != "yes":
        # The Remove button asks first, on a page of its own.
        return render_template("troupes/remove_member.html", troupe=troupe, person=person)
    services.remove_member(
        db.session, troupe=troupe, person=person, actor=current_user, now=utcnow()
    )
    db.session.commit()
    flash(
        _("%(name)s is no longer a member of %(troupe)s.", name=person.name, troupe=troupe.name),
        "success",
    )
    return redirect(url_for("troupes.show", troupe_id=troupe.id))


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int):
    """A person's details and those of their troupes that the viewer manages."""
    person = queries.load_person(db.session, current_user, person_id)
    troupes = queries.person_troupes(db.session, current_user, person.id)
    return render_template("troupes/person.html", person=person, troupes=troupes)
