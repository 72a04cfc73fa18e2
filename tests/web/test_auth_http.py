"""Who is asking, over HTTP: a bearer token's user is the request's user (through
Flask-Login's loaders), wins over a session cookie, and sets no cookie."""

from tests import factories


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_a_bearer_token_answers_for_its_user_without_setting_a_cookie(app, session, api):
    leader = factories.make_user(session, role="leader", username="taichi")
    caller = api.as_user(leader)

    me = caller.get("/api/v1/users/me")

    assert me.status_code == 200 and me.get_json()["username"] == "taichi"
    assert "Set-Cookie" not in me.headers
    assert no_store(me)


def test_a_bearer_token_wins_over_the_session_cookie(app, session, client, api):
    leader = factories.make_user(session, role="leader", username="taichi")
    organizer = factories.make_user(session, role="organizer", username="office")
    session.commit()
    token = api.as_user(leader).token
    client.login(organizer.username)

    by_cookie = client.get("/api/v1/users/me")
    by_token = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})

    assert by_cookie.get_json()["username"] == "office"
    assert by_token.status_code == 200 and by_token.get_json()["username"] == "taichi"
    assert "Set-Cookie" not in by_token.headers
    assert no_store(by_token)
