"""The day's paper over HTTP: the programme booklet (节目单) in running order as a PDF (A4, A5)
and a phone page, public once the order is published; each judge's blank score sheet; the
result sheet for signatures, with the results page's totals and scores; the organizers only
for the sheets; a constant number of queries whatever the size of the round."""

import io

import pytest
from pypdf import PdfReader

from festival.judging import result_queries, services
from festival.judging import scores as judging_scores
from festival.judging.models import RoundEntry
from festival.performance import paper_queries
from tests import factories

NOW = factories.NOW
JUDGE_NAMES = ("王建国", "李秀英", "张志强", "刘芳", "陈伟")
MM = 72 / 25.4  # PDF points per millimetre


def pdf_pages(body: bytes) -> list[str]:
    assert body.startswith(b"%PDF")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def make_round(
    session, festival, organizer, *, programs=4, blind=False, judges=JUDGE_NAMES, name="初选"
):
    """A trimmed-mean round over ``programs`` programs, five named judges, two criteria."""
    made = [
        factories.make_program(
            session,
            festival=festival,
            title=f"{name}节目{i}" if name != "初选" else f"节目{i}",
            performers=2,
        )
        for i in range(programs)
    ]
    people = [factories.make_user(session, role="judge", display_name=name) for name in judges]
    round_ = services.create_round(
        session,
        festival=festival,
        name=name,
        aggregation="trimmed_mean",
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": 1},
            {"name": "编排", "max_score": 40, "weight": "0.5"},
        ],
        is_blind=blind,
        actor=organizer,
        now=NOW,
    )
    for judge in people:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in made], actor=organizer, now=NOW
    )
    session.flush()
    return round_, made, people


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


def set_order(session, round_, programs):
    """The running order set directly: ``programs`` first to last."""
    entries = {
        e.program_id: e
        for e in session.query(RoundEntry).filter(RoundEntry.round_id == round_.id).all()
    }
    for position, program in enumerate(programs, start=1):
        entries[program.id].running_position = position
    session.flush()


@pytest.fixture
def day(session, festival, organizer):
    """Four programs in the running order 节目2, 节目0, 节目3, 节目1; 节目0's five totals are
    65 75 50 76 68 (76 and 50 dropped: 69.33)."""
    round_, programs, judges = make_round(session, festival, organizer)
    score(session, round_, programs[0], judges, [(50, 30), (55, 40), (40, 20), (58, 36), (52, 32)])
    score(session, round_, programs[1], judges, [(45, 30)] * 5)  # 60.00
    score(session, round_, programs[2], judges, [(40, 30)] * 5)  # 55.00
    score(session, round_, programs[3], judges, [(30, 20)] * 5)  # 40.00
    order = [programs[2], programs[0], programs[3], programs[1]]
    set_order(session, round_, order)
    session.commit()
    return round_, order, judges


def in_order(text: str, pieces) -> None:
    cursor = 0
    for piece in pieces:
        found = text.find(piece, cursor)
        assert found >= 0, (piece, text[cursor : cursor + 300])
        cursor = found + len(piece)


def test_the_booklet_lists_the_programs_in_running_order(client, session, festival, organizer, day):
    round_, order, _judges = day
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/booklet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert round(float(box.width) / MM) == 210 and round(float(box.height) / MM) == 297  # A4
    text = " ".join(pdf_pages(response.data))
    assert "节目单" in text and festival.name in text and "初选" in text
    assert "二〇二六年五月一日" in text  # the festival's day
    in_order(text, [f"《{p.title}》" for p in order])
    for program in order:  # troupe, category, duration and performers with each program
        in_order(
            text,
            [f"《{program.title}》", program.troupe.name, program.category.name, "6 分钟"]
            + sorted(p.person.name for p in program.performers)[:1],
        )

    folded = client.get(f"/rounds/{round_.id}/booklet.pdf?size=a5")
    box = PdfReader(io.BytesIO(folded.data)).pages[0].mediabox
    assert round(float(box.width) / MM) == 148 and round(float(box.height) / MM) == 210  # A5
    in_order(" ".join(pdf_pages(folded.data)), [f"《{p.title}》" for p in order])

    page = client.get(f"/rounds/{round_.id}/booklet")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    in_order(html, [f"《{p.title}》" for p in order])
    assert order[0].troupe.name in html and "booklet.pdf?size=a5" in html
    # the round's set-up page links the day's paper
    setup = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    for path in ("booklet", "booklet.pdf", "sheets.pdf", "signatures.pdf"):
        assert f"/rounds/{round_.id}/{path}" in setup


def test_unplaced_entries_come_last_by_entry(session, festival, organizer):
    round_, programs, _judges = make_round(session, festival, organizer, programs=3)
    set_order(session, round_, [programs[2]])
    titles = [e.title for e in paper_queries.entries(session, round_.id)]
    assert titles == [programs[2].title, programs[0].title, programs[1].title]


def test_each_judge_has_a_blank_sheet_with_the_criteria_and_a_signature_line(
    client, session, organizer, day
):
    round_, order, judges = day
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/sheets.pdf")
    assert response.status_code == 200
    pages = pdf_pages(response.data)
    assert len(pages) == len(judges)  # one page each for four programs
    by_name = sorted(judges, key=lambda j: (j.display_name, j.id))
    for judge, text in zip(by_name, pages, strict=True):
        assert f"评委：{judge.display_name}" in text
        assert "评委签名：" in text and "日期：" in text
        assert "艺术表现" in text and "编排" in text and "满分 60.00" in text
        assert "权重 0.50" in text and "合计" in text
        assert "手写" in text  # the header says why it is blank
        in_order(text, [f"《{p.title}》" for p in order])
        assert order[0].troupe.name in text
        # No score printed (the troupes' made-up names carry numbers of their own).
        blank = text.split("评分表", 1)[1].replace("2026", "")
        for program in order:
            blank = blank.replace(program.troupe.name, "")
        assert "69" not in blank


