"""Judges' comments (点评) on the pages: a comment box per program on the judge's sheet, saved
with the row; the section on the program's page that the troupe's leader reads once the
festival is published, with no judge's name."""

import re

import pytest

from festival.festivals.models import FestivalStatus
from festival.judging.models import RoundStatus, Score, ScoreComment
from tests.checks import row_count
from tests.judging.test_comments import Commented

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(session):
    return Commented(session)


def row_of(html: str, program) -> str:
    return re.search(rf'<tr id="program-{program.id}".*?</tr>', html, re.S).group(0)


def test_the_sheet_has_a_labelled_comment_box_per_program_holding_the_judges_own(
    session, client, world
):
    world.save(world.judges[0], comment="甲的点评")
    world.save(world.judges[1], comment="乙的点评")
    session.commit()
    client.login(world.judges[0].username)
    html = client.get(f"/rounds/{world.rounds[0].id}/sheet", headers=EN).get_data(as_text=True)
    row = row_of(html, world.programs[0])
    assert "Comment (optional, at most 500 characters)" in row
    assert re.search(r'<textarea id="comment-\d+" name="comment"[^>]*maxlength="500"', row)
    assert re.search(r">甲的点评</textarea>", row)
    assert "乙的点评" not in html
    assert html.count("<textarea") == len(world.programs)


def test_saving_a_row_without_javascript_stores_its_comment(session, client, world):
    client.login(world.judges[0].username)
    criterion = world.rounds[0].criteria[0]
    response = client.post_form(
        f"/rounds/{world.rounds[0].id}/sheet/{world.programs[0].id}",
        {f"score-{criterion.id}": "80", "comment": "声情并茂\r\n很好"},
        headers=EN,
    )
    assert response.status_code == 302
    assert row_count(session, ScoreComment, ScoreComment.text == "声情并茂\n很好") == 1


def test_a_too_long_comment_is_refused_on_its_box_keeping_what_was_typed(session, client, world):
    client.login(world.judges[0].username)
    criterion = world.rounds[0].criteria[0]
    response = client.post_form(
        f"/rounds/{world.rounds[0].id}/sheet/{world.programs[0].id}",
        {f"score-{criterion.id}": "80", "comment": "长" * 501},
        headers=EN,
    )
    assert response.status_code == 422
    row = row_of(response.get_data(as_text=True), world.programs[0])
    assert "Use at most 500 characters." in row and "长" * 501 in row
    assert 'aria-invalid="true"' in row
    assert row_count(session, Score) == 0 and row_count(session, ScoreComment) == 0


def test_a_closed_sheet_shows_the_comment_as_text(session, client, world):
    world.save(world.judges[0], comment="已定稿")
    world.rounds[0].status = RoundStatus.closed
    session.commit()
    client.login(world.judges[0].username)
    html = client.get(f"/rounds/{world.rounds[0].id}/sheet", headers=EN).get_data(as_text=True)
    assert "<textarea" not in html and "已定稿" in html


def test_the_leader_reads_the_comments_on_the_program_page_only_once_published(
    session, client, world
):
    judge = world.judges[0]
    judge.display_name = "王评委"
    world.save(judge, comment="动作整齐")
    world.save(world.judges[1], comment="表情自然")
    session.commit()
    client.login(world.leader.username)
    url = f"/programs/{world.programs[0].id}"
    before = client.get(url, headers=EN).get_data(as_text=True)
    assert "Judges&#39; comments" not in before and "动作整齐" not in before
    world.publish()
    html = client.get(url, headers=EN).get_data(as_text=True)
    section = re.search(r'<section class="card program-comments".*?</section>', html, re.S)
    assert section is not None
    assert "初选" in section.group(0)
    assert section.group(0).index("动作整齐") < section.group(0).index("表情自然")
    assert "王评委" not in html and judge.username not in html
    assert "reads these once" not in html  # the organizers' note


def test_other_leaders_never_reach_the_page_and_organizers_see_comments_with_a_note(
    session, client, world
):
    world.save(world.judges[0], comment="节奏稳")
    world.publish()
    client.login(world.other_leader.username)
    assert client.get(f"/programs/{world.programs[0].id}").status_code == 404
    client.post_form("/logout")
    world.festival.status = FestivalStatus.screening
    session.commit()
    client.login(world.organizer.username)
    html = client.get(f"/programs/{world.programs[0].id}", headers=EN).get_data(as_text=True)
    assert "节奏稳" in html and "reads these once" in html


def test_the_program_page_costs_the_same_queries_for_one_comment_or_many(
    session, client, count_queries
):
    counts = []
    for comments in (1, 2):
        world = Commented(session)
        for judge in world.judges[:comments]:
            world.save(judge, comment=f"点评{judge.id}")
        world.publish()
        client.login(world.leader.username)
        with count_queries() as queries:
            response = client.get(f"/programs/{world.programs[0].id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("点评") >= comments
        counts.append(len(queries))
        client.post_form("/logout")
    assert counts[0] == counts[1], counts
