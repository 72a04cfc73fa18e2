"""Pages anyone may open: the home page and the health check."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from festival.accounts.forms import ROLE_LABELS
from festival.accounts.models import Role
from festival.core.clock import utcnow
from festival.db import db
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from festival.festivals.queries import festivals_page
from festival.programs.queries import leader_overview

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    show_demo = current_app.config["SHOW_DEMO_LOGINS"] and not current_user.is_authenticated
    demo_accounts = DEMO_ACCOUNTS if show_demo else []
    overview = None
    if current_user.is_authenticated and current_user.role is Role.leader:
        overview = leader_overview(db.session, current_user, now=utcnow())
    festivals = festivals_page(db.session, current_user, page=1, per_page=6)
    return render_template(
        "public/index.html", demo_accounts=demo_accounts, demo_password=DEMO_PASSWORD,
        role_labels=ROLE_LABELS, user=current_user, overview=overview, festivals=festivals,
    )


@bp.get("/healthz")
def healthz():
    """For load balancers and the benchmark's baseline: no database work."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
