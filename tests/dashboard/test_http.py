"""The organizer's dashboard page through the test client (HTTP tests)."""

import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from festival.programs.models import ProgramPerformer
from tests import factories

EN = {"Accept-Language": "en"}
LATE = datetime(2026, 4, 25, 9, 0, tzinfo=UTC)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def url(festival) -> str:
    return f"/festivals/{festival.id}/dashboard"


@pytest.fixture
def office(session):
    return factories.make_organization(session, name="江岸区老龄办", level="city")


@pytest.fixture
def festival(session, office):
    return factories.make_festival(session, organization=office, name="江岸区第三届老年文艺汇演")


def fill(session, festival, office, size: int) -> None:
    """``size`` programs (some late, some with an under-age performer) and ``size`` idle troupes,
    spread over ``size`` // 5 organisations under the office."""
    streets = [
        factories.make_organization(
            session, name=f"街道{size}-{n}", parent=office, level="district"
        )
        for n in range(max(size // 5, 1))
    ]
    for number in range(size):
        street = streets[number % len(streets)]
        program = factories.make_program(
            session,
            festival=festival,
            performers=1,
            now=LATE if number % 3 == 0 else factories.NOW,
            troupe=factories.make_troupe(
                session, organization=street, leader=factories.make_user(session)
            ),
        )
        if number % 4 == 0:
            young = factories.make_person(session, birth_date=date(1975, 1, 1))
            session.add(ProgramPerformer(program_id=program.id, person_id=young.id))
        factories.make_troupe(
            session,
            organization=street,
            kind="team" if number % 2 else "troupe",
            leader=factories.make_user(session),
        )
    session.commit()


def test_organizer_of_the_festival_sees_the_numbers_and_the_names(
    client, session, login_as, festival, office
):
    idle = factories.make_troupe(
        session,
        name="银龄合唱团",
        organization=office,
        leader=factories.make_user(session, display_name="周团长"),
    )
    busy = factories.make_troupe(session, name="万年青舞蹈队", organization=office)
    factories.make_program(session, festival=festival, troupe=busy, title="采茶舞")
    late = factories.make_program(
        session, festival=festival, troupe=busy, title="迟来的春天", now=LATE
    )
    young = factories.make_person(session, name="王小妹", birth_date=date(1966, 5, 2), troupe=busy)
    session.add(ProgramPerformer(program_id=late.id, person_id=young.id))
    login_as("organizer", organization=office)

    response = client.get(url(festival), headers=EN)

    page = text_of(response)
    assert response.status_code == 200
    assert "江岸区第三届老年文艺汇演" in page
    numbers = {
        label: int(number)
        for number, label in re.findall(
            r'<span class="dash-stat-number">(\d+)</span>\s*<span class="dash-stat-label">([^<]+)<',
            page,
        )
    }
    assert numbers == {
        "Submitted": 2,
        "Late": 1,
        "Withdrawn": 0,
        "Total": 2,
        "In screening": 0,
        "Advanced": 0,
        "Not advanced": 0,
    }
    assert idle.name in page and "周团长" in page  # nothing submitted yet
    assert "迟来的春天" in page and "王小妹" in page  # late, and a performer under 60
    assert f"/festivals/{festival.id}/programs?status=submitted" in page
    assert "<svg" in page and 'role="img"' in page


def test_dashboard_says_so_when_every_troupe_has_submitted_and_nothing_is_wrong(
    client, session, login_as, festival, office
):
    factories.make_program(
        session, festival=festival, troupe=factories.make_troupe(session, organization=office)
    )
    login_as("organizer", organization=office)

    page = text_of(client.get(url(festival), headers=EN))

    assert "Every troupe has submitted at least one program." in page
    assert "Nothing is wrong: every program meets the rules." in page


def test_organizer_of_a_parent_organisation_and_an_admin_see_the_dashboard(
    client, session, login_as
):
    city = factories.make_organization(session, level="city")
    district = factories.make_organization(session, level="district", parent=city)
    festival = factories.make_festival(session, organization=district)
    login_as("organizer", organization=city)

    assert client.get(url(festival)).status_code == 200
    client.post_form("/logout")
    login_as("admin")
    assert client.get(url(festival)).status_code == 200


@pytest.mark.parametrize("role", ["leader", "judge", "sibling organizer"])
def test_dashboard_is_forbidden_to_anyone_who_does_not_run_the_festival(
    client, session, login_as, role
):
    city = factories.make_organization(session, level="city")
    district = factories.make_organization(session, level="district", parent=city)
    sibling = factories.make_organization(session, level="district", parent=city)
    festival = factories.make_festival(session, organization=district)
    if role == "sibling organizer":
        login_as("organizer", organization=sibling)
    else:
        login_as(role, organization=district)

    assert client.get(url(festival)).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client, session, festival):
    session.commit()

    response = client.get(url(festival))

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


def test_unknown_festival_answers_404(client, login_as):
    login_as("admin")

    assert client.get("/festivals/999999/dashboard").status_code == 404


def test_the_two_lists_page_independently_and_keep_each_others_place(
    client, session, login_as, festival, office
):
    for number in range(45):
        factories.make_troupe(session, name=f"空闲团{number:02d}", organization=office)
        factories.make_program(
            session,
            festival=festival,
            title=f"迟到{number:02d}",
            now=LATE,
            troupe=factories.make_troupe(session, organization=office),
        )
    login_as("organizer", organization=office)

    page = text_of(client.get(url(festival) + "?troupes_page=3&problems_page=2", headers=EN))

    assert "空闲团40" in page and "空闲团00" not in page
    assert "迟到20" in page and "迟到00" not in page and "迟到40" not in page
    links = [
        parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        for href in re.findall(r'href="(/festivals/\d+/dashboard\?[^"]+)"', page)
    ]
    assert {"troupes_page": ["2"], "problems_page": ["2"]} in links  # previous troupes
    assert {"troupes_page": ["3"], "problems_page": ["3"]} in links  # next problems


def test_troupe_filter_keeps_the_problem_filter_in_a_hidden_field(
    client, session, login_as, festival, office
):
    factories.make_troupe(session, name="空闲团", organization=office)
    factories.make_troupe(session, name="空闲队", organization=office, kind="team")
    login_as("organizer", organization=office)

    page = text_of(client.get(url(festival) + "?troupes_kind=team&problem=late", headers=EN))

    assert "空闲队" in page and "空闲团" not in page
    assert '<input type="hidden" name="problem" value="late">' in page


def test_nonsense_filters_and_pages_are_ignored_rather_than_failing(
    client, session, login_as, festival, office
):
    factories.make_troupe(session, name="空闲团", organization=office)
    login_as("organizer", organization=office)

    response = client.get(
        url(festival) + "?troupes_kind=choir&troupes_org=x&problem=drunk"
        "&troupes_page=-4&problems_page=zz"
    )

    assert response.status_code == 200
    assert "空闲团" in text_of(response)


def test_dashboard_page_has_no_inline_style_or_script_which_the_csp_would_block(
    client, session, login_as, festival, office
):
    factories.make_program(session, festival=festival)
    login_as("organizer", organization=office)

    page = text_of(client.get(url(festival)))

    assert "style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)  # scripts only from files


def test_dashboard_costs_the_same_number_of_queries_with_5_and_with_50_programs(
    client, session, login_as, count_queries, office
):
    login_as("organizer", organization=office)
    counts = []
    for size in (5, 50):
        festival = factories.make_festival(session, organization=office)
        fill(session, festival, office, size)
        address = url(festival)
        with count_queries() as queries:
            response = client.get(address)
        assert response.status_code == 200
        assert text_of(response).count('class="dash-problems"') >= 2
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
