"""An unknown certificate number (HTTP tests): the page says plainly that no certificate with
that number exists and how to check the number, with status 404."""

import pytest

from tests.html import Page

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    "url", ["/certificates/2026-0009-00042/verify", "/certificates/2026-0009-00042"]
)
def test_an_unknown_certificate_number_says_no_such_certificate_exists(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 404
    page = Page(response)
    assert page.h1 == "No certificate with the number 2026-0009-00042 exists"
    assert "How to check the number" in page.text
    assert "printed at the bottom of the certificate" in page.text
    assert "QR code" in page.text
    assert "This page does not exist" not in page.text  # not the generic 404


def test_the_not_found_page_lets_the_number_be_typed_again(client):
    page = Page(client.get("/certificates/2026-0009-00042/verify", headers=EN))
    assert 'name="number"' in page.html and 'value="2026-0009-00042"' in page.html
    again = client.get("/certificates/check?number= 2026－0009－00043 ", headers=EN)
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/certificates/2026-0009-00043/verify")


def test_a_typed_number_is_shown_escaped_and_short(client):
    response = client.get("/certificates/<b>" + "9" * 80 + "/verify", headers=EN)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<b>9" not in html and "&lt;b&gt;9" in html
    heading = Page(response).h1
    assert "9" * 37 in heading and "9" * 38 not in heading  # "<b>" and 37 nines: 40


def test_an_api_client_still_gets_a_plain_404_status(client):
    response = client.get("/certificates/nothing/verify", headers={"Accept": "application/json"})
    assert response.status_code == 404
