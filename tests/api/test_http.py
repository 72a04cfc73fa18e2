"""The API foundation through HTTP: tokens, errors, pagination, limits, CSRF, first endpoints."""

from festival.accounts.models import ApiToken, Organization, User
from festival.accounts.services import token_digest
from tests import factories


def test_token_is_issued_for_right_credentials_and_works_as_bearer(app, session, api):
    admin = factories.make_user(session, role="admin")
    session.commit()
    response = api.post(
        "/api/v1/auth/tokens", json={"username": admin.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 201
    token = response.get_json()["token"]
    assert session.query(ApiToken).one().token_digest == token_digest(token)
    me = api.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == admin.username
    assert "password" not in me.get_json() and "password_hash" not in me.get_json()


def test_wrong_password_gets_401_error_json_in_the_requested_language(app, session, api):
    user = factories.make_user(session)
    session.commit()
    body = {"username": user.username, "password": "wrong password"}
    english = api.post("/api/v1/auth/tokens", json=body)
    assert english.status_code == 401
    assert english.get_json() == {
        "error": {"code": "unauthorized", "message": "Wrong username or password."}
    }
    chinese = api.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "zh"})
    assert chinese.get_json()["error"]["message"] == "用户名或密码错误。"


def test_token_endpoint_answers_429_after_repeated_failures(app, session, api):
    user = factories.make_user(session)
    session.commit()
    body = {"username": user.username, "password": "wrong password"}
    statuses = [api.post("/api/v1/auth/tokens", json=body).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    right = api.post(
        "/api/v1/auth/tokens", json={"username": user.username, "password": factories.PASSWORD}
    )
    assert right.status_code == 429
    assert right.get_json()["error"]["code"] == "too_many_requests"


def test_revoked_token_no_longer_authenticates(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    assert caller.delete("/api/v1/auth/tokens/current").status_code == 204
    response = caller.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_invalid_bearer_token_is_401_even_for_public_reads(app, api):
    response = api.get("/api/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_malformed_json_is_400_bad_request(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/users", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert caller.post("/api/v1/users", json=[1, 2]).status_code == 400


def test_wrong_types_are_400_with_the_fields_named(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/users",
        json={
            "username": 12,
            "password": "long enough",
            "display_name": "X",
            "role": "judge",
            "organization_id": "first",
        },
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert set(error["fields"]) == {"username", "organization_id"}


def test_rule_violations_are_422_and_store_nothing(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/users",
        json={"username": "ab", "password": "short", "display_name": "", "role": "judge"},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"username", "password", "display_name"}
    assert session.query(User).count() == 1


def test_admin_creates_a_user_and_the_password_never_comes_back(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/users",
        json={
            "username": "judge.chen",
            "password": "a good password",
            "display_name": "陈老师",
            "role": "judge",
            "organization_id": office.id,
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["username"] == "judge.chen" and body["role"] == "judge"
    assert body["organization_id"] == office.id
    assert "password" not in str(body)
    assert body["created_at"].endswith(("Z", "+00:00"))
    assert session.query(User).filter_by(username="judge.chen").one().display_name == "陈老师"


def test_only_admins_create_users(app, session, api):
    caller = api.as_user(factories.make_user(session, role="organizer"))
    response = caller.post(
        "/api/v1/users",
        json={
            "username": "someone",
            "password": "a good password",
            "display_name": "S",
            "role": "admin",
        },
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_anonymous_api_write_is_401(app, api):
    response = api.post("/api/v1/organizations", json={"name": "X", "level": "city"})
    assert response.status_code == 401


def test_organizer_creates_organisations_only_under_their_own(app, session, api):
    city = factories.make_organization(session, level="city")
    district = factories.make_organization(session, level="district", parent=city)
    elsewhere = factories.make_organization(session, level="city")
    organizer = factories.make_user(session, role="organizer", organization=city)
    caller = api.as_user(organizer)
    inside = caller.post(
        "/api/v1/organizations", json={"name": "新区", "level": "district", "parent_id": city.id}
    )
    assert inside.status_code == 201
    assert inside.get_json()["parent_id"] == city.id
    outside = caller.post(
        "/api/v1/organizations",
        json={"name": "外区", "level": "district", "parent_id": elsewhere.id},
    )
    assert outside.status_code == 403
    top_level = caller.post("/api/v1/organizations", json={"name": "省", "level": "province"})
    assert top_level.status_code == 403
    assert district.id and session.query(Organization).count() == 4


def test_organisation_under_a_lower_level_is_422(app, session, api):
    district = factories.make_organization(session, level="district")
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/organizations", json={"name": "X", "level": "city", "parent_id": district.id}
    )
    assert response.status_code == 422
    assert "parent_id" in response.get_json()["error"]["fields"]


def test_lists_paginate_with_the_contract_envelope(app, session, api):
    for _ in range(7):
        factories.make_organization(session)
    caller = api.as_user(factories.make_user(session, role="admin"))
    first = caller.get("/api/v1/organizations?per_page=5").get_json()
    second = caller.get("/api/v1/organizations?per_page=5&page=2").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 5, 7)
    assert len(first["items"]) == 5 and len(second["items"]) == 2
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second["items"]})


def test_bad_pagination_parameters_are_400(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    for query in ("per_page=201", "per_page=0", "page=0", "page=x"):
        response = caller.get(f"/api/v1/organizations?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "bad_request"


def test_oversized_body_is_413(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    response = caller.post(
        "/api/v1/organizations", json={"name": "x" * (2 * 1024 * 1024), "level": "city"}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_unknown_api_path_is_404_error_json(app, api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_cookie_authenticated_write_needs_the_csrf_token(app, session, client):
    admin = factories.make_user(session, role="admin")
    session.commit()
    client.login(admin.username)
    body = {"name": "Cookie office", "level": "city"}
    refused = client.post("/api/v1/organizations", json=body)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "bad_request"
    accepted = client.post(
        "/api/v1/organizations", json=body, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert accepted.status_code == 201


def test_bearer_write_needs_no_csrf_token(app, session, api):
    caller = api.as_user(factories.make_user(session, role="admin"))
    assert (
        caller.post(
            "/api/v1/organizations", json={"name": "Bearer office", "level": "city"}
        ).status_code
        == 201
    )
