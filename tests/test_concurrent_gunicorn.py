"""Twenty judges saving their scores at once against gunicorn with several worker processes,
on the test database (SQLite or PostgreSQL), every save submitted twice at the same moment and
a worker killed mid-run: no 500, no "database is locked", every score stored exactly once with
the judge's last value, and every derived value (judge totals, entry scores, judge counts)
equal to what the stored scores give."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from festival.audit.models import AuditEntry
from festival.db import db
from festival.judging import scoring, services
from festival.judging.models import JudgeTotal, RoundEntry, Score
from tests import factories

JUDGES = 20
PROGRAMS = 5
PASSES = 4  # each judge saves each program this many times: 20 saves a judge
WORKERS = 4


def call(url: str, method: str, body: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(app, tmp_path):
    """The app under gunicorn, in worker processes of its own, on the test database."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FESTIVAL_SECRET_KEY": "test-secret-key",
        "FESTIVAL_INSTANCE_PATH": str(tmp_path),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "festival.wsgi:app",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if call(f"{base}/healthz", "GET")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base, server.pid
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        # The worker this test kills is reported by the master; nothing else may go wrong.
        assert "Traceback" not in output, output


def call_retrying(url: str, method: str, body: dict, token: str) -> tuple[int, str]:
    """A client that sends a request again when its connection dropped (a killed worker), as
    a tablet's page does; the save is idempotent, so a repeat is harmless."""
    for _ in range(10):
        try:
            return call(url, method, body, token)
        except (OSError, http.client.HTTPException) as error:  # reset, refused, timed out
            dropped = repr(error)
            time.sleep(0.2)
    return 0, f"the connection dropped ten times: {dropped}"


def worker_pids(master_pid: int) -> list[int]:
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as children:
        return [int(pid) for pid in children.read().split()]


def scores_for(index: int, program_id: int, passage: int) -> tuple[str, str]:
    """The art and layout scores judge ``index`` gives ``program_id`` in pass ``passage``."""
    return f"{20 + index + passage}.{(program_id + passage) % 4 * 25:02d}", str(
        (program_id * 7 + index + passage) % 41
    )


def test_twenty_judges_saving_twice_at_once_with_a_worker_killed_keep_every_score_right(
    session, gunicorn
):
    base, master_pid = gunicorn
    festival = factories.make_festival(session)
    admin = factories.make_user(session, role="admin")
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{n}")
        for n in range(PROGRAMS)
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": "1.50"},
            {"name": "编排", "max_score": 40},
        ],
        actor=admin,
        now=factories.NOW,
    )
    judges = [factories.make_user(session, role="judge") for _ in range(JUDGES)]
    for judge in judges:
        services.assign_judge(
            session, round_=round_, user_id=judge.id, actor=admin, now=factories.NOW
        )
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=admin, now=factories.NOW
    )
    session.commit()
    art_id, layout_id = (c.id for c in round_.criteria)
    round_id, program_ids = round_.id, [p.id for p in programs]
    judge_ids = [judge.id for judge in judges]
    usernames = [judge.username for judge in judges]
    session.rollback()
    db.session.remove()  # hold no read snapshot while the workers write

    tokens = []
    for username in usernames:
        status, body = call(
            f"{base}/api/v1/auth/tokens",
            "POST",
            {"username": username, "password": factories.PASSWORD},
        )
        assert status == 201, body
        tokens.append(json.loads(body)["token"])

    barrier = threading.Barrier(JUDGES)
    answers: list[tuple[int, str]] = []
    saves_done = threading.Semaphore(0)

    def save(url: str, body: dict, token: str) -> None:
        answers.append(call_retrying(url, "PUT", body, token))

    def judge_all(index: int) -> None:
        barrier.wait(timeout=60)
        for passage in range(PASSES):
            for program_id in program_ids:
                art, layout = scores_for(index, program_id, passage)
                body = {"scores": {str(art_id): art, str(layout_id): layout}}
                url = f"{base}/api/v1/rounds/{round_id}/scores/{program_id}"
                # A double submit: the same save twice at the same moment.
                twins = [
                    threading.Thread(target=save, args=(url, body, tokens[index])) for _ in range(2)
                ]
                for twin in twins:
                    twin.start()
                for twin in twins:
                    twin.join(timeout=120)
                saves_done.release()

    threads = [threading.Thread(target=judge_all, args=(i,)) for i in range(JUDGES)]
    for thread in threads:
        thread.start()
    for _ in range(JUDGES * PROGRAMS * PASSES // 3):  # a third of the way through
        assert saves_done.acquire(timeout=120)
    os.kill(worker_pids(master_pid)[0], signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)

    assert len(answers) == JUDGES * PROGRAMS * PASSES * 2
    assert [a for a in answers if a[0] != 200][:3] == []
    assert not any("locked" in body for _, body in answers)

    stored = {
        (s.entry_id, s.judge_id, s.criterion_id): s.value
        for s in db.session.execute(select(Score)).scalars()
    }
    assert len(stored) == JUDGES * PROGRAMS * 2  # none lost, none doubled
    entries = {
        e.program_id: e
        for e in db.session.execute(
            select(RoundEntry).where(RoundEntry.round_id == round_id)
        ).scalars()
    }
    kept_totals = {
        (t.entry_id, t.judge_id): t.units for t in db.session.execute(select(JudgeTotal)).scalars()
    }
    assert len(kept_totals) == JUDGES * PROGRAMS
    weights = {art_id: Decimal("1.50"), layout_id: Decimal(1)}
    for program_id in program_ids:
        entry = entries[program_id]
        totals = {}
        for index, judge_id in enumerate(judge_ids):
            art, layout = scores_for(index, program_id, PASSES - 1)  # the last save wins
            given = {art_id: Decimal(art), layout_id: Decimal(layout)}
            assert {c: stored[(entry.id, judge_id, c)] for c in given} == given
            totals[judge_id] = scoring.total_units(given, weights)
            assert kept_totals[(entry.id, judge_id)] == totals[judge_id]
        expected = scoring.aggregate(
            {judge: scoring.from_units(units) for judge, units in totals.items()}, "trimmed_mean"
        ).score
        assert (entry.score, entry.judge_count) == (expected, JUDGES), program_id
    saved_audits = db.session.execute(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "save_scores")
    ).scalar_one()
    # A double submit writes one audit entry: the second save changes nothing.
    assert saved_audits == JUDGES * PROGRAMS * PASSES
