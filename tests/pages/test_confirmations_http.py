"""A button that destroys something or cannot be taken back never acts on the first press: it
leads to a page that says what will happen, with a "Yes" button and a way back. Then the
"Yes" does it."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from festival.awards.services import create_award, publish
from festival.festivals.models import Festival, FestivalStatus
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from festival.programs.models import Program
from festival.schedules import services as schedules
from festival.schedules.models import EventCancellation
from festival.troupes.models import Membership
from tests import factories
from tests.checks import row_count
from tests.html import Page

EN = {"Accept-Language": "en"}
# Form actions that destroy or cannot be taken back; other buttons (save, add) act at once.
DESTRUCTIVE = re.compile(
    r"/open$|/members/\d+/remove$|/awards/(un)?publish$|"
    r"/awards/\d+/remove$|/recommend$|/cancel$|/withdraw$|/delete$|"
    r"/calendar/rotate$"
)


@pytest.fixture
def world(session, office, organizer):
    """A draft festival with a category; an open one with a troupe, its members, a program
    and an unpublished award; a screened one whose closed round advanced a program that the
    city's open festival may receive; a published one under notice; a weekly training."""
    draft = factories.make_festival(session, organization=office, status="draft", name="草稿艺术节")
    festival = factories.make_festival(session, organization=office, name="开放的艺术节")
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, organization=office, leader=leader, name="万年表歌舞团")
    program = factories.make_program(session, festival=festival, troupe=troupe, actor=organizer)
    create_award(
        session,
        festival=festival,
        tier="special",
        program_id=program.id,
        actor=organizer,
        now=factories.NOW,
    )
    screened = factories.make_festival(session, organization=office, name="评审中的艺术节")
    entries = [
        factories.make_program(session, festival=screened, troupe=troupe, actor=organizer)
        for _ in range(2)
    ]
    round_ = judging.create_round(
        session,
        festival=screened,
        name="初选",
        criteria=[{"name": "表现", "max_score": 10}],
        advance_count=1,
        actor=organizer,
        now=factories.NOW,
    )
    judge = factories.make_user(session, role="judge")
    judging.assign_judge(
        session, round_=round_, user_id=judge.id, actor=organizer, now=factories.NOW
    )
    judging.add_entries(
        session,
        round_=round_,
        program_ids=[p.id for p in entries],
        actor=organizer,
        now=factories.NOW,
    )
    session.refresh(round_, ["criteria"])
    for value, entry in zip(("9", "7"), entries, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=entry.id,
            judge=judge,
            values={str(round_.criteria[0].id): value},
            now=factories.NOW,
        )
    judging.close_round(
        session, round_=round_, advance_program_ids=None, actor=organizer, now=factories.NOW
    )
    factories.make_festival(session, organization=office.parent, level="city", name="市级艺术节")
    published = factories.make_festival(session, organization=office, name="公示中的艺术节")
    winner = factories.make_program(session, festival=published, troupe=troupe, actor=organizer)
    create_award(
        session,
        festival=published,
        tier="first",
        program_id=winner.id,
        actor=organizer,
        now=factories.NOW,
    )
    publish(
        session,
        festival=published,
        notice_days=30,
        actor=organizer,
        now=datetime.now(UTC) - timedelta(days=1),
    )
    training = schedules.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=leader,
        now=factories.NOW,
        details=schedules.EventDetails(
            title="每周集中训练",
            kind="training",
            starts_at=datetime(2027, 5, 1, 9, 0),
            ends_at=datetime(2027, 5, 1, 11, 0),
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=8",
        ),
    )
    session.commit()
    pages = [
        f"/festivals/{draft.id}",
        f"/troupes/{troupe.id}",
        f"/festivals/{festival.id}/awards/manage",
        f"/festivals/{published.id}/awards/manage",
        f"/rounds/{round_.id}/results",
        f"/events/{training.id}",
        f"/programs/{program.id}",
        f"/troupes/{troupe.id}/calendar",
    ]
    return {
        "draft": draft,
        "festival": festival,
        "troupe": troupe,
        "published": published,
        "training": training,
        "pages": pages,
    }


def state(session) -> tuple:
    """Everything a destructive button could change."""
    session.expire_all()
    festivals = tuple(
        session.execute(
            Festival.__table__.select().with_only_columns(Festival.status, Festival.published_at)
        ).all()
    )
    return (
        festivals,
        row_count(session, Membership),
        row_count(session, Program),
        row_count(session, EventCancellation),
    )


def destructive_buttons(client, pages) -> list[tuple[str, dict, str]]:
    """(action, fields, page) of every form on these pages that posts to a destructive action,
    and the links (GET) that lead to one."""
    found = []
    for url in pages:
        page = Page(client.get(url, headers=EN))
        assert page.status == 200, url
        for form in page.forms:
            if form.method == "post" and DESTRUCTIVE.search(form.action.split("?")[0]):
                found.append((form.action, form.fields, url))
    return found


