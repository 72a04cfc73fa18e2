"""The job queue (service tests on the test database, SQLite or PostgreSQL): two workers
never take the same job, a lease that runs out lets another worker take the job, a failed
attempt waits with a backoff, and the last failed attempt fails the job and runs its hook."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from festival.db import db
from festival.jobs.models import Job, JobStatus
from festival.jobs.queue import (
    PermanentError,
    backoff,
    claim,
    enqueue,
    fail,
    finish,
    handler,
    renew,
)
from festival.jobs.worker import Worker, job_session

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=1)
HOOKED: list[tuple[dict, str]] = []
RAN: list[dict] = []


def _hook(_session, payload, error):
    HOOKED.append((payload, error))


@handler("test_queue_c", on_failure=_hook)
def _run(_session, payload, progress):
    progress(50)
    RAN.append(payload)
    if payload.get("raise") == "permanent":
        raise PermanentError("cannot ever work")
    if payload.get("raise"):
        raise RuntimeError("broke this time")


@pytest.fixture(autouse=True)
def _clear():
    HOOKED.clear()
    RAN.clear()


def _enqueue(session, count=1, **kwargs):
    jobs = [enqueue(session, "test_queue_c", {"n": n}, now=NOW, **kwargs) for n in range(count)]
    session.commit()
    return [job.id for job in jobs]


def _claim(worker="w1", now=NOW, lease=LEASE):
    with job_session() as session:
        job = claim(session, worker=worker, now=now, lease=lease)
        session.commit()
    return job


def _job(job_id) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_enqueue_flushes_a_queued_job_due_now(session):
    job = enqueue(session, "test_queue_c", {"media_id": 7}, now=NOW)
    assert job.id is not None
    assert (job.status, job.attempts, job.max_attempts, job.run_after) == (
        JobStatus.queued,
        0,
        3,
        NOW,
    )
    assert job.payload == '{"media_id": 7}'


def test_claim_takes_due_jobs_oldest_first_and_not_future_ones(session):
    first, second = _enqueue(session, 2)
    later = enqueue(session, "test_queue_c", {}, now=NOW + timedelta(hours=1))
    session.commit()
    long = timedelta(hours=2)
    assert _claim(lease=long).id == first
    assert _claim(lease=long).id == second
    assert _claim(lease=long) is None  # the third is not due yet
    taken = _claim(now=NOW + timedelta(hours=1))
    assert taken.id == later.id
    stored = _job(first)
    assert (stored.status, stored.attempts, stored.worker) == (JobStatus.running, 1, "w1")
    assert stored.leased_until == NOW + long


def test_two_workers_holding_open_transactions_never_take_the_same_job(app, session):
    """The first claimer keeps its transaction open while the second claims: the second
    gets the other job (PostgreSQL skips the locked row; SQLite waits for the first's commit
    and then sees the job taken), never the same one."""
    _enqueue(session, 2)
    results: dict[str, object] = {}
    first_claimed, release = threading.Event(), threading.Event()

    def first():
        with app.app_context(), job_session() as s:
            results["first"] = claim(s, worker="w1", now=NOW, lease=LEASE)
            first_claimed.set()
            release.wait(timeout=10)
            s.commit()

    def second():
        with app.app_context(), job_session() as s:
            results["second"] = claim(s, worker="w2", now=NOW, lease=LEASE)
            s.commit()

    one = threading.Thread(target=first)
    one.start()
    assert first_claimed.wait(timeout=10)
    two = threading.Thread(target=second)
    two.start()
    two.join(timeout=0.5)
    release.set()
    one.join(timeout=20)
    two.join(timeout=20)
    assert results["first"] is not None and results["second"] is not None
    assert results["first"].id != results["second"].id


def test_many_workers_claiming_at_once_take_every_job_exactly_once(app, session):
    ids = _enqueue(session, 24)
    taken: dict[str, list[int]] = {}

    def work(name):
        mine = taken.setdefault(name, [])
        with app.app_context():
            while (job := _claim(worker=name)) is not None:
                mine.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    everything = [job_id for mine in taken.values() for job_id in mine]
    assert sorted(everything) == sorted(ids)  # each once, none twice
    assert len(set(everything)) == len(everything)


def test_a_lease_that_runs_out_is_taken_again_and_the_first_worker_loses_it(session):
    [job_id] = _enqueue(session)
    held = _claim(worker="w1")
    assert _claim(worker="w2", now=NOW + timedelta(seconds=30)) is None  # still leased
    retaken = _claim(worker="w2", now=NOW + LEASE + timedelta(seconds=1))
    assert (retaken.id, retaken.attempts) == (job_id, 2)
    with job_session() as s:
        assert not renew(s, held, worker="w1", now=NOW + LEASE, lease=LEASE)
        assert not finish(s, held, worker="w1", now=NOW + LEASE)
        assert fail(s, held, "late", worker="w1", now=NOW + LEASE) is None
        assert finish(s, retaken, worker="w2", now=NOW + LEASE * 2)
        s.commit()
    stored = _job(job_id)
    assert (stored.status, stored.worker, stored.leased_until) == (JobStatus.done, "w2", None)


def test_renewing_keeps_the_job_from_other_workers(session):
    _enqueue(session)
    held = _claim(worker="w1")
    with job_session() as s:
        assert renew(s, held, worker="w1", now=NOW + timedelta(seconds=50), lease=LEASE)
        s.commit()
    assert _claim(worker="w2", now=NOW + timedelta(seconds=90)) is None


def test_a_failed_attempt_is_retried_after_a_growing_backoff(session):
    [job_id] = _enqueue(session)
    held = _claim()
    with job_session() as s:
        assert fail(s, held, "RuntimeError: boom", worker="w1", now=NOW) == JobStatus.queued
        s.commit()
    stored = _job(job_id)
    assert (stored.status, stored.error, stored.leased_until) == (
        JobStatus.queued,
        "RuntimeError: boom",
        None,
    )
    assert stored.run_after == NOW + timedelta(seconds=30)
    assert _claim(now=NOW + timedelta(seconds=29)) is None
    again = _claim(now=NOW + timedelta(seconds=30))
    assert again.attempts == 2
    with job_session() as s:
        fail(s, again, "boom again", worker="w1", now=NOW + timedelta(seconds=30))
        s.commit()
    assert _job(job_id).run_after == NOW + timedelta(seconds=90)  # a minute after
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (30, 60, 120)]
    assert backoff(30) == timedelta(hours=1)


def test_the_last_failed_attempt_fails_the_job_and_runs_its_hook(session):
    [job_id] = _enqueue(session, max_attempts=2)
    moment = NOW
    for expected in (JobStatus.queued, JobStatus.failed):
        held = _claim(now=moment)
        with job_session() as s:
            assert fail(s, held, "boom", worker="w1", now=moment) == expected
            s.commit()
        moment += timedelta(hours=2)
    stored = _job(job_id)
    assert (stored.status, stored.attempts, stored.error) == (JobStatus.failed, 2, "boom")
    assert stored.finished_at is not None
    assert HOOKED == [({"n": 0}, "boom")]
    assert _claim(now=moment + timedelta(days=1)) is None


def test_a_worker_dying_on_the_last_attempt_fails_the_job_instead_of_running_it_again(session):
    [job_id] = _enqueue(session, max_attempts=1)
    _claim(worker="w1")  # and the worker dies
    assert _claim(worker="w2", now=NOW + LEASE * 2) is None
    stored = _job(job_id)
    assert stored.status == JobStatus.failed
    assert "lease ran out" in stored.error
    assert len(HOOKED) == 1


def test_the_worker_runs_a_job_to_done(app, session):
    job_id = enqueue(session, "test_queue_c", {"ok": 1}, now=NOW).id
    session.commit()
    assert Worker(name="w-test").run(once=True) == 1
    assert RAN == [{"ok": 1}]
    stored = _job(job_id)
    assert (stored.status, stored.attempts, stored.leased_until) == (JobStatus.done, 1, None)


def test_the_worker_records_a_failing_handler_for_a_retry(app, session):
    job_id = enqueue(session, "test_queue_c", {"raise": 1}, now=NOW).id
    session.commit()
    Worker(name="w-test").run(once=True)
    stored = _job(job_id)
    assert stored.status == JobStatus.queued
    assert stored.error == "RuntimeError: broke this time"
    assert stored.run_after > datetime.now(UTC)


def test_a_permanent_error_fails_the_job_at_once(app, session):
    job_id = enqueue(session, "test_queue_c", {"raise": "permanent"}, now=NOW).id
    session.commit()
    Worker(name="w-test").run(once=True)
    stored = _job(job_id)
    assert (stored.status, stored.attempts) == (JobStatus.failed, 1)
    assert HOOKED == [({"raise": "permanent"}, "PermanentError: cannot ever work")]


def test_a_job_of_an_unknown_kind_fails_without_retrying(app, session):
    job_id = enqueue(session, "no_such_kind_c", {}, now=NOW).id
    session.commit()
    Worker(name="w-test").run(once=True)
    stored = _job(job_id)
    assert stored.status == JobStatus.failed
    assert "no_such_kind_c" in stored.error
    assert session.scalar(select(Job.id).where(Job.status == JobStatus.running)) is None
