"""Logging in and out, changing passwords, managing users and organisations, through pages."""

import logging
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import func, select

from festival.accounts.models import Organization, User
from tests import factories
from tests.conftest import Client
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new secret"
WRONG_LOGIN = "用户名或密码错误"
TOO_MANY = "失败次数太多"
FORM_EXPIRED = "此表单已过期或不是从本网站提交的"
NOT_ALLOWED = "您无权进行此操作"


def count(session, model) -> int:
    session.commit()  # a new transaction sees what the requests committed
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def form_errors(response) -> str:
    """The messages of the error summary at the top of the page (a form's own errors, not tied
    to a field, are shown there and only there)."""
    found = re.search(r'<ul class="error-summary-list">(.*?)</ul>', text_of(response), re.S)
    return found.group(1) if found else ""


def field_error(response, field: str) -> str:
    """The message shown next to a field (empty if none)."""
    found = re.search(
        rf'<p class="error" id="{field}-error" role="alert">(.*?)</p>', text_of(response), re.S
    )
    return found.group(1) if found else ""


def new_client(client):
    """A second browser on the same app."""
    return type(client)(client.raw.application.test_client())


def is_redirect_to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


# Logging in


def test_login_page_is_in_chinese_by_default(client):
    response = client.get("/login")

    assert response.status_code == 200
    assert "<h1>登录</h1>" in text_of(response)
    assert 'name="username"' in text_of(response)
    assert 'name="password"' in text_of(response)


