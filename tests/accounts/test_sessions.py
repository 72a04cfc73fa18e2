"""What ends sessions and bearer tokens (service): logout, a password change."""

from datetime import timedelta

import pytest

from festival.accounts import services
from festival.core.errors import ValidationFailed
from festival.web.auth import _load_user
from tests import factories
from tests.factories import NOW, PASSWORD

NEW_PASSWORD = "a brand new secret"
LIFETIME = timedelta(days=90)


def live_token(session, plain):
    return services.token_for(session, plain, now=NOW + timedelta(minutes=1))


def test_end_sessions_makes_every_old_session_id_worthless(session):
    user = factories.make_user(session)
    old_id = user.get_id()
    assert _load_user(old_id) is user

    services.end_sessions(session, user=user)

    assert user.get_id() != old_id
    assert _load_user(old_id) is None
    assert _load_user(user.get_id()) is user


def test_change_password_revokes_every_api_token_of_the_account_only(session):
    user = factories.make_user(session)
    other = factories.make_user(session)
    _, first = services.issue_api_token(session, user=user, now=NOW, lifetime=LIFETIME)
    _, second = services.issue_api_token(session, user=user, now=NOW, lifetime=LIFETIME)
    _, others = services.issue_api_token(session, user=other, now=NOW, lifetime=LIFETIME)

    services.change_password(
        session, user=user, current_password=PASSWORD, new_password=NEW_PASSWORD, now=NOW
    )

    assert live_token(session, first) is None
    assert live_token(session, second) is None
    assert live_token(session, others) is not None


def test_a_refused_password_change_keeps_the_tokens(session):
    user = factories.make_user(session)
    _, plain = services.issue_api_token(session, user=user, now=NOW, lifetime=LIFETIME)

    with pytest.raises(ValidationFailed):
        services.change_password(
            session, user=user, current_password="wrong one", new_password=NEW_PASSWORD, now=NOW
        )

    assert live_token(session, plain) is not None
