"""Log in and out, change one's password, manage users and organisations."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from festival.accounts import permissions, queries, services
from festival.accounts.forms import (
    LEVEL_LABELS,
    ROLE_LABELS,
    ChangePasswordForm,
    LoginForm,
    OrganizationForm,
    UserForm,
)
from festival.accounts.models import Organization
from festival.core.clock import utcnow
from festival.core.errors import TooManyRequests, ValidationFailed
from festival.db import db
from festival.web.auth import require
from festival.web.forms import choices, show_errors_on_form
from festival.web.i18n import safe_next
from festival.web.paging import page_args

bp = Blueprint("accounts", __name__)


def login_limits() -> services.LoginLimits:
    config = current_app.config
    return services.LoginLimits(
        max_failures=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=timedelta(seconds=config["LOGIN_WINDOW_SECONDS"]),
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                db.session,
                username=form.username.data,
                password=form.password.data,
                address=request.remote_addr or "",
                now=utcnow(),
                limits=login_limits(),
            )
        except TooManyRequests as error:
            form.form_errors.append(str(error.message))
            status = 429
            user = None
        else:
            db.session.commit()
        if user is not None:
            session_next = safe_next(request.args.get("next"), url_for("public.index"))
            session.clear()  # a new session on login
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(session_next)
        if status == 200:
            current_app.logger.warning(
                "failed login for %r from %s", form.username.data, request.remote_addr
            )
            form.form_errors.append(_("Wrong username or password."))
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    # Signed cookies cannot be taken back: a new nonce makes every copy of this user's session
    # cookie (on every device) worthless, not only this browser's.
    services.end_sessions(db.session, user=current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                db.session,
                user=current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            # Keep this session under the new nonce; every other one has ended. The user itself,
            # not the current_user proxy: Flask-Login keeps what it is given for the request.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("public.index"))
    return render_template("accounts/password.html", form=form)


@bp.route("/admin/users", methods=["GET", "POST"])
def users():
    require(permissions.can_manage_users(current_user))
    form = UserForm()
    form.organization_id.choices = choices(
        [("", _("None"))] + [(o.id, o.name) for o in queries.all_organizations(db.session)]
    )
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session,
                username=form.username.data,
                password=form.password.data,
                display_name=form.display_name.data,
                role=form.role.data,
                organization_id=form.organization_id.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("accounts.users"))
    page, per_page = page_args()
    listing = queries.users_page(db.session, page=page, per_page=per_page)
    return render_template(
        "accounts/users.html", form=form, listing=listing, role_labels=ROLE_LABELS
    )


@bp.route("/admin/organizations", methods=["GET", "POST"])
def organizations():
    require(permissions.can_list_organizations(current_user))
    form = OrganizationForm()
    parents = queries.organizations_for_parent_choice(db.session, current_user)
    form.parent_id.choices = choices(
        ([("", _("None"))] if current_user.is_admin else []) + [(o.id, o.name) for o in parents]
    )
    if form.validate_on_submit():
        parent = db.session.get(Organization, form.parent_id.data) if form.parent_id.data else None
        require(permissions.can_create_organization(current_user, parent))
        try:
            organization = services.create_organization(
                db.session,
                name=form.name.data,
                level=form.level.data,
                parent_id=form.parent_id.data,
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            show_errors_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=organization.name), "success")
            return redirect(url_for("accounts.organizations"))
    page, per_page = page_args()
    listing = queries.organizations_page(db.session, page=page, per_page=per_page)
    return render_template(
        "accounts/organizations.html",
        form=form,
        listing=listing,
        level_labels=LEVEL_LABELS,
        # The viewer's own organisations (all for an administrator): the ones whose year in
        # review they may read (festival.review.permissions), as they may create under them.
        reviewable_ids={o.id for o in parents},
        # An administrator creates top-level ones too, the first one included.
        can_create=bool(parents) or current_user.is_admin,
    )
