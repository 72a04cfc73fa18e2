"""The stage page lists the judges' confirmations for the program on stage, and the organizer
reopens a confirmed score there with a reason (issue 20)."""

import pytest

from festival.audit.models import AuditEntry
from festival.judging.models import ScoreConfirmation
from festival.performance import live
from tests.checks import row_count
from tests.performance.live_world import NOW, LiveWorld

EN = {"Accept-Language": "en"}


@pytest.fixture
def world(session):
    world = LiveWorld(session, judges=3)
    for judge in world.judges:
        world.save(judge, "50", "30")
    live.confirm(session, world.round, world.programs[0].id, world.judges[0], NOW)
    session.commit()
    return world


def test_the_stage_page_shows_who_confirmed_and_reopens_with_a_reason(client, session, world):
    client.login(world.organizer.username)
    url = f"/rounds/{world.round.id}/stage"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "Judges’ confirmations" in page or "Judges' confirmations" in page
    assert "(1 / 3)" in page.replace("（", "(").replace("）", ")")
    assert page.count("Reopen the score") == 1  # only the confirmed judge's

    form = {"program_id": world.programs[0].id, "judge_id": world.judges[0].id, "reason": ""}
    client.post_form(f"{url}/reopen", form, headers=EN)
    assert row_count(session, ScoreConfirmation) == 1  # no reason: nothing reopened
    refused = client.get(url, headers=EN).get_data(as_text=True)
    assert "Give the reason for reopening the score." in refused

    form["reason"] = "评委误按确认"
    assert client.post_form(f"{url}/reopen", form, headers=EN).status_code == 302
    assert row_count(session, ScoreConfirmation) == 0
    [entry] = session.query(AuditEntry).filter_by(action="reopen_score").all()
    assert entry.changes["reason"] == "评委误按确认"


def test_only_the_festivals_organizers_reopen(client, session, world):
    client.login(world.judges[0].username)
    form = {"program_id": world.programs[0].id, "judge_id": world.judges[0].id, "reason": "x"}
    response = client.post_form(f"/rounds/{world.round.id}/stage/reopen", form)
    assert response.status_code in (403, 404)
    assert row_count(session, ScoreConfirmation) == 1
