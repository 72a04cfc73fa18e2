"""The judge's score sheet page: who sees it, what it shows, saving a row without JavaScript."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Score
from tests import factories

NOW = factories.NOW


def build_round(session, *, programs: int = 3, is_blind: bool = False, judges: int = 1):
    """An open round with two weighted criteria, ``programs`` entries and ``judges`` judges."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    troupe = factories.make_troupe(session, name="万年青歌舞团", organization=festival.organization)
    entries = [
        factories.make_program(session, festival=festival, troupe=troupe, title=f"节目{i}")
        for i in range(programs)
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": 1},
            {"name": "编排", "max_score": 40, "weight": "0.5"},
        ],
        is_blind=is_blind,
        actor=organizer,
        now=NOW,
    )
    people = [factories.make_user(session, role="judge") for _ in range(judges)]
    for judge in people:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in entries], actor=organizer, now=NOW
    )
    session.commit()
    return round_, entries, people, organizer


def stored_scores(session, judge_id=None) -> int:
    session.rollback()
    query = select(func.count()).select_from(Score)
    if judge_id is not None:
        query = query.where(Score.judge_id == judge_id)
    return session.execute(query).scalar_one()


@pytest.fixture
def judged(session, client):
    round_, programs, (judge,), organizer = build_round(session)
    client.login(judge.username)
    return round_, programs, judge, organizer


def post_row(client, round_, program, art_value, layout_value):
    art, layout = round_.criteria
    data = {}
    if art_value is not None:
        data[f"score-{art.id}"] = art_value
    if layout_value is not None:
        data[f"score-{layout.id}"] = layout_value
    return client.post_form(
        f"/rounds/{round_.id}/sheet/{program.id}", data, headers={"Accept-Language": "en"}
    )


