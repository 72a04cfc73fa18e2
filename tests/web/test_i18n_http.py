"""Language: Chinese by default, English on request, remembered; error pages in both."""

import pytest

from tests.conftest import make_test_app


def test_pages_speak_simplified_chinese_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "老年文化艺术节" in page


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9,en;q=0.8", "zh", "zh-Hans-CN", "zh-TW"])
def test_every_chinese_accept_language_tag_gets_chinese(client, header):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert "<h1>登录</h1>" in page


def test_english_accept_language_gets_english(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page


def test_language_switch_is_remembered_over_accept_language(client):
    response = client.get("/language/en?next=/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in page
    client.get("/language/zh")
    assert "<h1>登录</h1>" in client.get("/login").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_is_404(client):
    assert client.get("/language/fr").status_code == 404


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-CN", "该页面不存在，或您无权查看。"),
        ("en", "This page does not exist, or you may not see it."),
    ],
)
def test_404_page_in_both_languages(client, language, text):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-CN", "您无权进行此操作。"),
        ("en", "You are not allowed to do this."),
    ],
)
def test_403_page_in_both_languages(client, login_as, language, text):
    login_as("judge")
    response = client.get("/admin/users", headers={"Accept-Language": language})
    assert response.status_code == 403
    assert text in response.get_data(as_text=True)


def test_400_page_for_a_form_without_csrf_token_in_both_languages(client):
    zh = client.post("/login", data={"username": "a", "password": "b"})
    assert zh.status_code == 400
    assert "此表单已过期" in zh.get_data(as_text=True)
    en = client.post(
        "/login", data={"username": "a", "password": "b"}, headers={"Accept-Language": "en"}
    )
    assert "This form has expired" in en.get_data(as_text=True)


def test_500_page_in_both_languages_and_no_traceback(tmp_path):
    app = make_test_app("sqlite:///" + str(tmp_path / "unused.sqlite"), tmp_path, TESTING=False)

    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    zh = client.get("/_boom")
    en = client.get("/_boom", headers={"Accept-Language": "en"})
    assert zh.status_code == 500
    assert "系统出了问题" in zh.get_data(as_text=True)
    assert "Something went wrong on our side" in en.get_data(as_text=True)
    assert "secret internals" not in zh.get_data(as_text=True)
