"""Pages anyone may open: the home page and the health check."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from festival.accounts.forms import ROLE_LABELS
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    demo_accounts = DEMO_ACCOUNTS if current_app.config["SHOW_DEMO_LOGINS"] else []
    return render_template(
        "public/index.html", demo_accounts=demo_accounts, demo_password=DEMO_PASSWORD,
        role_labels=ROLE_LABELS, user=current_user,
    )


@bp.get("/healthz")
def healthz():
    """For load balancers and the benchmark's baseline: no database work."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