def test_a_blind_rounds_sheets_name_no_troupe(client, session, festival, organizer):
    round_, programs, _judges = make_round(session, festival, organizer, programs=2, blind=True)
    session.commit()
    client.login(organizer.username)
    text = " ".join(pdf_pages(client.get(f"/rounds/{round_.id}/sheets.pdf").data))
    assert "《节目0》" in text
    for program in programs:
        assert program.troupe.name not in text


def test_a_conflicted_judge_does_not_score_that_program_on_paper(
    client, session, festival, organizer
):
    round_, programs, judges = make_round(session, festival, organizer, programs=2)
    judging_scores.declare_conflict(
        session,
        round_=round_,
        judge_id=judges[0].id,
        program_id=programs[1].id,
        reason="亲属",
        actor=organizer,
        now=NOW,
    )
    session.commit()
    client.login(organizer.username)
    pages = pdf_pages(client.get(f"/rounds/{round_.id}/sheets.pdf").data)
    first = next(text for text in pages if judges[0].display_name in text)
    assert "回避" in first
    assert sum("回避" in text for text in pages) == 1


def test_the_result_sheet_matches_the_results(client, api, session, organizer, day):
    round_, order, judges = day
    client.login(organizer.username)
    response = client.get(f"/rounds/{round_.id}/signatures.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_pages(response.data))
    assert "评审结果签字表" in text
    results = result_queries.round_results(session, round_)
    by_program = {item.program_id: item for item in results.items}
    page = client.get(f"/rounds/{round_.id}/results").get_data(as_text=True)
    columns = results.judges  # by name, as the results page lists them
    for program in order:  # in running order: every total, the score, the rank
        item = by_program[program.id]
        dropped = set(item.dropped_highs + item.dropped_lows)
        totals = [
            f"〔{item.judge_totals[j.id]:.2f}〕"
            if j.id in dropped
            else f"{item.judge_totals[j.id]:.2f}"
            for j in columns
        ]
        in_order(text, [f"《{program.title}》", *totals, f"{item.score:.2f}", str(item.rank)])
        assert f"{item.score:.2f}" in page
    # 节目0 by hand: 65 75 50 76 68, the highest and lowest dropped, (65+75+68)/3 = 69.33
    assert "〔76.00〕" in text and "〔50.00〕" in text and "69.33" in text
    for number, judge in enumerate(columns, start=1):
        assert f"评委{number}" in text
        in_order(text, [f"评委{number}：{judge.display_name}", "签名："])
    assert "评委会主任（组长）签名：" in text


@pytest.fixture
def stranger(session, festival):
    other = factories.make_organization(session, level="district")
    user = factories.make_user(session, role="organizer", organization=other)
    session.commit()
    return user


def test_who_may_print_what(client, session, organizer, day, stranger):
    round_, _order, judges = day
    paths = ("booklet.pdf", "booklet", "sheets.pdf", "signatures.pdf")
    for path in paths:  # before the order is published: nobody but the organizers
        assert client.get(f"/rounds/{round_.id}/{path}").status_code in (302, 404), path
    client.login(stranger.username)
    for path in paths:
        assert client.get(f"/rounds/{round_.id}/{path}").status_code == 404, path
    client.raw.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(judges[0].username)
    assert client.get(f"/rounds/{round_.id}/booklet.pdf").status_code == 404
    assert client.get(f"/rounds/{round_.id}/sheets.pdf").status_code == 403
    assert client.get(f"/rounds/{round_.id}/signatures.pdf").status_code == 403
    assert client.get("/rounds/999999/booklet.pdf").status_code == 404

    round_.order_published = True
    session.commit()
    anonymous = type(client)(client.raw.application.test_client())
    assert anonymous.get(f"/rounds/{round_.id}/booklet.pdf").status_code == 200
    assert anonymous.get(f"/rounds/{round_.id}/booklet").status_code == 200
    assert anonymous.get(f"/rounds/{round_.id}/sheets.pdf").status_code == 302
    assert anonymous.get(f"/rounds/{round_.id}/signatures.pdf").status_code == 302


def _queries(client, count_queries, round_id: int) -> list[int]:
    counts = []
    for path in ("booklet.pdf", "booklet", "sheets.pdf", "signatures.pdf"):
        with count_queries() as statements:
            assert client.get(f"/rounds/{round_id}/{path}").status_code == 200
        counts.append(len(statements))
    return counts


def test_the_paper_costs_the_same_queries_for_3_or_12_programs(
    client, session, festival, organizer, count_queries
):
    small, small_programs, small_judges = make_round(session, festival, organizer, programs=3)
    another = factories.make_festival(session, organization=festival.organization)
    large, large_programs, large_judges = make_round(
        session,
        another,
        organizer,
        programs=12,
        judges=[f"评委甲{i}" for i in range(5)],
        name="复选",
    )
    for round_, programs, judges in (
        (small, small_programs, small_judges),
        (large, large_programs, large_judges),
    ):
        for program in programs:
            score(session, round_, program, judges, [(40, 30)] * 5)
        set_order(session, round_, programs[::-1])
    session.commit()
    client.login(organizer.username)
    _queries(client, count_queries, small.id)  # warm caches (the kept standings)
    _queries(client, count_queries, large.id)
    assert _queries(client, count_queries, small.id) == _queries(client, count_queries, large.id)
