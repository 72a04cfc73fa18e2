"""A refused form's page opens with "There is a problem": every problem of the page's forms,
each field's linked to the field (GOV.UK's error summary), rendered once by base.html."""

import re

from tests import factories

EN = {"Accept-Language": "en"}


def summary(response) -> str:
    found = re.search(
        r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1"'
        r' aria-labelledby="error-summary-title">(.*?)</div>',
        response.get_data(as_text=True),
        re.S,
    )
    return found.group(1) if found else ""


def links(response) -> list[tuple[str, str]]:
    return [
        (href, " ".join(text.split()))
        for href, text in re.findall(r'<a href="(#[^"]+)">(.*?)</a>', summary(response), re.S)
    ]


def test_a_page_without_a_refused_form_has_no_error_summary(client):
    assert summary(client.get("/login", headers=EN)) == ""


def test_refused_fields_are_listed_at_the_top_each_linked_to_its_field(client):
    response = client.post_form("/login", {"username": "", "password": ""}, headers=EN)
    assert "There is a problem" in summary(response)
    assert links(response) == [
        ("#username", "Username: This field is required."),
        ("#password", "Password: This field is required."),
    ]
    page = response.get_data(as_text=True)
    # Above everything else in the page's main part, and each link leads to a real field.
    assert page.index('id="error-summary"') < page.index("<h1")
    assert 'id="username"' in page and 'id="password"' in page


def test_a_problem_of_the_whole_form_is_listed_without_a_link(client, session):
    factories.make_user(session, username="wang")
    session.commit()
    response = client.post_form("/login", {"username": "wang", "password": "wrong"}, headers=EN)
    assert links(response) == []
    assert "Wrong username or password." in summary(response)


def test_a_refused_field_of_a_new_troupe_is_linked(client, login_as):
    login_as("organizer")
    response = client.post_form("/troupes/new", {"name": ""}, headers=EN)
    assert links(response)[0] == ("#name", "Name: This field is required.")
