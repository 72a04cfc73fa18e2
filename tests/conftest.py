"""Fixtures: one migrated database per run (SQLite file, or TEST_DATABASE_URL), emptied after
each test; a test client that knows CSRF; query counting; a live server and Chromium."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.serving import make_server

from festival import create_app
from festival.db import db
from tests import factories

# In CI a skipped test is a failure: a missing browser or database must not pass quietly.
STRICT_SKIPS = os.environ.get("FESTIVAL_STRICT_SKIPS") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ICAL_CHECK = os.path.join(
    os.path.dirname(__file__), os.pardir, ".cache", "ical-check", "check_ics.py"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, which FESTIVAL_STRICT_SKIPS=1 turns into a failure: {report.longrepr}"
        )


def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    )


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, hence its own ``g`` and database session, as in
    production; otherwise a request would reuse the test's context and leak state into the next."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(url: str, instance_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        **overrides,
    }
    app = create_app(config, instance_path=str(instance_path))
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    app = make_test_app(database_url(tmp_path_factory), tmp_path_factory.mktemp("instance"))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


@pytest.fixture
def app(_app):
    """The app on a migrated database; every table is emptied after the test."""
    with _app.app_context():
        yield _app
        db.session.remove()
        empty_tables()


def empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # DELETE, not TRUNCATE: on tables of a few rows it is many times faster. Rows that
        # point at rows of their own table are unhooked first.
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE organizations SET parent_id = NULL WHERE parent_id IS NOT NULL")
            )
            for table in tables:
                connection.execute(table.delete())
        return
    with db.engine.connect() as connection:
        # Self-referencing rows (organisations under organisations) need the checks off.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            connection.execute(table.delete())
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def english_messages(request):
    """Messages rendered in the test's own app context read in English (requests made through
    the test client choose their language as usual)."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    with force_locale("en"):
        yield


@pytest.fixture
def session(app):
    return db.session


class Client:
    """The Flask test client, plus CSRF tokens and logging in the way a browser does."""

    def __init__(self, flask_client):
        self.raw = flask_client

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def csrf_token(self) -> str:
        page = self.raw.get("/login").get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        return self.raw.post(url, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def login(self, username: str, password: str = factories.PASSWORD):
        response = self.post_form("/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def login_as(client, session):
    """Log the test client in as a new user of the given role."""

    def login(role: str, **kwargs):
        user = factories.make_user(session, role=role, **kwargs)
        session.commit()
        client.login(user.username)
        return user

    return login


@pytest.fixture
def api(app):
    """Call the JSON API with a bearer token: ``api.as_user(user).post(...)``."""
    return factories.ApiClient(app)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` then ``len(queries)``."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture(scope="session")
def live_server(_app):
    """The test app served on a free port of 127.0.0.1 in a thread."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app, live_server, tmp_path):
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


# A small world most page tests share: a district office under its city, an open festival of
# the district with two categories, and one of its organizers.
@pytest.fixture
def office(session):
    city = factories.make_organization(session, level="city", name="南通市老龄办")
    district = factories.make_organization(
        session, level="district", name="崇川区老龄办", parent=city
    )
    session.commit()
    return district


@pytest.fixture
def festival(session, office):
    festival = factories.make_festival(session, organization=office, name="崇川区老年文艺汇演")
    session.commit()
    return festival


@pytest.fixture
def organizer(session, office):
    user = factories.make_user(
        session, role="organizer", organization=office, username="organizer1"
    )
    session.commit()
    return user


@pytest.fixture(scope="session")
def ical_check(tmp_path_factory):
    """Run shared/tools/ical-check (ical.js, libical, Home Assistant's ical, icalendar +
    recurring-ical-events) on feed bytes: ``ical_check(body, "2027-05-01", "2027-06-01")``
    returns the occurrences, as (local start, local end, summary), that every parser agreed on.
    The check fails the test on any lint error, parse error, warning or disagreement."""
    if not os.path.exists(ICAL_CHECK):
        pytest.skip("ical-check is not installed: run `make ical-check`")
    folder = tmp_path_factory.mktemp("ical")

    def check(body: bytes, start: str, end: str, zone: str = "Asia/Shanghai") -> list[tuple]:
        feed, report_path = folder / "feed.ics", folder / "report.json"
        feed.write_bytes(body)
        finished = subprocess.run(
            [
                sys.executable,
                ICAL_CHECK,
                str(feed),
                "--from",
                start,
                "--to",
                end,
                "--tz",
                zone,
                "--warnings-as-errors",
                "--json",
                str(report_path),
                "-q",
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        report = json.loads(report_path.read_text())
        assert report["agree"] is True
        assert len(report["parsers"]) == 4, list(report["parsers"])
        from datetime import datetime
        from zoneinfo import ZoneInfo

        local = ZoneInfo(zone)
        occurrences = next(iter(report["parsers"].values()))
        return [
            (
                datetime.fromisoformat(o["start"]).astimezone(local).strftime("%Y-%m-%d %H:%M"),
                datetime.fromisoformat(o["end"]).astimezone(local).strftime("%Y-%m-%d %H:%M"),
                o["summary"],
            )
            for o in occurrences
        ]

    return check
