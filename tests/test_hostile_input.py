"""Hostile input: stored scripts, reflected query strings, spreadsheet formulas, calendar text,
oversized and malformed bodies, and path tricks in upload names.

The world: every text field that a person types (organisation names, user display names, the
festival's name and description, categories, troupes, people and their phones, program titles,
rounds, criteria, conflict reasons, award titles, events with their locations and notes, a
changed session, tour venues) holds a script payload behind a marker of its own. Every GET page
is opened as admin, as an organizer of the office, as the troupe's leader, as the round's judge
and anonymously: no HTML answer may carry the payload as markup, and every field's escaped form
must show somewhere (so the test fails if escaping were switched off). Messages that quote what
people typed (form errors, refusals, import problems, flashed notices) are checked the same way:
Flask-Babel's lazy strings declare ``__html__``, so Jinja would print one holding user text as
markup.
"""

import csv
import io
import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, select

from festival.accounts.services import create_organization, create_user
from festival.awards import services as awards
from festival.core.clock import utcnow
from festival.festivals import services as festivals
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from festival.programs.models import Program
from festival.programs.services import submit_program
from festival.schedules import attendance, feeds, occurrences
from festival.schedules import services as schedules
from festival.schedules.tours import TourStop
from festival.troupes import services as troupes
from festival.troupes.models import Troupe
from tests import factories
from tests.conftest import Client
from tests.imports.spreadsheets import xlsx_bytes, xlsx_values

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
SHORT_PAYLOAD = "<script>alert(1)</script>"  # for a phone number: 32 characters at most
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror")
ZONE = "Asia/Shanghai"
# Text that iCalendar must escape (RFC 5545 3.3.11): commas, semicolons, backslashes, newlines.
ICAL_TAIL = ", 周六; 集合\\后台"
FORMULAS = {
    "troupe": '=HYPERLINK("http://x")',
    "person": "-2+3",
    "program": "+SUM(1;2)",
    "phone": "@A1",
    "award": "=1+1",
}


def hostile(marker: str) -> str:
    return f"{marker}{PAYLOAD}"


@dataclass
class World:
    users: dict  # role -> User
    values: dict  # URL parameter -> list of values to try
    texts: dict = field(default_factory=dict)  # marker -> the stored text
    ids: dict = field(default_factory=dict)


