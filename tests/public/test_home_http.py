"""The home page tells each role what to do next, with links, at a constant cost in queries."""

from datetime import UTC, date, datetime, timedelta

import pytest

from festival.awards.services import create_award, publish
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from festival.festivals.models import FestivalStatus
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from festival.notice.finality import finalize
from festival.public import views as public_views
from festival.schedules import attendance
from festival.schedules import services as schedules
from tests import factories
from tests.html import Page

EN = {"Accept-Language": "en"}
# The home page's clock: after the test festivals' deadline (20 April 2026).
TODAY = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)
CRITERIA = [{"name": "表现", "max_score": 10}]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(public_views, "utcnow", lambda: TODAY)


def home(client, **headers) -> Page:
    response = client.get("/", headers={**EN, **headers})
    assert response.status_code == 200
    return Page(response)


def make_round(session, festival, *, judges=(), programs=(), name="初选", actor):
    round_ = judging.create_round(
        session,
        festival=festival,
        name=name,
        criteria=CRITERIA,
        advance_count=1,
        actor=actor,
        now=factories.NOW,
    )
    for judge in judges:
        judging.assign_judge(
            session, round_=round_, user_id=judge.id, actor=actor, now=factories.NOW
        )
    if programs:
        judging.add_entries(
            session,
            round_=round_,
            program_ids=[p.id for p in programs],
            actor=actor,
            now=factories.NOW,
        )
    return round_


def score(session, round_, program, judge, value="8"):
    session.refresh(round_, ["criteria"])
    judging_scores.save_scores(
        session,
        round_=round_,
        program_id=program.id,
        judge=judge,
        values={str(round_.criteria[0].id): value},
        now=factories.NOW,
    )


# --- anonymous visitors ---------------------------------------------------------------------------


def test_visitors_see_the_published_award_lists_and_the_way_to_log_in(
    client, session, office, festival
):
    admin = factories.make_user(session, role="admin")
    program = factories.make_program(session, festival=festival, actor=admin)
    create_award(
        session,
        festival=festival,
        tier="second",
        program_id=program.id,
        actor=admin,
        now=factories.NOW,
    )
    publish(session, festival=festival, notice_days=0, actor=admin, now=factories.NOW)
    unpublished = factories.make_festival(session, organization=office, name="未公布的艺术节")
    session.commit()

    page = home(client)

    link = page.link(f"Award list of {festival.name}")
    assert link.href == f"/festivals/{festival.slug}/awards"
    assert "Published on March 1, 2026" in page.text
    assert not page.has_link(f"Award list of {unpublished.name}")
    assert page.link("Log in").href == "/login"
    assert page.has_link(unpublished.name, f"/festivals/{unpublished.slug}")  # its public page
    assert page.steps == []
    assert page.title == "Elderly Arts Festival"


def test_visitors_are_told_when_no_award_list_is_published_yet(client):
    page = home(client)
    assert "No award list is published yet" in page.text


def test_the_demo_home_lists_every_demo_login_by_role_and_logs_in_with_one_button(
    app, client, session
):
    app.config["SHOW_DEMO_LOGINS"] = True
    try:
        page = home(client)
    finally:
        app.config["SHOW_DEMO_LOGINS"] = False
    assert f"Every demo account has the password {DEMO_PASSWORD}" in page.text
    for heading in ("Organizer", "Troupe leader", "Judge", "Administrator"):
        assert heading in page.text
    for username, display_name, _role, _organization in DEMO_ACCOUNTS:
        assert f"Log in as {username}" in page.buttons
        assert display_name in page.text
    assert "The 40-member tai chi team" in page.text

    factories.make_user(session, role="leader", username="taichi", password=DEMO_PASSWORD)
    session.commit()
    form = page.form_with_button("Log in as taichi")
    assert (form.action, form.method) == ("/login", "post")
    assert form.fields["username"] == "taichi"
    logged_in = client.post("/login", data=form.fields)
    assert logged_in.status_code == 302
    assert "Log out" in home(client).buttons


# --- organizers -----------------------------------------------------------------------------------


