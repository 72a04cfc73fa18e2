"""Twenty judges saving their scores at once against gunicorn with several worker processes,
on the test database (SQLite or PostgreSQL): no 500, no "database is locked", and every
score stored exactly once."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from festival.db import db
from festival.judging import services
from festival.judging.models import Score
from tests import factories

JUDGES = 20
PROGRAMS = 4
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
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "FESTIVAL_SECRET_KEY": "test-secret-key", "FESTIVAL_INSTANCE_PATH": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning",
         "festival.wsgi:app"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
        yield base
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        assert "Traceback" not in output, output


def test_twenty_judges_saving_at_once_under_gunicorn_lose_nothing(session, gunicorn):
    festival = factories.make_festival(session)
    admin = factories.make_user(session, role="admin")
    programs = [factories.make_program(session, festival=festival, title=f"节目{n}")
                for n in range(PROGRAMS)]
    round_ = services.create_round(
        session, festival=festival, name="初选",
        criteria=[{"name": "艺术表现", "max_score": 60}, {"name": "编排", "max_score": 40}],
        actor=admin, now=factories.NOW)
    judges = [factories.make_user(session, role="judge") for _ in range(JUDGES)]
    for judge in judges:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=admin,
                              now=factories.NOW)
    services.add_entries(session, round_=round_, program_ids=[p.id for p in programs],
                         actor=admin, now=factories.NOW)
    session.commit()
    art_id, layout_id = (c.id for c in round_.criteria)
    round_id, program_ids = round_.id, [p.id for p in programs]
    usernames = [judge.username for judge in judges]
    session.rollback()
    db.session.remove()  # hold no read snapshot while the workers write

    tokens = []
    for username in usernames:
        status, body = call(f"{gunicorn}/api/v1/auth/tokens", "POST",
                            {"username": username, "password": factories.PASSWORD})
        assert status == 201, body
        tokens.append(json.loads(body)["token"])

    barrier = threading.Barrier(JUDGES)
    results: list[list] = [[] for _ in range(JUDGES)]

    def judge_all(index: int) -> None:
        barrier.wait(timeout=60)
        for program_id in program_ids:
            body = {"scores": {str(art_id): f"{30 + index}.50",
                               str(layout_id): str(program_id % 40)}}
            try:
                results[index].append(call(
                    f"{gunicorn}/api/v1/rounds/{round_id}/scores/{program_id}", "PUT", body,
                    tokens[index]))
            except Exception as error:  # reported by the assertion below
                results[index].append((0, repr(error)))

    threads = [threading.Thread(target=judge_all, args=(i,)) for i in range(JUDGES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    answers = [answer for per_judge in results for answer in per_judge]
    assert len(answers) == JUDGES * PROGRAMS
    assert all(status == 200 for status, _ in answers), [a for a in answers if a[0] != 200][:3]
    assert not any("locked" in body for _, body in answers)
    stored = db.session.execute(select(func.count()).select_from(Score)).scalar_one()
    assert stored == JUDGES * PROGRAMS * 2
    distinct = db.session.execute(select(func.count()).select_from(
        select(Score.entry_id, Score.judge_id, Score.criterion_id).distinct().subquery()
    )).scalar_one()
    assert distinct == stored