def build_world(session) -> World:
    """Two festivals of a district office under a city, all text hostile.

    The first festival is announced: round 1 closed (two judges, a conflict of interest), its
    awards allocated and published; round 2 open for the judge. The second is open, with a
    submitted program that may still be edited. The troupe has a weekly training with a changed
    and a cancelled session and attendance, and a two-stop tour; the festivals have public
    events. A second troupe has names that a spreadsheet would run as formulas.
    """
    texts: dict[str, str] = {}

    def text(marker: str, value: str | None = None) -> str:
        texts[marker] = value if value is not None else hostile(marker)
        return texts[marker]

    now = utcnow()
    today = now.astimezone(ZoneInfo(ZONE)).date()
    city = create_organization(
        session, name=text("ZQcity"), level="city", parent_id=None, actor=None, now=now
    )
    office = create_organization(
        session, name=text("ZQoffice"), level="district", parent_id=city.id, actor=None, now=now
    )

    def user(role: str, marker: str, organization=None):
        return create_user(
            session,
            username=f"{role}-{marker.lower()}",
            password=factories.PASSWORD,
            display_name=text(marker),
            role=role,
            organization_id=organization.id if organization else None,
            actor=None,
            now=now,
        )

    users = {
        "admin": user("admin", "ZQadmin"),
        "organizer": user("organizer", "ZQorganizer", office),
        "leader": user("leader", "ZQleader"),
        "judge": user("judge", "ZQjudge"),
    }
    judge2 = user("judge", "ZQjudgetwo")
    admin = users["admin"]

    def festival(marker: str):
        made = festivals.create_festival(
            session,
            name=text(marker),
            level="district",
            organization_id=office.id,
            year=today.year,
            starts_on=today + timedelta(days=40),
            ends_on=today + timedelta(days=41),
            submission_deadline=now + timedelta(days=30),
            description=text(marker + "desc", hostile(marker + "desc") + "\n" + PAYLOAD),
            actor=admin,
            now=now,
        )
        for n in (1, 2):
            festivals.add_category(
                session,
                festival=made,
                name=text(f"{marker}cat{n}"),
                max_duration_minutes=10,
                actor=admin,
                now=now,
            )
        festivals.open_festival(session, festival=made, actor=admin, now=now)
        return made

    announced, open_festival = festival("ZQfest"), festival("ZQfesttwo")
    troupe = troupes.create_troupe(
        session,
        name=text("ZQtroupe"),
        organization_id=office.id,
        leader_id=users["leader"].id,
        actor=admin,
        now=now,
    )
    formula_troupe = troupes.create_troupe(
        session,
        name=text("formula-troupe", FORMULAS["troupe"]),
        organization_id=office.id,
        leader_id=users["leader"].id,
        actor=admin,
        now=now,
    )

    def person(marker: str, owner: Troupe, *, name: str | None = None, phone: str | None = None):
        made = troupes.create_person(
            session,
            name=name or text(marker),
            birth_date=date(1950, 5, 1),
            gender="female",
            phone=phone or text(marker + "ph", f"{marker[-1]}{SHORT_PAYLOAD}"),
            actor=admin,
            now=now,
        )
        # Members since before the sessions whose roll calls name them.
        troupes.add_member(
            session, troupe=owner, person=made, actor=admin, now=now - timedelta(days=60)
        )
        return made

    people = [person(f"ZQperson{n}", troupe) for n in range(1, 4)]
    formula_person = person(
        "formula-person",
        formula_troupe,
        name=text("formula-person", FORMULAS["person"]),
        phone=text("formula-phone", FORMULAS["phone"]),
    )

    def program(
        marker: str, target, owner: Troupe, performers, category: int = 0, title: str | None = None
    ):
        return submit_program(
            session,
            festival=target,
            troupe=owner,
            category_id=target.categories[category].id,
            title=title or text(marker),
            duration_minutes=6,
            performer_ids=[p.id for p in performers],
            may_submit_late=True,
            actor=admin,
            now=now,
        )

    first = program("ZQprogone", announced, troupe, people)
    second = program("ZQprogtwo", announced, troupe, people[:2], category=1)
    third = program("ZQprogthree", announced, troupe, people[1:])
    formula_program = program(
        "formula-program",
        announced,
        formula_troupe,
        [formula_person],
        title=text("formula-program", FORMULAS["program"]),
    )
    editable = program("ZQprogfour", open_festival, troupe, people)

    # Round 1: two judges; the second has a conflict with the third program; closed.
    round_one = judging.create_round(
        session,
        festival=announced,
        name=text("ZQroundone"),
        criteria=[
            {"name": text("ZQcritone"), "max_score": 10},
            {"name": text("ZQcrittwo"), "max_score": 10, "weight": 2},
        ],
        advance_count=2,
        actor=admin,
        now=now,
    )
    for judge in (users["judge"], judge2):
        judging.assign_judge(session, round_=round_one, user_id=judge.id, actor=admin, now=now)
    entered = [first, second, third, formula_program]
    judging.add_entries(
        session, round_=round_one, program_ids=[p.id for p in entered], actor=admin, now=now
    )
    judging_scores.declare_conflict(
        session,
        round_=round_one,
        judge_id=judge2.id,
        program_id=third.id,
        reason=text("ZQreason"),
        actor=admin,
        now=now,
    )
    criteria = [str(c.id) for c in round_one.criteria]
    for score, entry in zip((9, 8, 5, 7), entered, strict=True):
        for judge in (users["judge"], judge2):
            if judge is judge2 and entry is third:
                continue
            judging_scores.save_scores(
                session,
                round_=round_one,
                program_id=entry.id,
                judge=judge,
                values=dict.fromkeys(criteria, score),
                now=now,
            )
    judging.close_round(session, round_=round_one, advance_program_ids=None, actor=admin, now=now)
    allocated = awards.allocate_awards(
        session,
        festival=announced,
        round_id=round_one.id,
        tiers=[("first", 1), ("second", 1)],
        actor=admin,
        now=now,
    )
    special = awards.create_award(
        session,
        festival=announced,
        tier="special",
        program_id=third.id,
        title=text("ZQawardone"),
        actor=admin,
        now=now,
    )
    awards.create_award(
        session,
        festival=announced,
        tier="excellence",
        program_id=formula_program.id,
        title=text("formula-award", FORMULAS["award"]),
        actor=admin,
        now=now,
    )
    awards.create_award(
        session,
        festival=announced,
        tier="organization",
        organization_id=office.id,
        title=text("ZQawardtwo"),
        actor=admin,
        now=now,
    )
    # Round 2: open, the judge scores the advanced programs.
    round_two = judging.create_round(
        session,
        festival=announced,
        name=text("ZQroundtwo"),
        criteria=[{"name": text("ZQcritthree"), "max_score": 10}],
        actor=admin,
        now=now,
    )
    judging.assign_judge(session, round_=round_two, user_id=users["judge"].id, actor=admin, now=now)
    judging.add_entries(
        session, round_=round_two, program_ids=[first.id, second.id], actor=admin, now=now
    )
    judging_scores.save_scores(
        session,
        round_=round_two,
        program_id=first.id,
        judge=users["judge"],
        values={str(round_two.criteria[0].id): 6},
        now=now,
    )
    awards.publish(session, festival=announced, notice_days=0, actor=admin, now=now)

    # The troupe's weekly training: began two weeks ago; last week's session moved and renamed,
    # next week's cancelled, attendance taken at the first.
    start = datetime.combine(today - timedelta(days=14), time(9, 0))
    training = schedules.create_event(
        session,
        troupe=troupe,
        zone=ZONE,
        actor=admin,
        now=now,
        details=schedules.EventDetails(
            title=text("ZQevent", hostile("ZQevent") + ICAL_TAIL),
            kind="training",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location=text("ZQlocation", hostile("ZQlocation") + ICAL_TAIL),
            notes=text("ZQnotes", hostile("ZQnotes") + ICAL_TAIL + "\n第二行, 还有; 分号"),
            rule="FREQ=WEEKLY;COUNT=10",
        ),
    )
    first_day, moved_day = start.date(), start.date() + timedelta(days=7)
    occurrences.change_occurrence(
        session,
        event=training,
        day=moved_day,
        starts_at=start + timedelta(days=7, hours=1),
        title=text("ZQsession", hostile("ZQsession") + ICAL_TAIL),
        location=text("ZQsessionplace", hostile("ZQsessionplace") + ICAL_TAIL),
        actor=admin,
        now=now,
    )
    occurrences.cancel_occurrences(
        session, event=training, days=[start.date() + timedelta(days=21)], actor=admin, now=now
    )
    attendance.record_attendance(
        session,
        event=training,
        day=first_day,
        present_ids=[people[0].id, people[1].id],
        absent_ids=[people[2].id],
        actor=admin,
        now=now,
    )
    tour = schedules.create_tour(
        session,
        troupe=troupe,
        title=text("ZQtour"),
        kind="performance",
        stops=[
            TourStop(today + timedelta(days=3), text("ZQvenueone")),
            TourStop(today + timedelta(days=4), text("ZQvenuetwo")),
        ],
        start_time=time(14, 0),
        end_time=time(16, 0),
        notes=text("ZQtournotes"),
        zone=ZONE,
        actor=admin,
        now=now,
    )
    festival_events = [
        schedules.create_event(
            session,
            festival=target,
            zone=ZONE,
            actor=admin,
            now=now,
            details=schedules.EventDetails(
                title=text(marker),
                kind="performance",
                starts_at=datetime.combine(today + timedelta(days=2), time(19, 0)),
                ends_at=datetime.combine(today + timedelta(days=2), time(21, 0)),
                location=text(marker + "place"),
                notes=text(marker + "notes"),
                is_public=True,
            ),
        )
        for target, marker in ((announced, "ZQopening"), (open_festival, "ZQgala"))
    ]
    feed = feeds.feed_for_troupe(session, troupe=troupe, now=now)
    session.commit()
    values = {
        "award_id": [special.id],
        "number": [allocated[0].certificate_number],
        "slug": [announced.slug, open_festival.slug],
        "festival_id": [announced.id, open_festival.id],
        "troupe_id": [troupe.id, formula_troupe.id],
        "program_id": [first.id, editable.id],
        "person_id": [people[0].id],
        "round_id": [round_one.id, round_two.id],
        "event_id": [
            training.id,
            *(event.id for event in tour),
            *(event.id for event in festival_events),
        ],
        "occurrence": [first_day.isoformat(), moved_day.isoformat()],
        "secret": [feed.secret],
        "kind": ["programs"],
        "fmt": ["csv"],
        "code": ["en"],
        # The year in review of the festivals' office, whose tables name them.
        "organization_id": [announced.organization_id],
        "year": [announced.year],
        "filename": ["favicon.svg"],
        # issue 25 (a): a media file's signed address (one this site did not sign: 404)
        "token": ["not-a-signed-token"],
    }
    return World(
        users=users,
        values=values,
        texts=texts,
        ids={
            "troupe": troupe.id,
            "formula_troupe": formula_troupe.id,
            "announced": announced.id,
            "open_festival": open_festival.id,
            "round_one": round_one.id,
            "training": training.id,
            "people": [p.id for p in people],
            "editable": editable.id,
            "slug": announced.slug,
        },
    )


