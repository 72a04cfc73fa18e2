"""Sessions and bearer tokens end when they should (HTTP): logout, a password change, a
deactivated account, a new role."""

from urllib.parse import urlsplit

from festival.accounts.models import Role, User
from tests.conftest import Client
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new secret"


def is_redirect_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


def copy_of(client) -> Client:
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    thief = Client(client.raw.application.test_client())
    thief.raw.set_cookie("session", client.raw.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(login_as, client):
    login_as("admin")
    thief = copy_of(client)
    assert thief.get("/admin/users").status_code == 200

    assert client.post_form("/logout").status_code == 302

    assert is_redirect_to_login(thief.get("/admin/users"))
    assert thief.get("/api/v1/users/me", headers={"Accept-Language": "en"}).status_code == 401


def test_logout_ends_the_accounts_sessions_on_other_devices_too(login_as, client):
    admin = login_as("admin")
    phone = Client(client.raw.application.test_client())
    phone.login(admin.username)

    client.post_form("/logout")

    assert is_redirect_to_login(phone.get("/admin/users"))
    phone.login(admin.username)  # logging in again works
    assert phone.get("/admin/users").status_code == 200


def test_api_tokens_stop_working_after_a_password_change(login_as, client, api):
    user = login_as("leader")
    caller = api.as_user(user)
    assert caller.get("/api/v1/users/me").status_code == 200

    response = client.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    refused = caller.get("/api/v1/users/me")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    fresh = api.client.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": NEW_PASSWORD}
    )
    assert fresh.status_code == 201


def test_a_copied_cookie_from_before_a_password_change_stops_working(login_as, client):
    login_as("admin")
    thief = copy_of(client)

    client.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert is_redirect_to_login(thief.get("/admin/users"))
    assert client.get("/admin/users").status_code == 200  # the changing session goes on


def test_a_deactivated_account_loses_its_session_and_its_tokens(login_as, client, api, session):
    user = login_as("admin")
    caller = api.as_user(user)

    session.get(User, user.id).is_active = False
    session.commit()

    assert is_redirect_to_login(client.get("/admin/users"))
    assert caller.get("/api/v1/users/me").status_code == 401


def test_a_new_role_applies_to_the_next_request_of_a_session_and_a_token(
    login_as, client, api, session
):
    user = login_as("admin")
    caller = api.as_user(user)

    session.get(User, user.id).role = Role.leader
    session.commit()

    assert client.get("/admin/users").status_code == 403
    assert caller.get("/api/v1/users").status_code == 403