def test_an_organizer_without_festivals_is_asked_to_create_the_first_one(client, login_as, office):
    login_as("organizer", organization=office)
    page = home(client)
    assert "No festival in progress. Create the first festival" in page.text
    assert page.link("New festival").href == "/festivals/new"
    assert "Nothing is waiting" in page.text


def test_an_organizer_is_led_from_a_draft_to_the_published_awards(
    client, login_as, session, office, monkeypatch
):
    organizer = login_as("organizer", organization=office)
    festival = factories.make_festival(session, organization=office, status="draft", categories=())
    session.commit()
    step = home(client).step(f"{festival.name} has no categories yet")
    assert (step.action, step.href, step.urgent) == (
        "Add categories",
        f"/festivals/{festival.id}",
        True,
    )

    from festival.festivals.services import add_category

    add_category(
        session,
        festival=festival,
        name="舞蹈",
        max_duration_minutes=8,
        actor=organizer,
        now=factories.NOW,
    )
    session.commit()
    step = home(client).step(f"{festival.name} is a draft")
    assert step.action == "Open for submissions"

    festival.status = FestivalStatus.open
    festival.submission_deadline = TODAY + timedelta(days=10)
    programs = [
        factories.make_program(session, festival=festival, actor=organizer) for _ in range(2)
    ]
    session.commit()
    page = home(client)
    step = page.step(f"2 programs have been submitted to {festival.name} so far")
    assert "submissions close on June 20, 2026" in step.text
    assert (step.href, step.urgent) == (f"/festivals/{festival.id}/dashboard", False)
    assert page.has_link(festival.name, f"/festivals/{festival.id}")  # festivals in progress

    festival.submission_deadline = TODAY - timedelta(days=1)
    session.commit()
    step = home(client).step(f"Submissions to {festival.name} closed on June 9, 2026 with 2")
    assert (step.action, step.href) == ("Start screening", f"/festivals/{festival.id}/rounds")

    round_ = make_round(session, festival, actor=organizer)
    session.commit()
    step = home(client).step(f"Enter the programs into 初选 of {festival.name}")
    assert step.href == f"/rounds/{round_.id}#entries"

    judging.add_entries(
        session,
        round_=round_,
        program_ids=[p.id for p in programs],
        actor=organizer,
        now=factories.NOW,
    )
    session.commit()
    assert home(client).step("Assign the judges of 初选").href == f"/rounds/{round_.id}#judges"

    judges = [factories.make_user(session, role="judge") for _ in range(2)]
    for judge in judges:
        judging.assign_judge(
            session, round_=round_, user_id=judge.id, actor=organizer, now=factories.NOW
        )
    score(session, round_, programs[0], judges[0])
    session.commit()
    step = home(client).step(f"初选 of {festival.name}: 3 score sheets are still missing")
    assert (step.href, step.urgent) == (f"/rounds/{round_.id}/results", False)

    for program in programs:
        for judge in judges:
            score(session, round_, program, judge, value="7" if program is programs[1] else "8")
    session.commit()
    step = home(client).step(f"Every judge has scored 初选 of {festival.name}")
    assert (step.action, step.href) == ("Close the round", f"/rounds/{round_.id}/close")

    judging.close_round(
        session, round_=round_, advance_program_ids=None, actor=organizer, now=factories.NOW
    )
    session.commit()
    step = home(client).step(f"初选 of {festival.name} is closed")
    assert step.href == f"/festivals/{festival.id}/awards/manage"

    create_award(
        session,
        festival=festival,
        tier="first",
        program_id=programs[0].id,
        actor=organizer,
        now=factories.NOW,
    )
    session.commit()
    step = home(client).step(f"{festival.name} has 1 award, not published yet")
    assert (step.action, step.href) == (
        "Publish the awards",
        f"/festivals/{festival.id}/awards/manage#publication",
    )

    publish(session, festival=festival, notice_days=7, actor=organizer, now=TODAY)
    session.commit()
    page = home(client)
    step = page.step(f"The awards of {festival.name} are under public notice until June 17")
    assert step.urgent is False
    assert page.has_link(f"Award list of {festival.name}")

    # When the notice period is over, the organizer makes the results final (issue 19);
    # then the festival is finished: nothing is left to do.
    monkeypatch.setattr(public_views, "utcnow", lambda: TODAY + timedelta(days=8))
    step = home(client).step(f"The awards of {festival.name} are published and their notice")
    assert (step.action, step.urgent) == ("Make the results final", True)
    finalize(session, festival=festival, actor=organizer, now=TODAY + timedelta(days=8))
    session.commit()
    page = home(client)
    assert not page.steps
    assert "No festival in progress" in page.text


