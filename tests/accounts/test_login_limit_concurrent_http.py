"""The login limit holds for attempts in parallel (HTTP, on SQLite and PostgreSQL alike).

Eight wrong passwords for one account arrive at once, each request in a thread of its own with
its own app context, database session and connection, as in several gunicorn workers. The
password check is slowed down so that every request is inside it at the same time unless the
limit makes them wait: at most LOGIN_MAX_FAILURES of them may reach the check.
"""

import threading
import time

import pytest

from festival.accounts import services
from tests import factories
from tests.conftest import Client

PARALLEL = 8
CHECK_SECONDS = 0.3


@pytest.fixture
def slow_password_checks(monkeypatch):
    """Count the password checks, each taking CHECK_SECONDS."""
    checked: list[str] = []
    lock = threading.Lock()
    real = services.password_matches

    def slow(password_hash, password):
        with lock:
            checked.append(password)
        time.sleep(CHECK_SECONDS)
        return real(password_hash, password)

    monkeypatch.setattr(services, "password_matches", slow)
    return checked


def in_parallel(attempts) -> list[int]:
    """Run the attempts (callables returning a status) at the same moment; their statuses."""
    start = threading.Barrier(len(attempts))
    statuses: list[int] = []

    def run(attempt):
        start.wait()
        statuses.append(attempt())

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_parallel_wrong_passwords_on_the_login_page_reach_the_check_at_most_the_limit(
    app, session, slow_password_checks
):
    limit = app.config["LOGIN_MAX_FAILURES"]
    factories.make_user(session, username="wang")
    session.commit()
    browsers = [Client(app.test_client()) for _ in range(PARALLEL)]
    forms = [
        {"csrf_token": browser.csrf_token(), "username": "wang", "password": "nope!"}
        for browser in browsers
    ]

    statuses = in_parallel(
        [
            lambda browser=browser, form=form: browser.raw.post("/login", data=form).status_code
            for browser, form in zip(browsers, forms, strict=True)
        ]
    )

    assert len(slow_password_checks) <= limit
    assert sorted(statuses) == [200] * limit + [429] * (PARALLEL - limit)


def test_parallel_wrong_passwords_at_the_token_endpoint_reach_the_check_at_most_the_limit(
    app, session, slow_password_checks
):
    limit = app.config["LOGIN_MAX_FAILURES"]
    factories.make_user(session, username="wang")
    session.commit()
    body = {"username": "wang", "password": "wrong password"}

    statuses = in_parallel(
        [
            lambda: app.test_client().post("/api/v1/auth/tokens", json=body).status_code
            for _ in range(PARALLEL)
        ]
    )

    assert len(slow_password_checks) <= limit
    assert sorted(statuses) == [401] * limit + [429] * (PARALLEL - limit)