def hostile_markers(world: World) -> set[str]:
    return {marker for marker in world.texts if marker.startswith("ZQ")}


ROLES = ("anonymous", "admin", "organizer", "leader", "judge")
# Pages with a second look: the agenda beside the month grid, the printable award list.
VARIANTS = {
    "/troupes/<int:troupe_id>/schedule": ("", "?view=agenda"),
    "/festivals/<int:festival_id>/schedule": ("", "?view=agenda"),
    "/festivals/<slug>/calendar": ("", "?view=agenda"),
    "/festivals/<slug>/awards": ("", "?print=1"),
    "/festivals/<int:festival_id>/programs/new": ("", "?troupe_id={troupe}"),
}
NOT_PAGES = {"/static/<path:filename>", "/healthz", "/language/<code>"}


PARAMETER = r"<(?:[^:>]+:)?(\w+)>"


def page_paths(app, values: dict) -> list[tuple[str, str]]:
    """(rule, path) for every GET page route, with its parameters filled from the world."""
    paths = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or rule.rule in NOT_PAGES:
            continue
        names = re.findall(PARAMETER, rule.rule)
        missing = [name for name in names if name not in values]
        assert not missing, f"{rule.rule}: give the world a value for {missing}"
        for combination in itertools.product(*(values[name] for name in names)):
            path = rule.rule
            for name, value in zip(names, combination, strict=True):
                path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(value), path)
            for suffix in VARIANTS.get(rule.rule, ("",)):
                paths.append((rule.rule, path + suffix.format(troupe=values["troupe_id"][0])))
    return paths