def test_an_organizer_sees_only_the_festivals_of_their_own_office(
    client, login_as, session, office
):
    sibling = factories.make_organization(session, parent=office.parent)
    theirs = factories.make_festival(session, organization=sibling, name="别的区的艺术节")
    mine = factories.make_festival(session, organization=office, name="本区的艺术节")
    session.commit()
    login_as("organizer", organization=office)
    page = home(client)
    assert page.has_link(mine.name, f"/festivals/{mine.id}")
    assert theirs.name not in " ".join(step.text for step in page.steps)


def test_an_admin_is_told_which_accounts_are_missing(client, login_as, session):
    login_as("admin")
    page = home(client)
    assert page.step("Set up the organisations first").href == "/admin/organizations"
    assert page.step("There is no judge account yet").href == "/admin/users"
    assert page.step("There is no troupe leader account yet").urgent

    factories.make_user(session, role="judge")
    factories.make_user(session, role="leader")
    factories.make_user(session, role="organizer")
    session.commit()
    texts = [step.text for step in home(client).steps]
    assert not any("account yet" in text for text in texts)


# --- judges ---------------------------------------------------------------------------------------


def test_a_judge_sees_how_many_programs_are_left_in_each_open_round(
    client, login_as, session, festival, organizer
):
    judge = login_as("judge")
    programs = [
        factories.make_program(session, festival=festival, actor=organizer) for _ in range(3)
    ]
    round_ = make_round(session, festival, judges=[judge], programs=programs, actor=organizer)
    score(session, round_, programs[0], judge)
    session.commit()

    step = home(client).step(f"Score 初选 of {festival.name}: 2 of 3 programs left")
    assert (step.action, step.href, step.urgent) == (
        "Open the score sheet",
        f"/rounds/{round_.id}/sheet",
        True,
    )

    for program in programs[1:]:
        score(session, round_, program, judge)
    session.commit()
    step = home(client).step("You have scored every program of 初选")
    assert step.urgent is False

    judging.close_round(
        session,
        round_=round_,
        advance_program_ids=[programs[0].id],
        actor=organizer,
        now=factories.NOW,
    )
    session.commit()
    page = home(client)
    assert "No round is waiting for your scores" in page.text
    assert page.link("Results").href == f"/rounds/{round_.id}/results"


def test_a_judge_of_no_round_is_told_where_score_sheets_will_appear(client, login_as):
    login_as("judge")
    assert "your score sheets appear here" in home(client).text


# --- troupe leaders -------------------------------------------------------------------------------


def test_a_leader_without_a_troupe_is_asked_to_register_it(client, login_as):
    login_as("leader")
    step = home(client).step("Register your troupe")
    assert step.href == "/troupes/new"


