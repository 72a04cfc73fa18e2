"""Every route × every role: who gets what. A new route fails this test until it is added here."""

import pytest

from tests import factories

ROLES = ("anonymous", "leader", "judge", "organizer", "admin")
ALL = dict.fromkeys(ROLES)


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int, anonymous: int) -> dict[str, int]:
    return {**same(status), "anonymous": anonymous}


def only(allowed: tuple[str, ...], status: int, *, denied: int, anonymous: int) -> dict[str, int]:
    return {role: status if role in allowed else denied for role in ROLES} | {
        "anonymous": anonymous}


LOGIN = 302  # pages send anonymous callers to the login page
ORGANIZERS = ("organizer", "admin")

# (method, rule) -> expected status per role; POSTs send an empty (invalid) form or JSON body,
# so an allowed caller sees the form again (200) or the API's 400.
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/"): same(200),
    ("GET", "/healthz"): same(200),
    ("GET", "/static/<path:filename>"): same(200),
    ("GET", "/language/<code>"): same(302),
    ("GET", "/login"): same(200),
    ("POST", "/login"): same(200),
    ("POST", "/logout"): logged_in(302, anonymous=LOGIN),
    ("GET", "/account/password"): logged_in(200, anonymous=LOGIN),
    ("POST", "/account/password"): logged_in(200, anonymous=LOGIN),
    ("GET", "/admin/users"): only(("admin",), 200, denied=403, anonymous=LOGIN),
    ("POST", "/admin/users"): only(("admin",), 200, denied=403, anonymous=LOGIN),
    ("GET", "/admin/organizations"): only(ORGANIZERS, 200, denied=403, anonymous=LOGIN),
    ("POST", "/admin/organizations"): only(ORGANIZERS, 200, denied=403, anonymous=LOGIN),
    ("GET", "/api/v1/openapi.json"): same(200),
    ("POST", "/api/v1/auth/tokens"): same(400),
    ("DELETE", "/api/v1/auth/tokens/current"): logged_in(204, anonymous=401),
    ("GET", "/api/v1/users/me"): logged_in(200, anonymous=401),
    ("GET", "/api/v1/users"): only(("admin",), 200, denied=403, anonymous=401),
    ("POST", "/api/v1/users"): only(("admin",), 400, denied=403, anonymous=401),
    ("GET", "/api/v1/organizations"): only(ORGANIZERS, 200, denied=403, anonymous=401),
    ("POST", "/api/v1/organizations"): only(ORGANIZERS, 400, denied=403, anonymous=401),
}

URL_VALUES = {"filename": "favicon.svg", "code": "en"}


def test_matrix_covers_every_route(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(MATRIX), (
        f"missing from MATRIX: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "rule"), sorted(MATRIX))
def test_route_answers_each_role_as_expected(app, session, client, api, method, rule, role):
    path = rule
    for name, value in URL_VALUES.items():
        path = path.replace(f"<{name}>", value).replace(f"<path:{name}>", value)
    user = None
    if role != "anonymous":
        user = factories.make_user(session, role=role)
        session.commit()
    if rule.startswith("/api/"):
        caller = api.as_user(user) if user else api
        response = caller.client.open(path, method=method, headers=caller._headers(None),
                                      json={} if method != "GET" else None)
    else:
        if user:
            client.login(user.username)
        data = {"csrf_token": client.csrf_token()} if method == "POST" else None
        response = client.open(path, method=method, data=data)
    assert response.status_code == MATRIX[(method, rule)][role], response.get_data(as_text=True)[:500]
