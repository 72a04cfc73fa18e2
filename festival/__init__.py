"""festival: runs elderly arts festivals and competitions end to end."""

import os
from pathlib import Path

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A wheel carries the checkout's templates, static files and migrations here (setup.py);
# in a checkout (and an editable install) they are read from the checkout itself.
BUNDLED_SITE = PACKAGE_DIR / "_site"
SITE_ROOT = BUNDLED_SITE if BUNDLED_SITE.is_dir() else PROJECT_ROOT


def default_instance_path() -> str | None:
    """instance/ in a checkout; Flask's own choice ({prefix}/var/festival-instance) when installed."""
    if SITE_ROOT is PROJECT_ROOT:
        return str(PROJECT_ROOT / "instance")
    return None


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error pages, CLI."""
    app = Flask(
        __name__,
        instance_path=instance_path
        or os.environ.get("FESTIVAL_INSTANCE_PATH")
        or default_instance_path(),
        template_folder=str(SITE_ROOT / "templates"),
        static_folder=str(SITE_ROOT / "static"),
        instance_relative_config=True,
    )
    from festival.config import load_config

    load_config(app, test_config)
    app.json.ensure_ascii = False  # Chinese stays readable in JSON
    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx: the client's address (for login rate limits) comes from X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from festival import models  # noqa: F401  (the whole schema, for Alembic)
    from festival.db import db, ping_idle_connections
    from festival.extensions import csrf, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":  # a database file is never disconnected
            ping_idle_connections(
                db.engine, after_seconds=app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
            )
    migrate.init_app(app, db, directory=str(SITE_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from festival.web import auth, errors, headers, i18n, sessions, templating, write_lock

    i18n.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    sessions.init_app(app)
    write_lock.init_app(app)

    from festival.audit import chain

    chain.init_app(app)  # audit entries are linked into the hash chain at commit

    from festival.accounts.views import bp as accounts_bp
    from festival.api import bp as api_bp
    from festival.audit.views import bp as audit_bp
    from festival.awards.recommendation_views import bp as recommending_bp
    from festival.awards.views import bp as awards_bp
    from festival.dashboard.views import bp as dashboard_bp
    from festival.festivals.views import bp as festivals_bp
    from festival.imports.views import bp as imports_bp
    from festival.judging.views import bp as judging_bp
    from festival.judging.views.sheet import bp as judging_sheet_bp
    from festival.media.views import bp as media_files_bp
    from festival.notice.calendar_views import bp as calendar_bp
    from festival.notice.views import bp as notice_bp
    from festival.paper.views import bp as paper_bp
    from festival.performance.checkin_views import bp as performance_day_bp
    from festival.performance.live_views import bp as live_bp
    from festival.performance.order_views import bp as running_order_bp
    from festival.performance.paper_views import bp as performance_paper_bp
    from festival.performance.sound_desk_views import bp as sound_desk_bp
    from festival.programs.views import bp as programs_bp
    from festival.public.views import bp as public_bp
    from festival.review.views import bp as review_bp
    from festival.schedules.feed_views import bp as feeds_bp
    from festival.schedules.views import bp as schedules_bp
    from festival.troupes.views import bp as troupes_bp

    for blueprint in (
        public_bp,
        accounts_bp,
        festivals_bp,
        troupes_bp,
        programs_bp,
        dashboard_bp,
        imports_bp,
        judging_bp,
        judging_sheet_bp,
        awards_bp,
        recommending_bp,
        notice_bp,
        calendar_bp,
        schedules_bp,
        feeds_bp,
        audit_bp,
        paper_bp,
        running_order_bp,
        performance_paper_bp,
        performance_day_bp,
        live_bp,
        sound_desk_bp,
        review_bp,
        media_files_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the API checks CSRF itself, for cookie-authenticated writes only

    from festival.cli import register_commands

    # Media answer the programs' and judging's signals (what is missing or too long, the
    # videos on a judge's sheet), so that those lower domains never import media.
    from festival.media import eligibility_queries, screening  # noqa: F401

    register_commands(app)
    return app
