"""Caching, HSTS and absolute URLs over HTTP: private answers are never stored, public pages
and feeds keep their caching, HSTS goes out over HTTPS only, and a forged Host header never
reaches a certificate's QR code or a troupe's secret feed link."""

import re

import pytest

from festival import create_app
from festival.public.views import qr_svg
from festival.web.qr import qr_svg as subscribe_qr_svg
from tests import factories
from tests.conftest import make_test_app
from tests.public.test_awards_http import awarded_festival, public_urls

BASE = "https://festival.example.org"
FORGED = {"Host": "evil.example"}
HSTS = "max-age=31536000; includeSubDomains"


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.fixture
def team(session):
    leader = factories.make_user(session, role="leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    session.commit()
    return troupe, leader


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    return BASE


# Cache-Control


def test_a_logged_in_users_pages_are_never_stored(client, login_as):
    login_as("organizer")

    for path in ("/", "/festivals"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_subscribe_page_showing_the_secret_feed_url_is_never_stored(client, team):
    troupe, leader = team
    client.login(leader.username)

    response = client.get(f"/troupes/{troupe.id}/calendar")

    assert response.status_code == 200
    assert "/calendar/" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_to_credentials_are_never_stored(app, api, team):
    troupe, leader = team
    caller = api.as_user(leader)

    calendar = caller.get(f"/api/v1/troupes/{troupe.id}/calendar")
    token = api.client.post(
        "/api/v1/auth/tokens", json={"username": leader.username, "password": factories.PASSWORD}
    )
    wrong_token = api.client.get(
        f"/api/v1/troupes/{troupe.id}", headers={"Authorization": "Bearer not-a-token"}
    )

    assert calendar.status_code == 200 and no_store(calendar)
    assert token.status_code == 201 and no_store(token)
    assert wrong_token.status_code == 401 and no_store(wrong_token)


def test_the_login_page_carrying_a_csrf_token_is_never_stored(client):
    response = client.get("/login")

    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_and_anonymous_api_answers_keep_their_caching(app, session, client, api):
    festival = awarded_festival(session)

    awards = client.get(public_urls(session, festival)["list"])
    festivals = api.get("/api/v1/festivals")

    assert awards.status_code == 200 and not no_store(awards)
    assert festivals.status_code == 200 and not no_store(festivals)


def test_static_files_stay_cacheable_for_a_logged_in_user(client, login_as):
    login_as("organizer")

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert not no_store(response)
    assert response.headers.get("ETag")


def test_a_feed_keeps_its_etag_and_caching_even_for_a_logged_in_browser(app, api, client, team):
    troupe, leader = team
    client.login(leader.username)
    url = api.as_user(leader).get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()["url"]
    path = url.removeprefix("http://localhost")

    first = client.get(path)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache, max-age=0"
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "no-cache, max-age=0"


# HSTS


def test_hsts_is_sent_over_https_and_never_over_plain_http(client):
    secure = client.get("/login", base_url="https://localhost")
    plain = client.get("/login")

    assert secure.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in plain.headers


def test_hsts_can_be_turned_off(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS", False)

    response = client.get("/login", base_url="https://localhost")

    assert "Strict-Transport-Security" not in response.headers


def test_a_clients_own_x_forwarded_proto_gives_no_hsts_without_a_trusted_proxy(client):
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})

    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_hsts_follows_its_x_forwarded_proto(app, tmp_path):
    behind_proxy = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, TRUSTED_PROXIES=1)
    client = behind_proxy.test_client()

    secure = client.get(
        "/healthz", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    )
    plain = client.get(
        "/healthz", headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}
    )

    assert secure.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in plain.headers


# Absolute URLs


def test_a_forged_host_does_not_change_a_certificates_url_or_qr_code(
    app, session, client, base_url
):
    festival = awarded_festival(session)
    path = public_urls(session, festival)["certificate"]
    verify_url = f"{BASE}{path}/verify"

    response = client.get(path, headers=FORGED)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert verify_url in html
    assert re.search(r"<svg.*?</svg>", html, re.S).group(0) == str(qr_svg(verify_url))
    assert "evil.example" not in html


def test_a_forged_host_does_not_change_the_subscribe_page_or_the_apis_feed_url(
    app, client, api, team, base_url
):
    troupe, leader = team
    client.login(leader.username)
    # The browser sends its cookie to whatever host the request names.
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")

    page = client.get(f"/troupes/{troupe.id}/calendar", headers=FORGED)
    answer = api.as_user(leader).get(f"/api/v1/troupes/{troupe.id}/calendar", headers=FORGED)

    html = page.get_data(as_text=True)
    feed = answer.get_json()
    assert feed["url"].startswith(f"{BASE}/calendar/") and feed["url"].endswith(".ics")
    assert feed["webcal_url"] == "webcal://" + feed["url"].removeprefix("https://")
    assert feed["url"] in html and feed["webcal_url"] in html
    # The QR code opens the members' share page (https), reached by the same secret.
    share_url = feed["url"].replace("/calendar/", "/calendars/").removesuffix(".ics") + "/"
    assert str(subscribe_qr_svg(share_url)) in html
    assert "evil.example" not in html


def test_a_forged_host_does_not_change_a_festivals_public_calendar_link(
    app, session, client, base_url
):
    festival = awarded_festival(session)

    html = client.get(f"/festivals/{festival.slug}/calendar", headers=FORGED).get_data(as_text=True)

    assert f'href="webcal://festival.example.org/festivals/{festival.slug}/calendar.ics"' in html
    assert "evil.example" not in html


def test_in_production_without_a_base_url_a_forged_host_is_never_printed(
    app, session, client, monkeypatch
):
    festival = awarded_festival(session)
    path = public_urls(session, festival)["certificate"]
    monkeypatch.setitem(app.config, "TESTING", False)

    forged = client.get(path, headers=FORGED)
    local = client.get(path, headers={"Host": "127.0.0.1:5000"})

    assert forged.status_code == 500
    assert "evil.example" not in forged.get_data(as_text=True)
    assert local.status_code == 200
    assert f"http://127.0.0.1:5000{path}/verify" in local.get_data(as_text=True)


def test_the_base_url_comes_from_the_environment_and_a_malformed_one_stops_the_start(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("FESTIVAL_BASE_URL", "https://festival.example.org/")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        instance_path=str(tmp_path),
    )
    assert app.config["BASE_URL"] == "https://festival.example.org"

    monkeypatch.setenv("FESTIVAL_BASE_URL", "festival.example.org")
    with pytest.raises(ValueError, match="FESTIVAL_BASE_URL"):
        create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
            instance_path=str(tmp_path),
        )
