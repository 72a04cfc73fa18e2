"""Ten judges saving their scores for the same program at the same moment, through the real
threaded HTTP server: every request succeeds and every score is stored exactly once."""

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.judging import services
from festival.judging.models import Score
from tests import factories

NOW = factories.NOW
JUDGES = 10


def call(url: str, method: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_judges_saving_the_same_program_at_once_lose_nothing(session, live_server):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    program = factories.make_program(session, festival=festival, title="夕阳红")
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[{"name": "艺术表现", "max_score": 60}, {"name": "编排", "max_score": 40}],
        actor=organizer,
        now=NOW,
    )
    judges = [factories.make_user(session, role="judge") for _ in range(JUDGES)]
    for judge in judges:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(session, round_=round_, program_ids=[program.id], actor=organizer, now=NOW)
    session.commit()
    # Plain values: the threads below must not touch the session (no app context there).
    art_id, layout_id = (c.id for c in round_.criteria)
    round_id, program_id = round_.id, program.id
    judge_ids = [judge.id for judge in judges]

    tokens = []
    for judge in judges:
        status, body = call(
            f"{live_server}/api/v1/auth/tokens",
            "POST",
            {"username": judge.username, "password": factories.PASSWORD},
        )
        assert status == 201, body
        tokens.append(body["token"])

    url = f"{live_server}/api/v1/rounds/{round_id}/scores/{program_id}"
    barrier = threading.Barrier(JUDGES)
    results: list[tuple[int, dict] | None] = [None] * JUDGES

    def save(index: int) -> None:
        body = {"scores": {str(art_id): f"{30 + index}.25", str(layout_id): str(20 + index)}}
        barrier.wait(timeout=30)
        try:
            results[index] = call(url, "PUT", body, tokens[index])
        except Exception as error:  # reported by the assertion below
            results[index] = (0, {"exception": repr(error)})

    threads = [threading.Thread(target=save, args=(i,)) for i in range(JUDGES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [status for status, _ in results] == [200] * JUDGES, results
    session.rollback()
    stored = session.execute(select(Score.judge_id, Score.criterion_id, Score.value)).all()
    assert len(stored) == 2 * JUDGES
    expected = set()
    for index, judge_id in enumerate(judge_ids):
        expected.add((judge_id, art_id, f"{30 + index}.25"))
        expected.add((judge_id, layout_id, f"{20 + index}.00"))
    assert {(j, c, f"{v:.2f}") for j, c, v in stored} == expected
    audited = session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "save_scores")
    ).scalar_one()
    assert audited == JUDGES
