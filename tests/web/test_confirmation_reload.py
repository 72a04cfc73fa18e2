"""Reloading a confirmation page (HTTP tests). A button that asks first answers its POST with
a question page at the action's own URL; a phone that reloads that tab (or a user who comes
back to it) asks for the URL with GET. That must show the question again or lead back to
the page it came from, never a 405 dead end."""

import re

import pytest

from tests.html import Page
from tests.pages import test_confirmations_http as confirmations

# The world of the confirmation tests: a draft, an open, a screened and a published festival,
# a troupe with members, an award, a closed round whose program may be recommended upward.
world = confirmations.world
destructive_buttons = confirmations.destructive_buttons

EN = {"Accept-Language": "en"}

# Every action that asks first, as the buttons on the world's pages post them.
ASKING_ACTIONS = [
    "/festivals/N/open",
    "/troupes/N/members/N/remove",
    "/festivals/N/awards/publish",
    "/festivals/N/awards/unpublish",
    "/awards/N/remove",
    "/rounds/N/recommend",
]


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def answers_a_reload(client, url: str, *, asks: bool = True) -> None:
    """GET shows the question again (or, where nothing is left to ask, leads back)."""
    response = client.get(url, headers=EN)
    assert response.status_code != 405, url
    assert response.status_code in (200, 302, 303), (url, response.status_code)
    if response.status_code == 200 and asks:
        asked = Page(response)
        assert asked.h1.endswith("?"), (url, asked.h1)
        assert any(b.startswith("Yes") for b in asked.buttons), url


@pytest.mark.parametrize("action", ASKING_ACTIONS)
def test_reloading_the_question_after_a_button_never_answers_405(
    client, session, organizer, world, action
):
    client.login(organizer.username)
    buttons = [b for b in destructive_buttons(client, world["pages"]) if shape(b[0]) == action]
    assert buttons, action
    url, fields, _page = buttons[0]
    asked = client.post(url, data=fields, headers=EN)
    assert asked.status_code == 200 and Page(asked).h1.endswith("?")
    answers_a_reload(client, url)


@pytest.mark.parametrize(
    "path",
    [
        "/festivals/{festival}/close-intake",
        "/festivals/{draft}/open",
        "/festivals/{published}/awards/unpublish",
        "/festivals/{festival}/awards/publish?notice_days=5",
        "/festivals/{festival}/awards/preview",
        "/festivals/{festival}/categories",
        "/rounds/{round}/close",
        "/rounds/{round}/recommend",
        "/programs/{program}/withdraw",
        "/events/{training}/cancel",
    ],
)
def test_every_confirmation_url_answers_get(client, session, organizer, world, path):
    client.login(organizer.username)
    ids = {
        "festival": world["festival"].id,
        "draft": world["draft"].id,
        "published": world["published"].id,
        "training": world["training"].id,
        "round": re.search(r"/rounds/(\d+)/", " ".join(world["pages"])).group(1),
        "program": re.search(r"/programs/(\d+)", " ".join(world["pages"])).group(1),
    }
    answers_a_reload(client, path.format(**ids), asks="/cancel" not in path)


def test_a_reloaded_publish_question_keeps_the_notice_days(client, session, organizer, world):
    client.login(organizer.username)
    asked = Page(
        client.get(f"/festivals/{world['festival'].id}/awards/publish?notice_days=7", headers=EN)
    )
    assert asked.h1 == f"Publish the awards of {world['festival'].name}?"
    assert asked.form_with_button("Yes, publish them").fields["notice_days"] == "7"


def test_the_close_intake_question_is_a_page_of_its_own(client, session, organizer, world):
    client.login(organizer.username)
    asked = Page(client.get(f"/festivals/{world['festival'].id}/close-intake", headers=EN))
    assert asked.h1 == f"Close {world['festival'].name} to submissions?"
    assert asked.link("No, keep them open").href == f"/festivals/{world['festival'].id}"