def test_every_destructive_button_asks_first_and_changes_nothing(client, session, organizer, world):
    client.login(organizer.username)
    buttons = destructive_buttons(client, world["pages"])
    actions = {re.sub(r"\d+", "N", action) for action, _fields, _page in buttons}
    assert actions >= {
        "/festivals/N/open",
        "/troupes/N/members/N/remove",
        "/festivals/N/awards/publish",
        "/festivals/N/awards/unpublish",
        "/awards/N/remove",
        "/rounds/N/recommend",
    }, actions
    before = state(session)
    for action, fields, page in buttons:
        response = client.post(action, data=fields, headers=EN)
        asked = Page(response)
        assert response.status_code == 200, (page, action, response.status_code)
        assert asked.h1.endswith("?"), (page, action, asked.h1)
        confirm = [form for form in asked.forms if form.fields.get("confirm") == "yes"]
        assert confirm and confirm[0].buttons[0].startswith("Yes"), (page, action)
        assert [link for link in asked.links if link.text.startswith("No")], (page, action)
        assert state(session) == before, (page, action)


def test_links_that_lead_to_a_destructive_action_open_a_question_page(client, session, world):
    """Withdraw, delete, a new calendar link and cancelling one session are links (GET) to a
    page that asks; the event page's "Cancel this session" is one of them."""
    client.login(world["troupe"].leader.username)
    event_page = Page(client.get(f"/events/{world['training'].id}", headers=EN))
    assert not [form for form in event_page.forms if form.action.endswith("/cancel")]
    for text in ("Cancel this session", "Delete"):
        asked = Page(client.get(event_page.link(text).href, headers=EN))
        assert asked.h1.endswith("?"), (text, asked.h1)
        assert any(b.startswith("Yes") for b in asked.buttons), text


def test_removing_a_member_asks_then_removes_only_on_yes(client, session, organizer, office):
    troupe = factories.make_troupe(session, organization=office, name="夕阳红戏曲社")
    person = factories.make_person(session, name="张秀英", troupe=troupe)
    session.commit()
    client.login(organizer.username)
    form = Page(client.get(f"/troupes/{troupe.id}", headers=EN)).form_with_button("Remove 张秀英")
    asked = Page(client.post(form.action, data=form.fields, headers=EN))
    assert asked.h1 == "Remove 张秀英 from 夕阳红戏曲社?"
    assert "stays registered" in asked.text
    assert asked.crumbs == ["Troupes", "夕阳红戏曲社", "Remove a member"]
    assert asked.link("No, keep 张秀英").href == f"/troupes/{troupe.id}"
    assert row_count(session, Membership) == 1
    yes = asked.form_with_button("Yes, remove 张秀英")
    done = client.post(yes.action, data=yes.fields, headers=EN, follow_redirects=True)
    assert "张秀英 is no longer a member of 夕阳红戏曲社." in Page(done).text
    assert row_count(session, Membership, Membership.person_id == person.id) == 0


def test_publishing_without_a_notice_period_warns_that_it_cannot_be_corrected(
    client, session, organizer, world
):
    festival = world["festival"]
    client.login(organizer.username)
    asked = Page(
        client.post_form(
            f"/festivals/{festival.id}/awards/publish", {"notice_days": "0"}, headers=EN
        )
    )
    assert asked.h1 == f"Publish the awards of {festival.name}?"
    assert "1 award becomes public at once" in asked.text
    assert (
        "Without a notice period the awards can no longer be corrected or taken down; "
        "you can make them final at once." in asked.text
    )
    yes = asked.form_with_button("Yes, publish them")
    assert yes.fields["notice_days"] == "0"
    assert client.post(yes.action, data=yes.fields).status_code == 302
    session.expire_all()
    assert festival.status is FestivalStatus.announced and festival.notice_until is None


def test_opening_a_festival_asks_and_says_until_when_troupes_may_submit(
    client, session, organizer, world
):
    draft = world["draft"]
    client.login(organizer.username)
    asked = Page(client.post_form(f"/festivals/{draft.id}/open", headers=EN))
    assert asked.h1 == f"Open {draft.name} for submissions?"
    assert "troupes can submit programs until April 21, 2026 00:00" in asked.text
    assert asked.crumbs == ["Festivals", draft.name, "Open for submissions"]
    assert asked.link("No, not yet").href == f"/festivals/{draft.id}"
    session.expire_all()
    assert draft.status is FestivalStatus.draft
    assert date(2026, 5, 1) == draft.starts_on