def test_a_leader_sees_what_is_missing_the_next_session_and_the_rolls_to_take(
    client, login_as, session, office
):
    leader = login_as("leader")
    open_festival = factories.make_festival(
        session,
        organization=office,
        name="2027年汇演",
        deadline=TODAY + timedelta(days=30),
        starts_on=date(2026, 9, 1),
    )
    empty = factories.make_troupe(session, organization=office, leader=leader, name="新团")
    team = factories.make_troupe(
        session, organization=office, leader=leader, name="太极队", kind="team"
    )
    factories.make_person(session, troupe=team)
    # Training every Saturday at 9:00 in Shanghai; TODAY is Wednesday 10 June 2026.
    training = schedules.create_event(
        session,
        troupe=team,
        zone="Asia/Shanghai",
        actor=leader,
        now=factories.NOW,
        details=schedules.EventDetails(
            title="每周集中训练",
            kind="training",
            starts_at=datetime(2026, 5, 2, 9, 0),
            ends_at=datetime(2026, 5, 2, 11, 0),
            location="文化馆广场",
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=20",
        ),
    )
    session.commit()

    page = home(client)
    assert page.step("新团 has no members yet").href == f"/troupes/{empty.id}"
    submit = page.step(f"太极队 has not submitted a program to {open_festival.name}")
    assert submit.href == f"/festivals/{open_festival.id}/programs/new?troupe_id={team.id}"
    roll = page.step("Take the roll of 每周集中训练 (太极队) of June 6, 2026")
    assert roll.href == f"/events/{training.id}/attendance/2026-06-06"
    assert "Next: 每周集中训练, June 13, 2026 09:00 · 文化馆广场" in page.text
    assert page.has_link("Submit a program", f"/festivals/{open_festival.id}/programs/new")

    attendance.record_attendance(
        session,
        event=training,
        day=date(2026, 6, 6),
        present_ids=[],
        absent_ids=[],
        actor=leader,
        now=TODAY,
    )
    person = factories.make_person(session, troupe=team)
    attendance.record_attendance(
        session,
        event=training,
        day=date(2026, 6, 6),
        present_ids=[person.id],
        absent_ids=[],
        actor=leader,
        now=TODAY,
    )
    session.commit()
    assert not any("Take the roll" in step.text for step in home(client).steps)


# --- constant cost --------------------------------------------------------------------------------


def grow_office(session, office, organizer, n):
    """n more festivals of the office, each with programs, a round with judges and scores,
    and awards."""
    for _ in range(n):
        festival = factories.make_festival(session, organization=office)
        programs = [
            factories.make_program(session, festival=festival, actor=organizer) for _ in range(2)
        ]
        judges = [factories.make_user(session, role="judge") for _ in range(2)]
        round_ = make_round(session, festival, judges=judges, programs=programs, actor=organizer)
        score(session, round_, programs[0], judges[0])
        create_award(
            session,
            festival=festival,
            tier="special",
            program_id=programs[1].id,
            actor=organizer,
            now=factories.NOW,
        )
    session.commit()


def grow_judge(session, office, organizer, judge, n):
    for _ in range(n):
        festival = factories.make_festival(session, organization=office)
        programs = [
            factories.make_program(session, festival=festival, actor=organizer) for _ in range(3)
        ]
        round_ = make_round(session, festival, judges=[judge], programs=programs, actor=organizer)
        score(session, round_, programs[0], judge)
    session.commit()


def grow_leader(session, office, organizer, leader, n):
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=TODAY + timedelta(days=20),
        starts_on=(TODAY + timedelta(days=40)).date(),
    )
    for _ in range(n):
        troupe = factories.make_troupe(session, organization=office, leader=leader)
        factories.make_program(session, festival=festival, troupe=troupe, actor=organizer)
        schedules.create_event(
            session,
            troupe=troupe,
            zone="Asia/Shanghai",
            actor=leader,
            now=factories.NOW,
            details=schedules.EventDetails(
                title="排练",
                kind="rehearsal",
                starts_at=datetime(2026, 5, 5, 14, 0),
                ends_at=datetime(2026, 5, 5, 16, 0),
                rule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=30",
            ),
        )
    session.commit()


@pytest.mark.parametrize("role", ["anonymous", "admin", "organizer", "judge", "leader"])
def test_the_home_page_costs_the_same_queries_for_2_and_12(
    client, session, office, organizer, count_queries, role
):
    user = None
    if role == "admin":
        user = factories.make_user(session, role="admin")
    elif role == "organizer":
        user = organizer
    elif role in ("judge", "leader"):
        user = factories.make_user(session, role=role)
    session.commit()

    def grow(n):
        if role == "judge":
            grow_judge(session, office, organizer, user, n)
        elif role == "leader":
            grow_leader(session, office, organizer, user, n)
        else:
            grow_office(session, office, organizer, n)

    if user is not None:
        client.login(user.username)
    grow(2)
    with count_queries() as small:
        assert client.get("/").status_code == 200
    grow(10)
    with count_queries() as large:
        assert client.get("/").status_code == 200
    assert len(small) == len(large), "\n".join(large)


def test_the_favicon_is_linked_and_favicon_ico_answers_without_a_404(client):
    page = home(client)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/favicon.svg"
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