def test_assigned_judge_sees_every_entry_except_a_conflicted_one(session, client, judged):
    round_, programs, judge, organizer = judged
    judging_scores.declare_conflict(
        session,
        round_=round_,
        judge_id=judge.id,
        program_id=programs[1].id,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    page = client.get(f"/rounds/{round_.id}/sheet", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "《节目0》" in html and "《节目2》" in html
    assert "节目1" not in html
    assert "0 of 2 programs scored" in html
    assert "万年青歌舞团" in html  # not blind: troupes shown
    art, layout = round_.criteria
    assert f'max="{60}"' in html and 'step="0.01"' in html and 'inputmode="decimal"' in html
    assert f'form="row-{programs[0].id}"' in html
    assert "艺术表现 for 《节目0》" in html  # a label per input for screen readers
    assert 'name="csrf-token"' in html
    assert "<script src=" in html and "score-sheet.js" in html


def test_blind_round_hides_the_troupes(session, client):
    round_, _, (judge,), _ = build_round(session, is_blind=True)
    client.login(judge.username)
    html = client.get(f"/rounds/{round_.id}/sheet").get_data(as_text=True)
    assert "《节目0》" in html and "舞蹈" in html
    assert "万年青歌舞团" not in html


def test_saving_a_row_stores_the_scores_then_a_change_is_audited_with_old_and_new(
    session, client, judged
):
    round_, programs, judge, _ = judged
    response = post_row(client, round_, programs[0], "55.5", "30")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/rounds/{round_.id}/sheet#program-{programs[0].id}"
    )
    assert stored_scores(session, judge.id) == 2
    html = client.get(f"/rounds/{round_.id}/sheet", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Scores for 《节目0》 saved." in html
    assert "1 of 3 programs scored" in html
    assert 'value="55.50"' in html and "70.50" in html  # 55.5 + 0.5 × 30

    assert post_row(client, round_, programs[0], "56", "30").status_code == 302
    session.rollback()
    entries = (
        session.execute(
            select(AuditEntry).where(AuditEntry.action == "save_scores").order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert len(entries) == 2
    assert entries[-1].actor_id == judge.id
    assert entries[-1].changes == {"program_id": programs[0].id, "艺术表现": ["55.50", "56.00"]}
    assert entries[-1].at is not None
    assert stored_scores(session, judge.id) == 2


@pytest.mark.parametrize(
    ("art", "layout", "message"),
    [
        ("61", "30", "艺术表现 is scored from 0 to 60."),
        ("-1", "30", "艺术表现 is scored from 0 to 60."),
        ("abc", "30", "Enter a number with at most two decimal places."),
        ("12.345", "30", "Enter a number with at most two decimal places."),
        ("50", None, "Score 编排 too."),
        ("50", "", "Score 编排 too."),
    ],
)
def test_bad_values_re_render_the_sheet_with_the_message_and_store_nothing(
    session, client, judged, art, layout, message
):
    round_, programs, judge, _ = judged
    response = post_row(client, round_, programs[0], art, layout)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert f'value="{art}"' in html  # what the judge typed is still there
    assert stored_scores(session) == 0
    assert (
        session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "save_scores")
        ).scalar_one()
        == 0
    )


def test_a_bad_change_keeps_the_previous_scores(session, client, judged):
    round_, programs, judge, _ = judged
    post_row(client, round_, programs[0], "50", "30")
    assert post_row(client, round_, programs[0], "70", "30").status_code == 422
    session.rollback()
    values = sorted(session.execute(select(Score.value)).scalars())
    assert values == [Decimal("30"), Decimal("50")]


def test_a_conflicted_program_cannot_be_scored_through_the_form(session, client, judged):
    round_, programs, judge, organizer = judged
    judging_scores.declare_conflict(
        session,
        round_=round_,
        judge_id=judge.id,
        program_id=programs[1].id,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    assert post_row(client, round_, programs[1], "50", "30").status_code == 403
    assert stored_scores(session) == 0


def test_a_program_outside_the_round_is_404(session, client, judged):
    round_, _, _, _ = judged
    other = factories.make_program(session, festival=factories.make_festival(session))
    session.commit()
    assert post_row(client, round_, other, "50", "30").status_code == 404
    assert stored_scores(session) == 0


def test_only_the_rounds_judges_reach_the_sheet(session, client):
    round_, programs, _, _ = build_round(session)
    other_round, _, (other_judge,), _ = build_round(session)
    urls = [
        ("get", f"/rounds/{round_.id}/sheet"),
        ("post", f"/rounds/{round_.id}/sheet/{programs[0].id}"),
    ]
    for method, url in urls:  # anonymous: to the login page
        response = client.get(url) if method == "get" else client.post_form(url, {})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    users = [
        other_judge,
        factories.make_user(session, role="leader"),
        factories.make_user(session, role="organizer", organization=round_.festival.organization),
        factories.make_user(session, role="admin"),
    ]
    session.commit()
    for user in users:
        client.login(user.username)
        for method, url in urls:
            response = (
                client.get(url)
                if method == "get"
                else client.post_form(url, {f"score-{c.id}": "1" for c in round_.criteria})
            )
            assert response.status_code == 404, (user.role, method, url)
        client.post_form("/logout")
    assert stored_scores(session) == 0


def test_a_closed_round_is_read_only_and_refuses_saving(session, client, judged):
    round_, programs, judge, organizer = judged
    art, layout = round_.criteria
    for program in programs:
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={str(art.id): "40", str(layout.id): "20"},
            now=NOW,
        )
    services.close_round(
        session, round_=round_, advance_program_ids=[programs[0].id], actor=organizer, now=NOW
    )
    session.commit()
    html = client.get(f"/rounds/{round_.id}/sheet", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "This round is closed; scores are frozen." in html
    assert '<input type="number"' not in html and '<form id="row-' not in html
    assert "40.00" in html and "50.00" in html  # 40 + 0.5 × 20
    response = post_row(client, round_, programs[0], "1", "1")
    assert response.status_code == 409
    assert "This round is closed; its scores are frozen." in response.get_data(as_text=True)
    session.rollback()
    assert sorted(set(session.execute(select(Score.value)).scalars())) == [
        Decimal("20"),
        Decimal("40"),
    ]


def test_the_sheet_never_shows_another_judges_scores(session, client):
    round_, programs, (judge, other), _ = build_round(session, judges=2)
    art, layout = round_.criteria
    judging_scores.save_scores(
        session,
        round_=round_,
        program_id=programs[0].id,
        judge=other,
        values={str(art.id): "37.77", str(layout.id): "33.33"},
        now=NOW,
    )
    judging_scores.save_scores(
        session,
        round_=round_,
        program_id=programs[1].id,
        judge=judge,
        values={str(art.id): "12", str(layout.id): "8"},
        now=NOW,
    )
    session.commit()
    client.login(judge.username)
    html = client.get(f"/rounds/{round_.id}/sheet", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "37.77" not in html and "33.33" not in html
    assert "54.44" not in html  # the other judge's total
    assert "1 of 3 programs scored" in html
    row = re.search(rf'<tr id="program-{programs[0].id}".*?</tr>', html, re.S).group(0)
    assert "not scored yet" in row


def test_the_sheet_costs_the_same_queries_for_4_and_12_entries(session, client, count_queries):
    counts = []
    for size in (4, 12):
        round_, programs, (judge,), _ = build_round(session, programs=size)
        art, layout = round_.criteria
        for program in programs[: size // 2]:
            judging_scores.save_scores(
                session,
                round_=round_,
                program_id=program.id,
                judge=judge,
                values={str(art.id): "10", str(layout.id): "10"},
                now=NOW,
            )
        session.commit()
        client.login(judge.username)
        with count_queries() as queries:
            response = client.get(f"/rounds/{round_.id}/sheet")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('class="sheet-row') == size
        counts.append(len(queries))
        client.post_form("/logout")
    assert counts[0] == counts[1], counts


def test_my_rounds_lists_the_judges_rounds_open_first_with_progress(session, client):
    round_, programs, (judge,), organizer = build_round(session)
    art, layout = round_.criteria
    judging_scores.save_scores(
        session,
        round_=round_,
        program_id=programs[0].id,
        judge=judge,
        values={str(art.id): "10", str(layout.id): "10"},
        now=NOW,
    )
    build_round(session)  # a round of someone else
    session.commit()
    client.login(judge.username)
    response = client.get("/judging", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/sheet"' in html
    assert "1 of 3 programs scored" in html
    assert html.count("Score sheet: ") == 1


def test_my_rounds_is_for_judges(client, login_as):
    assert client.get("/judging").status_code == 302
    login_as("leader")
    assert client.get("/judging").status_code == 403


def test_a_long_sheet_comes_in_pages_and_saving_returns_to_the_rows_page(session, client):
    """55 programs: 50 rows a page; progress counts the whole round; a row saved or refused
    on page 2 brings the judge back to page 2."""
    round_, programs, (judge,), _organizer = build_round(session, programs=55)
    client.login(judge.username)
    judging_scores.save_scores(
        session,
        round_=round_,
        program_id=programs[0].id,
        judge=judge,
        values={"艺术表现": 50, "编排": 30},
        now=NOW,
    )
    session.commit()
    en = {"Accept-Language": "en"}
    first = client.get(f"/rounds/{round_.id}/sheet", headers=en).get_data(as_text=True)
    assert first.count('class="sheet-row') == 50
    assert "《节目49》" in first and "《节目50》" not in first
    assert "1 of 55 programs scored" in first and "Page 1 of 2" in first
    assert 'data-scored-elsewhere="0"' in first and 'data-total="55"' in first

    saved = post_row(client, round_, programs[52], "40", "20")
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/sheet?page=2#program-{programs[52].id}")
    second = client.get(f"/rounds/{round_.id}/sheet?page=2", headers=en).get_data(as_text=True)
    assert second.count('class="sheet-row') == 5 and "《节目52》" in second
    assert "2 of 55 programs scored" in second
    assert 'data-scored-elsewhere="1"' in second  # 节目0, on page 1

    refused = post_row(client, round_, programs[53], "99", "20")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "《节目53》" in html and "《节目0》" not in html
    assert "艺术表现 is scored from 0 to 60." in html