def test_login_page_is_in_english_when_the_browser_asks_for_it(client):
    response = client.get("/login", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert "<h1>Log in</h1>" in text_of(response)
    assert "登录" not in text_of(response)


def test_login_with_the_right_credentials_starts_a_session(client, session):
    factories.make_user(session, username="wang", display_name="王秀英")
    session.commit()
    assert "王秀英" not in text_of(client.get("/"))

    response = client.post_form("/login", {"username": "wang", "password": PASSWORD})

    assert response.status_code == 302
    assert response.location == "/"
    assert "王秀英" in text_of(client.get("/"))


def test_login_gives_one_generic_message_for_a_wrong_password_and_an_unknown_user(
    client, session, caplog
):
    factories.make_user(session, username="wang")
    session.commit()

    with caplog.at_level(logging.WARNING):
        wrong_password = client.post_form("/login", {"username": "wang", "password": "nope!"})
        unknown_user = client.post_form("/login", {"username": "nobody", "password": PASSWORD})

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert WRONG_LOGIN in form_errors(wrong_password)
    assert text_of(wrong_password).count(WRONG_LOGIN) == 1  # in the summary, not again in the form
    assert form_errors(wrong_password) == form_errors(unknown_user)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("failed login" in w and "'wang'" in w for w in warnings)
    assert any("failed login" in w and "'nobody'" in w for w in warnings)


def test_login_refuses_the_sixth_attempt_after_five_failures_with_429(client, session):
    factories.make_user(session, username="wang", display_name="王秀英")
    session.commit()
    for _ in range(5):
        response = client.post_form("/login", {"username": "wang", "password": "nope!"})
        assert response.status_code == 200

    response = client.post_form("/login", {"username": "wang", "password": PASSWORD})

    assert response.status_code == 429
    assert TOO_MANY in form_errors(response)
    assert "王秀英" not in text_of(client.get("/"))


def test_login_without_csrf_token_answers_400_with_a_readable_page(client, session):
    factories.make_user(session, username="wang")
    session.commit()

    response = client.post("/login", data={"username": "wang", "password": PASSWORD})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert FORM_EXPIRED in text_of(response)
    assert "Traceback" not in text_of(response)


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/admin/users", "/admin/users"),
        ("/admin/users?page=2", "/admin/users?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("evil.example", "/"),
    ],
)
def test_login_follows_next_only_to_local_paths(client, session, target, landing):
    factories.make_user(session, username="boss", role="admin")
    session.commit()

    response = client.post_form(
        f"/login?next={quote(target, safe='')}", {"username": "boss", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.location == landing


@pytest.mark.parametrize(
    "target", ["/\\evil.example/", "/\t/evil.example/", "https:evil.example", "\\\\evil.example"]
)
def test_login_never_sends_the_browser_to_another_site(client, session, target):
    factories.make_user(session, username="boss", role="admin")
    session.commit()

    response = client.post_form(
        f"/login?next={quote(target, safe='')}", {"username": "boss", "password": PASSWORD}
    )

    assert response.status_code == 302
    # Browsers read a backslash as a slash and drop tabs and newlines inside URLs.
    as_browsers_read_it = re.sub(r"[\t\r\n]", "", response.location.replace("\\", "/"))
    assert as_browsers_read_it.startswith("/")
    assert not as_browsers_read_it.startswith("//")


def test_login_sets_an_httponly_samesite_lax_session_cookie(client, session):
    factories.make_user(session, username="wang")
    session.commit()

    response = client.login("wang")

    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies
    attributes = {part.strip().lower() for part in cookies[-1].split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_login_starts_a_new_session_so_a_planted_one_is_not_kept(client, session):
    factories.make_user(session, username="wang")
    session.commit()
    with client.session_transaction() as planted:
        planted["planted_by_an_attacker"] = "yes"

    client.login("wang")

    with client.session_transaction() as after:
        assert "planted_by_an_attacker" not in after
        assert after.get("_user_id")


def test_the_session_cookie_is_secure_when_configured_for_https(app, session):
    factories.make_user(session, username="wang")
    session.commit()
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = Client(app.test_client()).login("wang")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][-1]
    assert "secure" in {part.strip().lower() for part in cookie.split(";")[1:]}


# Logging out


def test_logout_does_not_answer_get(login_as, client):
    login_as("admin")

    response = client.get("/logout")

    assert response.status_code == 405
    assert client.get("/admin/users").status_code == 200  # still logged in


def test_logout_ends_the_session(login_as, client):
    admin = login_as("admin", display_name="管理员甲")
    assert client.get("/admin/users").status_code == 200

    response = client.post_form("/logout")

    assert response.status_code == 302
    assert is_redirect_to_login(client.get("/admin/users"))
    assert admin.display_name not in text_of(client.get("/"))


# Changing one's password


def test_change_password_shows_a_wrong_current_password_next_to_the_field(login_as, client):
    login_as("leader")

    response = client.post_form(
        "/account/password",
        {
            "current_password": "not it at all",
            "new_password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "当前密码不正确" in field_error(response, "current_password")
    assert field_error(response, "new_password") == ""


def test_change_password_flashes_and_retires_the_old_password(login_as, client):
    user = login_as("leader", display_name="王秀英")

    response = client.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    home = text_of(client.get("/"))
    assert "您的密码已修改" in home
    assert "王秀英" in home  # this session goes on
    browser = new_client(client)
    old = browser.post_form("/login", {"username": user.username, "password": PASSWORD})
    assert old.status_code == 200
    assert WRONG_LOGIN in form_errors(old)
    browser.login(user.username, NEW_PASSWORD)


def test_change_password_logs_out_the_other_sessions_of_the_account(login_as, client):
    admin = login_as("admin")
    other = new_client(client)
    other.login(admin.username)
    assert other.get("/admin/users").status_code == 200

    response = client.post_form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert is_redirect_to_login(other.get("/admin/users"))
    assert client.get("/admin/users").status_code == 200


# Users


def test_admin_sees_every_user_in_the_list(login_as, client, session):
    login_as("admin")
    office = factories.make_organization(session, name="东城区老龄办")
    factories.make_user(session, username="zhang", display_name="张评委", role="judge")
    factories.make_user(
        session, username="liu", display_name="刘主任", role="organizer", organization=office
    )
    session.commit()

    response = client.get("/admin/users")

    assert response.status_code == 200
    for shown in ["zhang", "张评委", "liu", "刘主任", "东城区老龄办"]:
        assert shown in text_of(response)


def test_admin_creates_a_user_with_the_form(login_as, client, session):
    login_as("admin")

    response = client.post_form(
        "/admin/users",
        {
            "username": "judge.li",
            "display_name": "李评委",
            "password": NEW_PASSWORD,
            "role": "judge",
            "organization_id": "",
        },
    )

    assert response.status_code == 302
    assert "已创建用户 judge.li" in text_of(client.get(response.location))
    session.commit()
    user = session.execute(select(User).where(User.username == "judge.li")).scalar_one()
    assert user.display_name == "李评委"
    assert user.role.value == "judge"
    assert user.organization_id is None
    new_client(client).login("judge.li", NEW_PASSWORD)


def test_user_form_shows_a_taken_username_next_to_the_field_and_stores_nothing(
    login_as, client, session
):
    login_as("admin", username="boss")
    before = count(session, User)

    response = client.post_form(
        "/admin/users",
        {
            "username": "BOSS",
            "display_name": "Another boss",
            "password": NEW_PASSWORD,
            "role": "admin",
            "organization_id": "",
        },
    )

    assert response.status_code == 200
    assert "该用户名已被使用" in field_error(response, "username")
    assert count(session, User) == before


def test_users_page_is_forbidden_to_a_leader(login_as, client):
    login_as("leader")

    response = client.get("/admin/users")

    assert response.status_code == 403
    assert NOT_ALLOWED in text_of(response)


def test_users_page_sends_an_anonymous_visitor_to_login_and_back(client):
    response = client.get("/admin/users")

    assert is_redirect_to_login(response)
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/admin/users"]


def test_users_page_costs_the_same_number_of_queries_for_3_and_30_users(
    login_as, client, session, count_queries
):
    login_as("admin")

    def queries_with(total_users: int) -> int:
        while count(session, User) < total_users:
            factories.make_user(session, role="organizer")  # each with an organisation
        session.commit()
        with count_queries() as queries:
            response = client.get("/admin/users")
        assert response.status_code == 200
        assert text_of(response).count("<tr>") == total_users + 1  # and the header row
        return len(queries)

    assert queries_with(3) == queries_with(30)


# Organisations


@pytest.fixture
def offices(session) -> dict[str, Organization]:
    """A province with two cities; an organizer works at the first city."""
    province = factories.make_organization(session, name="省老龄办", level="province")
    return {
        "province": province,
        "city": factories.make_organization(
            session, name="甲市老龄办", level="city", parent=province
        ),
        "sibling_city": factories.make_organization(
            session, name="乙市老龄办", level="city", parent=province
        ),
    }


def test_organizer_creates_an_organisation_under_their_own(login_as, client, session, offices):
    login_as("organizer", organization=offices["city"])

    response = client.post_form(
        "/admin/organizations",
        {
            "name": "甲市东区",
            "level": "district",
            "parent_id": str(offices["city"].id),
        },
    )

    assert response.status_code == 302
    assert "已创建单位“甲市东区”" in text_of(client.get(response.location))
    session.commit()
    created = session.execute(
        select(Organization).where(Organization.name == "甲市东区")
    ).scalar_one()
    assert created.parent_id == offices["city"].id


@pytest.mark.parametrize("parent", ["sibling_city", "province"])
def test_organizer_cannot_create_an_organisation_outside_their_subtree(
    login_as, client, session, offices, parent
):
    login_as("organizer", organization=offices["city"])
    before = count(session, Organization)

    response = client.post_form(
        "/admin/organizations",
        {
            "name": "乙市西区",
            "level": "district",
            "parent_id": str(offices[parent].id),
        },
    )

    assert response.status_code != 302
    assert count(session, Organization) == before


def test_organizer_posting_a_parent_outside_their_subtree_gets_403(login_as, client, offices):
    login_as("organizer", organization=offices["city"])

    response = client.post_form(
        "/admin/organizations",
        {
            "name": "乙市西区",
            "level": "district",
            "parent_id": str(offices["sibling_city"].id),
        },
    )

    assert response.status_code == 403
    assert NOT_ALLOWED in text_of(response)


@pytest.mark.parametrize(
    ("name", "level", "parent", "field", "message"),
    [
        ("", "district", "city", "name", ""),
        ("甲市老龄办", "district", "province", "name", "已有同名单位"),
        ("新区", "city", "city", "parent_id", "上级单位的级别必须更高"),
        ("新区", "village", "city", "level", ""),
    ],
    ids=["empty name", "taken name", "parent not higher", "unknown level"],
)
def test_invalid_organisation_input_shows_errors_and_stores_nothing(
    login_as, client, session, offices, name, level, parent, field, message
):
    login_as("admin")
    before = count(session, Organization)

    response = client.post_form(
        "/admin/organizations",
        {
            "name": name,
            "level": level,
            "parent_id": str(offices[parent].id),
        },
    )

    assert response.status_code == 200
    assert field_error(response, field)
    assert message in field_error(response, field)
    assert count(session, Organization) == before


# Headers on every page


@pytest.mark.parametrize("url", ["/login", "/", "/admin/users", "/no-such-page"])
def test_responses_forbid_framing_and_mime_sniffing(client, url):
    response = client.get(url)

    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