def raw_payload_near(page: str) -> str | None:
    for marker in RAW_MARKERS:
        index = page.find(marker)
        if index >= 0:
            return page[max(0, index - 120) : index + 80]
    return None


def client_for(app, world: World, role: str) -> Client:
    client = Client(app.test_client())
    if role != "anonymous":
        client.login(world.users[role].username)
    return client


@pytest.fixture
def world(app, session):
    return build_world(session)


@pytest.mark.parametrize("role", ROLES)
def test_stored_scripts_are_escaped_on_every_page(app, world, role):
    client = client_for(app, world, role)
    unescaped, html_pages, shown = [], 0, set()
    escaped = {marker: str(escape(world.texts[marker])) for marker in hostile_markers(world)}
    for rule, path in page_paths(app, world.values):
        response = client.get(path)
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:500])
        if not response.mimetype.startswith("text/html"):
            continue
        html_pages += 1
        page = response.get_data(as_text=True)
        near = raw_payload_near(page)
        if near is not None:
            unescaped.append(f"{path} ({rule}): …{near}…")
        shown |= {marker for marker, form in escaped.items() if form in page}
    assert not unescaped, f"raw payload as {role}:\n" + "\n".join(unescaped)
    assert html_pages > 20
    # The escaped text shows: the pages do display what was stored (so removing the escaping
    # would put the payload above on the page and fail this test).
    assert shown, f"no escaped payload on any page as {role}"
    if role == "admin":
        # An admin sees every page: every field a person typed shows up somewhere.
        assert sorted(set(escaped) - shown) == [], "never shown"


