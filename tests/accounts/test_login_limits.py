"""The login limit's counters (service): a refusal changes nothing, a success gives its count
back, old windows are forgotten."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.accounts import services
from festival.accounts.models import LoginThrottle
from festival.core.errors import TooManyRequests
from tests import factories
from tests.factories import NOW, PASSWORD

ADDRESS = "192.0.2.10"
LIMITS = services.LoginLimits(
    max_failures=2, max_failures_per_address=10, window=timedelta(minutes=15)
)


def log_in(session, username, password=PASSWORD, *, now=NOW):
    return services.authenticate(
        session, username=username, password=password, address=ADDRESS, now=now, limits=LIMITS
    )


def counters(session) -> dict[str, int]:
    rows = session.execute(
        select(LoginThrottle.scope, LoginThrottle.username, LoginThrottle.failures)
    ).all()
    return {f"{scope}:{username}": failures for scope, username, failures in rows}


def test_a_refused_attempt_counts_nothing_even_when_committed(session):
    factories.make_user(session, username="wang")
    log_in(session, "wang", "wrong one")
    log_in(session, "wang", "wrong one")
    before = counters(session)

    with pytest.raises(TooManyRequests):
        log_in(session, "wang")
    session.commit()

    assert counters(session) == before == {"address:": 2, "account:wang": 2}


def test_a_success_gives_back_the_failure_counted_before_the_check(session):
    user = factories.make_user(session, username="wang")

    assert log_in(session, "wang") is user

    assert counters(session) == {"address:": 0, "account:wang": 0}


def test_forgetting_old_login_attempts_forgets_old_windows_too(session):
    factories.make_user(session, username="wang")
    log_in(session, "wang", "wrong one", now=NOW - timedelta(days=40))
    log_in(session, "li", "wrong one", now=NOW)

    services.forget_old_login_attempts(session, now=NOW, keep=timedelta(days=30))

    assert counters(session) == {"address:": 1, "account:li": 1}
