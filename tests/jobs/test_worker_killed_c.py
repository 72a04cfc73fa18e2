"""``flask --app festival worker`` as a real process on the test database (a SQLite file, or
PostgreSQL with TEST_DATABASE_URL): a worker killed with SIGKILL in the middle of a job leaves
the job to its lease, another worker takes it when the lease runs out and brings it to done;
SIGTERM lets a worker finish the job in hand before it stops."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from festival.core.clock import utcnow
from festival.db import db
from festival.jobs.models import Job, JobStatus
from festival.jobs.queue import enqueue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def start_worker(app, tmp_path):
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "FESTIVAL_SECRET_KEY": "test-secret-key",
        "FESTIVAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "FESTIVAL_JOB_MODULES": "tests.jobs.sleepy_handler_c",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }

    def start(*options: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "festival", "worker", *options],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


def _job(job_id: int) -> Job:
    db.session.rollback()  # a fresh snapshot of what the workers committed
    return db.session.get(Job, job_id, populate_existing=True)


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_a_job_whose_worker_is_killed_mid_job_is_done_by_another_worker(
    app, session, start_worker, tmp_path
):
    notes = tmp_path / "notes.txt"
    job_id = enqueue(session, "sleepy_c", {"notes": str(notes), "seconds": 1.5}, now=utcnow()).id
    session.commit()

    first = start_worker("--lease-seconds", "2", "--idle-seconds", "0.1")
    _wait_for(lambda: _lines(notes) == ["start"], 60, "the first worker to start the job")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    stuck = _job(job_id)
    assert stuck.status == JobStatus.running  # left behind, with a lease that will run out
    assert stuck.attempts == 1

    second = start_worker("--lease-seconds", "5", "--idle-seconds", "0.2")
    _wait_for(lambda: _job(job_id).status == JobStatus.done, 60, "the job to be done")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=20) == 0
    done = _job(job_id)
    assert (done.attempts, done.leased_until) == (2, None)
    assert done.worker.endswith(f":{second.pid}")
    assert _lines(notes) == ["start", "start", "end"]
    assert db.session.query(Job).filter(Job.status == JobStatus.running).count() == 0


def test_sigterm_lets_the_worker_finish_the_job_in_hand(app, session, start_worker, tmp_path):
    notes = tmp_path / "notes.txt"
    job_id = enqueue(session, "sleepy_c", {"notes": str(notes), "seconds": 1.0}, now=utcnow()).id
    session.commit()
    worker = start_worker("--idle-seconds", "0.1")
    _wait_for(lambda: _lines(notes) == ["start"], 60, "the worker to start the job")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert _lines(notes) == ["start", "end"]
    assert _job(job_id).status == JobStatus.done
    output = worker.stdout.read()
    assert "stopped after 1 jobs" in output
