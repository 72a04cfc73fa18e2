"""The score sheet's one markup for the table and the phone's cards: a single input per score,
each program's number and title together in its header, and the card pager only where scores
can still be typed."""

import re

from festival.judging.models import RoundStatus
from tests.judging.test_sheet_http import build_round


def sheet_html(client, round_) -> str:
    response = client.get(f"/rounds/{round_.id}/sheet", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_score_has_exactly_one_input_and_a_card_label_with_its_maximum(session, client):
    round_, programs, (judge,), _ = build_round(session, programs=3)
    client.login(judge.username)
    html = sheet_html(client, round_)
    for program in programs:
        for criterion in round_.criteria:
            inputs = re.findall(
                rf'<input type="number" id="score-{program.id}-{criterion.id}"[^>]*'
                rf'name="score-{criterion.id}"\s+form="row-{program.id}"',
                html,
            )
            assert len(inputs) == 1
    assert html.count('type="number"') == len(programs) * len(round_.criteria)
    # The label a card shows above a box: the criterion's name and its range.
    assert '<span class="sheet-cell-label" aria-hidden="true">艺术表现 ' in html
    assert "(0–60)" in html and "(0–40)" in html


def test_each_program_header_holds_its_number_and_title(session, client):
    round_, programs, (judge,), _ = build_round(session, programs=3)
    client.login(judge.username)
    html = sheet_html(client, round_)
    for number, program in enumerate(programs, start=1):
        header = re.search(
            rf'<th scope="row" class="sheet-title" id="program-{program.id}-title">(.*?)</th>',
            html,
            re.S,
        )
        assert header is not None
        assert f"No. {number}" in header.group(1) and f"《{program.title}》" in header.group(1)
    assert f'data-position="{len(programs)}"' in html


def test_the_card_pager_is_offered_while_open_and_hidden_until_the_script_shows_it(session, client):
    round_, _, (judge,), _ = build_round(session, programs=2)
    client.login(judge.username)
    html = sheet_html(client, round_)
    nav = re.search(r'<nav class="sheet-cards-nav"[^>]*>', html)
    assert nav is not None and " hidden" in nav.group(0)  # without JavaScript: every card shown
    assert "‹ Previous" in html and "Next ›" in html
    assert 'data-msg-position="Program {number} of {total}"' in html

    round_.status = RoundStatus.closed
    session.commit()
    assert "sheet-cards-nav" not in sheet_html(client, round_)
