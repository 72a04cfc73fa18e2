"""Usernames in any spelling are one account (HTTP): the login page, the token endpoint, the
user forms and the create-user command; look-alike failures count against the real account."""

from sqlalchemy import select

from festival.accounts.models import User
from tests import factories
from tests.factories import PASSWORD

KELVIN = "\u212aelly"  # KELVIN SIGN, then "elly"
FULLWIDTH = "ｋｅｌｌｙ"
SPELLINGS = [KELVIN, FULLWIDTH, "KELLY", KELVIN, FULLWIDTH]  # five: the limit


def test_look_alike_failures_on_the_login_page_count_against_the_real_account(client, session):
    factories.make_user(session, username="kelly", display_name="Kelly")
    session.commit()
    for spelling in SPELLINGS:
        response = client.post_form(
            "/login", {"username": spelling, "password": "nope!"}, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 200

    response = client.post_form(
        "/login", {"username": "kelly", "password": PASSWORD}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_look_alike_failures_at_the_token_endpoint_count_against_the_real_account(session, api):
    factories.make_user(session, username="kelly")
    session.commit()
    for spelling in SPELLINGS:
        response = api.post(
            "/api/v1/auth/tokens", json={"username": spelling, "password": "wrong password"}
        )
        assert response.status_code == 401

    response = api.post("/api/v1/auth/tokens", json={"username": "kelly", "password": PASSWORD})

    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


def test_a_fullwidth_spelling_logs_into_the_one_account(client, session):
    factories.make_user(session, username="kelly", display_name="凯莉")
    session.commit()

    client.login(FULLWIDTH)

    assert "凯莉" in client.get("/").get_data(as_text=True)


def test_the_api_stores_a_new_account_under_the_normalised_name_and_refuses_a_look_alike(
    session, api
):
    caller = api.as_user(factories.make_user(session, role="admin"))
    body = {"password": "a good password", "display_name": "Kelly", "role": "leader"}

    created = caller.post("/api/v1/users", json={"username": FULLWIDTH, **body})
    look_alike = caller.post("/api/v1/users", json={"username": KELVIN, **body})

    assert created.status_code == 201
    assert created.get_json()["username"] == "kelly"
    assert look_alike.status_code == 422
    assert look_alike.get_json()["error"]["fields"] == {
        "username": ["This username is already taken."]
    }


def test_the_create_user_command_refuses_a_look_alike_of_an_existing_name(app, session):
    factories.make_user(session, username="kelly")
    session.commit()

    result = app.test_cli_runner().invoke(
        args=["create-user", KELVIN, "--role", "judge", "--password", "a good password"]
    )

    assert result.exit_code == 1
    assert "username" in result.output
    session.expire_all()
    assert session.execute(select(User.username)).scalars().all() == ["kelly"]
