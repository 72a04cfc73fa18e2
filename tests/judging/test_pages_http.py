"""The organizer's round pages as people use them: create a round, assign judges, enter the
programs, declare a conflict, read the results, close with a confirmation, recommend upward."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from festival.core.errors import RoundClosed
from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Conflict, JudgeAssignment, Round, RoundEntry, RoundStatus
from festival.programs.models import Program, ProgramStatus
from tests import factories
from tests.html import Page

NOW = factories.NOW
EN = {"Accept-Language": "en"}


def text(response) -> str:
    return response.get_data(as_text=True)


def make_judges(session, n=5):
    return [
        factories.make_user(session, role="judge", display_name=f"评委{i}") for i in range(1, n + 1)
    ]


def make_round(
    session, festival, organizer, programs, judges, *, advance_count=2, aggregation="trimmed_mean"
):
    """A round built through the services, as in test_flow_services.py."""
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        aggregation=aggregation,
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": 1},
            {"name": "编排", "max_score": 40, "weight": "0.5"},
        ],
        advance_count=advance_count,
        actor=organizer,
        now=NOW,
    )
    for judge in judges:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    return round_


def score(session, round_, program, judges, pairs):
    art, layout = round_.criteria
    for judge, (a, b) in zip(judges, pairs, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={art.name: a, layout.name: b},
            now=NOW,
        )


@pytest.fixture
def scored(session, festival, organizer):
    """Four programs, five judges, every sheet in; 节目0 has distinct totals 65 75 50 76 68."""
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{i}") for i in range(4)
    ]
    judges = make_judges(session)
    round_ = make_round(session, festival, organizer, programs, judges)
    score(
        session, round_, programs[0], judges, [(50, 30), (55, 40), (40, 20), (58, 36), (52, 32)]
    )  # 69.33
    score(session, round_, programs[1], judges, [(45, 30)] * 5)  # 60.00
    score(session, round_, programs[2], judges, [(40, 30)] * 5)  # 55.00
    score(session, round_, programs[3], judges, [(30, 20)] * 5)  # 40.00
    session.commit()
    return round_, programs, judges


def test_organizer_sets_up_a_round_through_the_pages(client, session, festival, organizer):
    programs = [
        factories.make_program(session, festival=festival, title=t)
        for t in ("和谐大家园", "夕阳红")
    ]
    judges = make_judges(session)
    session.commit()
    client.login(organizer.username)

    empty = client.get(f"/festivals/{festival.id}/rounds", headers=EN)
    assert empty.status_code == 200
    assert "No screening round yet" in text(empty)
    created = client.post_form(
        f"/festivals/{festival.id}/rounds",
        {
            "name": "初选",
            "aggregation": "trimmed_mean",
            "advance_count": "1",
            "criteria-0-name": "艺术表现",
            "criteria-0-max_score": "60",
            "criteria-0-weight": "1",
            "criteria-1-name": "编排",
            "criteria-1-max_score": "40",
            "criteria-1-weight": "0.5",
            "criteria-2-name": "",
            "criteria-2-max_score": "",
            "criteria-2-weight": "1",
        },
    )
    assert created.status_code == 302, text(created)
    round_ = session.execute(select(Round)).scalar_one()
    assert [(c.name, str(c.max_score), str(c.weight)) for c in round_.criteria] == [
        ("艺术表现", "60.00", "1.00"),
        ("编排", "40.00", "0.50"),
    ]
    assert round_.advance_count == 1 and not round_.is_blind

    for judge in judges:
        assigned = client.post_form(f"/rounds/{round_.id}/judges", {"user_id": judge.id})
        assert assigned.status_code == 302, text(assigned)
    assert len(session.execute(select(JudgeAssignment)).all()) == 5

    setup = text(client.get(f"/rounds/{round_.id}", headers=EN))
    assert "Enter every submitted program (2)" in setup
    entered = client.post_form(f"/rounds/{round_.id}/entries")
    assert entered.status_code == 302
    session.expire_all()
    assert {e.program_id for e in session.execute(select(RoundEntry)).scalars()} == {
        p.id for p in programs
    }

    declared = client.post_form(
        f"/rounds/{round_.id}/conflicts",
        {"user_id": judges[0].id, "program_id": programs[0].id, "reason": "评委1是该团的指导老师"},
    )
    assert declared.status_code == 302, text(declared)
    conflict = session.execute(select(Conflict)).scalar_one()
    assert (conflict.judge_id, conflict.program_id) == (judges[0].id, programs[0].id)
    page = text(client.get(f"/rounds/{round_.id}", headers=EN))
    assert "评委1是该团的指导老师" in page and 'Judges <span class="count">(5)' in page

    exported = client.get(f"/rounds/{round_.id}/conflicts.csv")
    assert exported.status_code == 200 and "评委1是该团的指导老师" in text(exported)
    overview = text(client.get(f"/festivals/{festival.id}/rounds", headers=EN))
    # 2 programs × 5 judges − 1 conflict, nothing scored yet
    assert "9 score sheets missing" in overview


def test_round_form_puts_a_criterion_problem_on_its_row_and_stores_nothing(
    client, session, festival, organizer
):
    session.commit()
    client.login(organizer.username)
    response = client.post_form(
        f"/festivals/{festival.id}/rounds",
        {
            "name": "初选",
            "aggregation": "mean",
            "criteria-0-name": "",
            "criteria-0-max_score": "",
            "criteria-0-weight": "1",
            "criteria-1-name": "编排",
            "criteria-1-max_score": "-5",
            "criteria-1-weight": "1",
        },
        headers=EN,
    )
    assert response.status_code == 422
    page = text(response)
    assert re.search(
        r'id="criteria-1-name-error"[^>]*>[^<]*maximum score is a number above 0', page
    )
    assert session.execute(select(Round)).first() is None


def test_a_second_judge_assignment_is_refused_with_a_message(client, session, festival, organizer):
    judges = make_judges(session, 1)
    round_ = make_round(
        session, festival, organizer, [factories.make_program(session, festival=festival)], judges
    )
    session.commit()
    client.login(organizer.username)
    again = client.post_form(f"/rounds/{round_.id}/judges", {"user_id": judges[0].id}, headers=EN)
    assert again.status_code == 409
    assert "already judges this round" in text(again)


def test_results_show_every_judges_total_and_mark_the_dropped_ones(
    client, session, scored, organizer
):
    round_, programs, judges = scored
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    row = re.search(rf'<tr id="program-{programs[0].id}".*?</tr>', page, re.S).group(0)
    assert "69.33" in row
    for kept in ("65.00", "75.00", "68.00"):
        assert kept in row and not re.search(rf"<del[^>]*>(?:(?!</del>).)*{kept}", row, re.S)
    assert re.search(
        r'<del class="dropped"><span class="visually-hidden">dropped: </span>'
        r'76.00</del> <span class="dropped-note">highest',
        row,
    )
    assert re.search(
        r'<del class="dropped"><span class="visually-hidden">dropped: </span>'
        r'50.00</del> <span class="dropped-note">lowest',
        row,
    )
    assert "26.00" in row  # spread 76 − 50
    assert "2 of 2 places filled" in page
    assert "Complete: every judge has scored" in page
    assert 'class="dash-bar-chart"' in page and ">-4.83</text>" in page  # mean deviations
    assert re.search(r"评委3 <span[^>]*>furthest from the others", page)


def test_results_say_how_many_sheets_are_missing(client, session, festival, organizer):
    programs = [factories.make_program(session, festival=festival) for _ in range(2)]
    judges = make_judges(session, 3)
    round_ = make_round(session, festival, organizer, programs, judges)
    score(session, round_, programs[0], judges, [(10, 10)] * 3)
    session.commit()
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    assert "3 score sheets missing" in page
    close = text(client.get(f"/rounds/{round_.id}/close", headers=EN))
    assert "3 score sheets are still missing" in close and 'name="advance_program_ids"' not in close


def test_close_confirmation_lists_exactly_the_advancing_programs_then_closes(
    client, session, scored, organizer
):
    round_, programs, judges = scored
    client.login(organizer.username)
    confirm = text(client.get(f"/rounds/{round_.id}/close", headers=EN))
    listed = re.search(r'<ol class="advancing-list">(.*?)</ol>', confirm, re.S).group(1)
    assert "节目0" in listed and "节目1" in listed
    assert "节目2" not in listed and "节目3" not in listed
    assert "2 programs will advance" in confirm
    session.refresh(round_)
    assert round_.status is RoundStatus.open  # looking changes nothing

    closed = client.post_form(
        f"/rounds/{round_.id}/close",
        {"advance_program_ids": [programs[0].id, programs[1].id]},
        headers=EN,
        follow_redirects=True,
    )
    assert closed.status_code == 200
    assert "The scores are frozen" in text(closed)
    assert "This round is closed; its scores are frozen." in text(closed)
    session.expire_all()
    assert session.get(Round, round_.id).status is RoundStatus.closed
    assert session.get(Program, programs[1].id).status is ProgramStatus.advanced
    assert session.get(Program, programs[2].id).status is ProgramStatus.eliminated
    with pytest.raises(RoundClosed):
        score(session, session.get(Round, round_.id), programs[3], judges, [(1, 1)] * 5)
    session.rollback()
    again = client.get(f"/rounds/{round_.id}/close", headers=EN, follow_redirects=True)
    assert "is closed; its scores are frozen" in text(again)


def test_a_tie_at_the_cut_line_is_decided_on_the_confirmation_page(
    client, session, festival, organizer
):
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{i}") for i in range(4)
    ]
    judges = make_judges(session, 3)
    round_ = make_round(session, festival, organizer, programs, judges, advance_count=2)
    score(session, round_, programs[0], judges, [(60, 40)] * 3)
    score(session, round_, programs[1], judges, [(50, 30)] * 3)
    score(session, round_, programs[2], judges, [(50, 30)] * 3)
    score(session, round_, programs[3], judges, [(10, 10)] * 3)
    session.commit()
    client.login(organizer.username)
    confirm = text(client.get(f"/rounds/{round_.id}/close", headers=EN))
    assert "choose exactly 1 of these programs" in confirm
    assert f'type="checkbox" name="advance_program_ids" value="{programs[1].id}"' in confirm
    assert f'type="checkbox" name="advance_program_ids" value="{programs[2].id}"' in confirm
    assert "1 of 2 places filled" in confirm

    undecided = client.post_form(
        f"/rounds/{round_.id}/close", {"advance_program_ids": [programs[0].id]}, headers=EN
    )
    assert undecided.status_code == 422
    assert "Choose exactly 1 of the tied programs." in text(undecided)
    session.expire_all()
    assert session.get(Round, round_.id).status is RoundStatus.open

    decided = client.post_form(
        f"/rounds/{round_.id}/close", {"advance_program_ids": [programs[0].id, programs[2].id]}
    )
    assert decided.status_code == 302
    session.expire_all()
    assert session.get(Round, round_.id).status is RoundStatus.closed
    assert session.get(Program, programs[2].id).status is ProgramStatus.advanced
    assert session.get(Program, programs[1].id).status is ProgramStatus.eliminated


def test_results_xlsx_holds_every_judges_criterion_scores(client, session, scored, organizer):
    round_, programs, judges = scored
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/results.xlsx", headers=EN)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:9] == (
        "Rank",
        "Program",
        "Troupe",
        "Organisation",
        "Category",
        "Score",
        "Spread between judges",
        "Advanced",
        "Judge",
    )
    assert header[9].startswith("艺术表现") and header[10].startswith("编排")
    assert len(rows) == 1 + 4 * 5  # one row per program and judge
    first = [row for row in rows[1:] if row[1] == "节目0"]
    by_judge = {row[8]: row for row in first}
    assert by_judge["评委4"][9:13] == (58, 36, 76, "highest, dropped")
    assert by_judge["评委3"][9:13] == (40, 20, 50, "lowest, dropped")
    assert by_judge["评委1"][9:13] == (50, 30, 65, "counted")
    assert (
        header[13] == "Rule"
        and by_judge["评委1"][13] == "Drop the highest and lowest, then average"
    )
    assert first[0][0] == 1 and float(first[0][5]) == pytest.approx(69.33)
    csv_text = client.get(f"/rounds/{round_.id}/results.csv", headers=EN).data.decode("utf-8-sig")
    assert "评委4" in csv_text and "highest, dropped" in csv_text
    assert client.get(f"/rounds/{round_.id}/results.pdf").status_code == 404


def test_recommending_an_advanced_program_creates_the_linked_program_upstairs(
    client, session, office, festival, organizer, scored
):
    round_, programs, judges = scored
    city_festival = factories.make_festival(
        session, organization=office.parent, level="city", name="南通市老年特色文化艺术节"
    )
    services.close_round(session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW)
    session.commit()
    client.login(organizer.username)
    page = text(client.get(f"/rounds/{round_.id}/results", headers=EN))
    assert "Recommend 《节目0》 to…" in page and "南通市老年特色文化艺术节" in page
    assert "Recommend 《节目3》" not in page  # not advanced

    asked = Page(
        client.post_form(
            f"/rounds/{round_.id}/recommend",
            {"program_id": programs[0].id, "festival_id": city_festival.id},
            headers=EN,
        )
    )
    assert asked.h1 == "Recommend 《节目0》 to 南通市老年特色文化艺术节?"
    assert (
        session.execute(select(Program).where(Program.festival_id == city_festival.id)).first()
        is None
    )
    confirm = asked.form_with_button("Yes, recommend it")
    response = client.post(confirm.action, data=confirm.fields, headers=EN, follow_redirects=True)
    assert "is recommended to 南通市老年特色文化艺术节" in text(response)
    linked = session.execute(
        select(Program).where(Program.festival_id == city_festival.id)
    ).scalar_one()
    assert linked.recommended_from_id == programs[0].id
    assert linked.troupe_id == programs[0].troupe_id
    assert sorted(p.person_id for p in linked.performers) == sorted(
        p.person_id for p in session.get(Program, programs[0].id).performers
    )
    assert "Recommended to" in text(response)

    refused = client.post_form(
        f"/rounds/{round_.id}/recommend",
        {"program_id": programs[3].id, "festival_id": city_festival.id, "confirm": "yes"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Only an advanced or awarded program can be recommended." in text(refused)
    elsewhere = factories.make_program(session, festival=city_festival)
    session.commit()
    assert (
        client.post_form(
            f"/rounds/{round_.id}/recommend",
            {"program_id": elsewhere.id, "festival_id": city_festival.id},
        ).status_code
        == 404
    )


# Who gets what: anonymous, a leader, a judge of the round, a judge of no round, the
# festival's organizer, an organizer of a sibling district, an admin.
ROLES = (
    "anonymous",
    "leader",
    "round_judge",
    "other_judge",
    "organizer",
    "other_organizer",
    "admin",
)
PAGES = {
    ("GET", "/festivals/{festival}/rounds"): "302 403 403 403 200 403 200",
    ("POST", "/festivals/{festival}/rounds"): "302 403 403 403 422 403 422",
    ("GET", "/rounds/{round}"): "302 404 403 404 200 404 200",
    ("POST", "/rounds/{round}/judges"): "302 404 403 404 422 404 422",
    ("POST", "/rounds/{round}/entries"): "302 404 403 404 302 404 302",
    ("POST", "/rounds/{round}/conflicts"): "302 404 302 404 422 404 422",
    ("GET", "/rounds/{round}/conflicts.csv"): "302 404 403 404 200 404 200",
    ("GET", "/rounds/{round}/results"): "302 404 403 404 200 404 200",
    ("GET", "/rounds/{round}/results.xlsx"): "302 404 403 404 200 404 200",
    ("GET", "/rounds/{round}/close"): "302 404 403 404 200 404 200",
    ("POST", "/rounds/{round}/close"): "302 404 403 404 409 404 409",
    ("POST", "/rounds/{round}/recommend"): "302 404 403 404 404 404 404",
}


@pytest.fixture
def access_world(session, office, festival):
    sibling = factories.make_organization(session, level="district", parent=office.parent)
    users = {
        "leader": factories.make_user(session, role="leader"),
        "round_judge": factories.make_user(session, role="judge"),
        "other_judge": factories.make_user(session, role="judge"),
        "organizer": factories.make_user(session, role="organizer", organization=office),
        "other_organizer": factories.make_user(session, role="organizer", organization=sibling),
        "admin": factories.make_user(session, role="admin"),
    }
    program = factories.make_program(session, festival=festival)
    round_ = make_round(session, festival, users["organizer"], [program], [users["round_judge"]])
    session.commit()
    return users, {"festival": festival.id, "round": round_.id}


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(PAGES))
def test_round_pages_answer_each_role_as_the_predicates_say(
    client, access_world, method, path, role_index
):
    users, ids = access_world
    role = ROLES[role_index]
    if role in users:
        client.login(users[role].username)
    url = path.format(**ids)
    response = client.post_form(url) if method == "POST" else client.get(url)
    expected = int(PAGES[(method, path)].split()[role_index])
    assert response.status_code == expected, text(response)[:300]


def test_round_judge_sees_the_ranking_once_closed_without_other_judges_totals(
    client, session, scored, organizer
):
    round_, programs, judges = scored
    services.close_round(session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW)
    session.commit()
    client.login(judges[0].username)
    response = client.get(f"/rounds/{round_.id}/results", headers=EN)
    assert response.status_code == 200
    page = text(response)
    assert "节目0" in page and "69.33" in page
    assert "76.00" not in page and "Download" not in page
    assert client.get(f"/rounds/{round_.id}/results.xlsx").status_code == 403


def test_judge_declares_their_own_conflict_only(client, session, festival, organizer):
    programs = [factories.make_program(session, festival=festival)]
    judges = make_judges(session, 2)
    round_ = make_round(session, festival, organizer, programs, judges)
    session.commit()
    client.login(judges[0].username)
    response = client.post_form(
        f"/rounds/{round_.id}/conflicts",
        {"user_id": judges[1].id, "program_id": programs[0].id, "reason": "亲属"},
    )
    assert response.status_code == 302
    conflict = session.execute(select(Conflict)).scalar_one()
    assert conflict.judge_id == judges[0].id  # never someone else


@pytest.mark.parametrize("path", ["/rounds/{id}/results", "/rounds/{id}/results.csv"])
def test_results_cost_the_same_queries_for_4_and_12_programs(
    client, session, festival, organizer, count_queries, path
):
    def build(n, judges_n):
        fest = factories.make_festival(session, organization=festival.organization)
        programs = [factories.make_program(session, festival=fest) for _ in range(n)]
        judges = make_judges(session, judges_n)
        round_ = make_round(session, fest, organizer, programs, judges)
        for program in programs[:-1]:  # one program left unscored: incomplete is costlier
            score(session, round_, program, judges, [(30, 20)] * judges_n)
        judging_scores.declare_conflict(
            session,
            round_=round_,
            judge_id=judges[0].id,
            program_id=programs[-1].id,
            actor=organizer,
            now=NOW,
        )
        session.commit()
        return round_

    small, large = build(4, 3), build(12, 7)
    client.login(organizer.username)
    with count_queries() as few:
        assert client.get(path.format(id=small.id)).status_code == 200
    with count_queries() as many:
        assert client.get(path.format(id=large.id)).status_code == 200
    assert len(few) == len(many), "\n".join(many)


def _ranking_rows(response) -> list[str]:
    """Each row of the ranking table as its text."""
    table = re.search(r'<table class="ranking">.*?<tbody>(.*?)</tbody>', text(response), re.S)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr\b.*?</tr>", table.group(1), re.S)
    ]


def test_results_show_the_ranking_a_page_at_a_time_ranked_over_every_program(
    client, session, festival, organizer
):
    """55 programs: page 1 holds ranks 1–50 with the cut line, page 2 ranks 51–55."""
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{i:02d}") for i in range(55)
    ]
    judges = make_judges(session, 3)
    round_ = make_round(session, festival, organizer, programs, judges, advance_count=2)
    for number, program in enumerate(programs):  # 节目00 best, 节目54 last
        score(session, round_, program, judges, [(60 - number, 0)] * 3)
    session.commit()
    client.login(organizer.username)
    first = client.get(f"/rounds/{round_.id}/results", headers=EN)
    rows = _ranking_rows(first)
    assert len(rows) == 50
    assert rows[0].startswith("1 《节目00》")
    assert "Within the places" in rows[1] and "Within the places" not in rows[2]
    assert "Page 1 of 2" in Page(first).text
    second = client.get(f"/rounds/{round_.id}/results?page=2", headers=EN)
    rows = _ranking_rows(second)
    assert [row.split()[0] for row in rows] == ["51", "52", "53", "54", "55"]
    assert rows[-1].startswith("55 《节目54》")
    assert "6.00" in rows[-1]  # each judge's total of the rows shown: 60 − 54