def assert_escaped(response, *texts: str) -> str:
    """The page carries no payload as markup, and each text in its escaped form."""
    page = response.get_data(as_text=True)
    near = raw_payload_near(page)
    assert near is None, f"raw payload on {response.request.path}: …{near}…"
    for text in texts:
        assert str(escape(text)) in page, (text, page[:3000])
    return page


def test_messages_naming_what_people_typed_are_escaped(app, session, world):
    """Form errors, refusals, problem lists and flashed notices that quote a stored name."""
    organizer = client_for(app, world, "organizer")
    leader = client_for(app, world, "leader")
    now = utcnow()
    troupe = session.get(Troupe, world.ids["troupe"])
    festival_id = world.ids["open_festival"]
    # An under-age performer named with the payload: the eligibility message names her.
    young = troupes.create_person(
        session,
        name=hostile("ZQyoung"),
        birth_date=now.date().replace(year=now.year - 50),
        actor=world.users["admin"],
        now=now,
    )
    troupes.add_member(session, troupe=troupe, person=young, actor=world.users["admin"], now=now)
    session.commit()
    response = leader.post_form(
        f"/festivals/{festival_id}/programs/new?troupe_id={troupe.id}",
        {
            "troupe_id": troupe.id,
            "title": hostile("ZQnewprogram"),
            "category_id": session.get(Program, world.ids["editable"]).category_id,
            "duration_minutes": 5,
            "performer_ids": [young.id],
        },
    )
    assert response.status_code == 422
    assert_escaped(response, hostile("ZQyoung"), hostile("ZQnewprogram"))

    # A tie at the cut line: the refusal names the tied programs.
    festival = session.get(Program, world.ids["editable"]).festival
    other = submit_program(
        session,
        festival=festival,
        troupe=troupe,
        category_id=festival.categories[0].id,
        title=hostile("ZQtied"),
        duration_minutes=5,
        performer_ids=world.ids["people"],
        may_submit_late=True,
        actor=world.users["admin"],
        now=now,
    )
    round_ = judging.create_round(
        session,
        festival=festival,
        name=hostile("ZQtieround"),
        criteria=[{"name": "x", "max_score": 10}],
        advance_count=1,
        actor=world.users["admin"],
        now=now,
    )
    judging.assign_judge(
        session, round_=round_, user_id=world.users["judge"].id, actor=world.users["admin"], now=now
    )
    judging.add_entries(
        session,
        round_=round_,
        program_ids=[world.ids["editable"], other.id],
        actor=world.users["admin"],
        now=now,
    )
    for program_id in (world.ids["editable"], other.id):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program_id,
            judge=world.users["judge"],
            values={"x": 7},
            now=now,
        )
    session.commit()
    response = organizer.post_form(f"/rounds/{round_.id}/close")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert_escaped(response, hostile("ZQtied"), world.texts["ZQprogfour"])

    # A list of import problems that quotes the file's names (a troupe twice in one file).
    name = hostile("ZQimported")
    response = organizer.raw.post(
        f"/festivals/{festival_id}/import",
        content_type="multipart/form-data",
        data={
            "kind": "troupes",
            "csrf_token": organizer.csrf_token(),
            "file": (io.BytesIO(xlsx_bytes([["团体名称"], [name], [name]])), "t.xlsx"),
        },
    )
    assert response.status_code == 200
    assert_escaped(response, name)

    # A notice flashed after a redirect quotes the new troupe's name.
    response = leader.post_form(
        "/troupes/new",
        {"name": hostile("ZQflashed"), "kind": "troupe", "organization_id": troupe.organization_id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert_escaped(response, hostile("ZQflashed"))


# Every query parameter that a page reads (grep request.args and request.values in festival/).
QUERY_PARAMETERS = (
    "all",
    "category_id",
    "from",
    "kind",
    "level",
    "month",
    "next",
    "organization_id",
    "page",
    "per_page",
    "print",
    "problem",
    "problems_page",
    "q",
    "status",
    "to",
    "troupe_id",
    "troupes_kind",
    "troupes_org",
    "troupes_page",
    "view",
    "year",
)


def test_query_parameters_are_not_reflected_as_markup(app, world):
    """What the address bar carries (a period, a month, a search, a page) never comes back as
    markup, whatever page it is sent to."""
    query = "&".join(f"{name}={PAYLOAD}" for name in QUERY_PARAMETERS)
    for role in ("anonymous", "admin", "leader"):
        client = client_for(app, world, role)
        for _rule, path in page_paths(app, world.values):
            response = client.get(path + ("&" if "?" in path else "?") + query)
            assert response.status_code < 500, (role, path)
            if response.mimetype.startswith("text/html"):
                near = raw_payload_near(response.get_data(as_text=True))
                assert near is None, f"{path} as {role}: …{near}…"


def test_huge_numbers_in_query_parameters_are_not_a_server_error(app, world):
    """A page, a filter or a date far beyond anything stored is a page like any other (or a
    refusal), never a query that the database cannot run."""
    huge = "9" * 30
    query = "&".join(f"{name}={huge}" for name in QUERY_PARAMETERS)
    client = client_for(app, world, "admin")
    failures = []
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 page, so that every page is tried
    try:
        for _rule, path in page_paths(app, world.values):
            response = client.get(path + ("&" if "?" in path else "?") + query)
            if response.status_code >= 500:
                failures.append(path)
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert failures == [], "\n".join(failures)


# Spreadsheets: a text cell that a spreadsheet would run as a formula is written with a
# leading apostrophe (festival.web.spreadsheets.neutralise).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cells_of(response) -> list:
    if response.mimetype == "text/csv":
        text = response.get_data().decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {cell.coordinate}: {cell.value!r}"
                found.append(cell.value)
    return found


def test_spreadsheet_exports_neutralise_cells_that_start_a_formula(app, world):
    organizer = client_for(app, world, "organizer")
    festival_id, round_id = world.ids["announced"], world.ids["round_one"]
    exports = {  # path without the format -> the formula texts that the file must carry
        f"/festivals/{festival_id}/export/troupes": ("troupe",),
        f"/festivals/{festival_id}/export/members": ("troupe", "person", "phone"),
        f"/festivals/{festival_id}/export/programs": ("troupe", "program", "person"),
        f"/rounds/{round_id}/results": ("troupe", "program"),
        f"/rounds/{round_id}/conflicts": (),
        f"/festivals/{world.ids['slug']}/awards": ("troupe", "program", "award"),
    }
    for path, expected in exports.items():
        for fmt in ("csv", "xlsx"):
            response = organizer.get(f"{path}.{fmt}")
            assert response.status_code == 200, (path, fmt)
            assert "attachment" in response.headers["Content-Disposition"]
            cells = [cell for cell in cells_of(response) if isinstance(cell, str)]
            running = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
            assert running == [], (path, fmt)
            for name in expected:
                assert "'" + FORMULAS[name] in cells, (path, fmt, name)
            # The hostile names come out as they were typed (a file is not a page).
            assert world.texts["ZQtroupe"] in cells or not expected, (path, fmt)


def unfolded(body: bytes) -> bytes:
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


def test_calendar_feed_escapes_commas_semicolons_and_newlines(app, world):
    leader = client_for(app, world, "leader")
    api = factories.ApiClient(app).as_user(world.users["leader"])
    url = api.get(f"/api/v1/troupes/{world.ids['troupe']}/calendar").get_json()["url"]
    response = leader.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.get_data()
    lines = unfolded(body)
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    series = [e for e in events if "RECURRENCE-ID" not in e and "RRULE" in e]
    changed = [e for e in events if "RECURRENCE-ID" in e]
    assert len(series) == 1 and len(changed) == 1
    texts = world.texts
    assert str(series[0]["SUMMARY"]) == texts["ZQevent"]
    assert str(series[0]["LOCATION"]) == texts["ZQlocation"]
    assert str(series[0]["DESCRIPTION"]) == texts["ZQnotes"]
    assert str(changed[0]["SUMMARY"]) == texts["ZQsession"]
    assert str(changed[0]["LOCATION"]) == texts["ZQsessionplace"]
    tour = {str(e["LOCATION"]) for e in events if str(e["SUMMARY"]) == texts["ZQtour"]}
    assert tour == {texts["ZQvenueone"], texts["ZQvenuetwo"]}
    # On the wire: every comma, semicolon, backslash and newline of the text is escaped, so no
    # text can end its line early or add a property of its own.
    assert (
        b"SUMMARY:"
        + texts["ZQevent"]
        .replace(", ", "\\, ")
        .replace("; ", "\\; ")
        .replace("\\后", "\\\\后")
        .encode()
        + b"\r\n"
        in lines
    )
    assert b"\\n\xe7\xac\xac\xe4\xba\x8c\xe8\xa1\x8c" in lines  # \n then 第二行
    for line in lines.split(b"\r\n"):
        assert not line.startswith(b"\xe7\xac\xac\xe4\xba\x8c"), "a newline was not escaped"


# Oversized bodies and uploads


def test_an_api_body_over_the_limit_is_refused_with_413(app, world):
    limit = app.config["API_MAX_BODY_BYTES"]
    api = factories.ApiClient(app).as_user(world.users["admin"])
    response = api.post("/api/v1/organizations", json={"name": "x" * (limit + 1), "level": "city"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_an_api_body_of_unknown_length_over_the_limit_is_refused_with_413(app, world):
    """A chunked body carries no Content-Length: the limit holds while reading it."""
    limit = app.config["API_MAX_BODY_BYTES"]
    api = factories.ApiClient(app).as_user(world.users["admin"])
    body = b'{"name": "' + b"x" * (limit + 1) + b'", "level": "city"}'
    response = api.client.post(
        "/api/v1/organizations",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers=api._headers({"Transfer-Encoding": "chunked"}),
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_deeply_nested_json_is_a_400_not_a_crash(app, world):
    api = factories.ApiClient(app).as_user(world.users["admin"])
    response = api.client.post(
        "/api/v1/organizations",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers=api._headers(None),
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def upload(client: Client, festival_id: int, content: bytes, filename: str):
    return client.raw.post(
        f"/festivals/{festival_id}/import",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
        data={
            "kind": "troupes",
            "csrf_token": client.csrf_token(),
            "file": (io.BytesIO(content), filename),
        },
    )


def test_an_upload_over_the_limit_is_refused_with_a_413_page(app, world):
    organizer = client_for(app, world, "organizer")
    content = b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(organizer, world.ids["open_festival"], content, "big.xlsx")
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "too large" in response.get_data(as_text=True)


def troupe_count(session) -> int:
    session.commit()
    return session.execute(select(func.count()).select_from(Troupe)).scalar_one()


def files_named(name: str, *folders: str) -> dict[str, int]:
    """Files whose name ends in ``name`` (``..\\..\\evil.xlsx`` is one name on Linux), with
    the time each was last written."""
    found = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for file in files:
                if file.endswith(name):
                    path = os.path.join(root, file)
                    found[path] = os.stat(path).st_mtime_ns
    return found


@pytest.mark.parametrize(
    "filename", ["../../../../tmp/evil.xlsx", "..\\..\\evil.xlsx", "/tmp/evil.xlsx"]
)
def test_path_tricks_in_an_upload_name_write_nothing_and_import_as_usual(
    app, session, world, filename
):
    organizer = client_for(app, world, "organizer")
    folders = ("/tmp", app.instance_path, os.getcwd())
    before = files_named("evil.xlsx", *folders)
    count = troupe_count(session)
    content = xlsx_bytes([["团体名称"], ["Tricky troupe"]])
    response = upload(organizer, world.ids["open_festival"], content, filename)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert troupe_count(session) == count + 1
    assert files_named("evil.xlsx", *folders) == before
    assert xlsx_values(content)  # the file itself was a good one
