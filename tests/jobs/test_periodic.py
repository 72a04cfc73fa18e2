"""Periodic jobs: the workers run a kind registered with ``every`` that often by themselves,
with one job waiting at a time however many workers start together, and the command's
worker removes abandoned uploads with no cron."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from festival.accounts.models import LoginAttempt
from festival.db import db
from festival.jobs import queue
from festival.jobs.models import Job, JobStatus
from festival.jobs.periodic import forget_ended_jobs, schedule_periodic
from festival.jobs.queue import enqueue
from festival.jobs.worker import Worker, job_session, load_handlers
from festival.media.models import Upload
from festival.media.storage import get_storage
from festival.media.uploads import create_upload
from tests import factories

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EVERY = timedelta(minutes=30)
KIND = "test_periodic"
RAN: list[dict] = []


@pytest.fixture
def periodic(monkeypatch):
    """Only this test's kind is periodic while it runs (the cleanup of uploads is too, in the
    application; the last test checks that one)."""
    RAN.clear()
    monkeypatch.setattr(queue, "_every", {KIND: EVERY})
    monkeypatch.setitem(
        queue._handlers, KIND, lambda _session, payload, _progress: RAN.append(payload)
    )


def _jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.kind == KIND).order_by(Job.id)))


def _schedule(now=NOW) -> list[Job]:
    with job_session() as session:
        added = schedule_periodic(session, now=now)
        session.commit()
    return added


def _ended(status: JobStatus, finished_at: datetime) -> None:
    db.session.add(
        Job(
            kind=KIND,
            payload="{}",
            status=status,
            attempts=1,
            max_attempts=3,
            run_after=finished_at - timedelta(minutes=1),
            created_at=finished_at - timedelta(minutes=1),
            finished_at=finished_at,
        )
    )
    db.session.commit()


def test_a_kind_that_never_ran_gets_a_job_due_at_once(app, session, periodic):
    added = _schedule()
    assert [(job.kind, job.payload, job.run_after) for job in added] == [(KIND, "{}", NOW)]
    assert [job.status for job in _jobs()] == [JobStatus.queued]


def test_no_second_job_while_one_is_queued_or_running(app, session, periodic):
    _schedule()
    assert _schedule(NOW + timedelta(hours=5)) == []
    [job] = _jobs()
    job.status = JobStatus.running
    db.session.commit()
    assert _schedule(NOW + timedelta(hours=5)) == []
    assert len(_jobs()) == 1


@pytest.mark.parametrize("status", [JobStatus.done, JobStatus.failed])
def test_the_next_job_is_due_every_after_the_last_one_ended(app, session, periodic, status):
    _ended(status, finished_at=NOW - timedelta(minutes=10))
    _ended(JobStatus.done, finished_at=NOW - timedelta(hours=2))
    [job] = _schedule()
    assert job.run_after == NOW - timedelta(minutes=10) + EVERY
    # Long after the last run, the next is due at once rather than in the past.
    _jobs()[-1].status = JobStatus.done
    db.session.commit()
    [late] = _schedule(NOW + timedelta(days=1))
    assert late.run_after == NOW + timedelta(days=1)


def test_workers_starting_together_add_one_job(app, session, periodic):
    """Four workers with connections of their own schedule at the same moment: the lock lets
    one add the job and the others see it. (It proves the advisory lock on PostgreSQL; on
    SQLite the job session's BEGIN IMMEDIATE already serialises them.)"""
    start = threading.Barrier(4)
    added: list[int] = []
    errors: list[BaseException] = []

    def work():
        try:
            with app.app_context():
                start.wait(timeout=10)
                added.extend(job.id for job in _schedule())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(added) == 1
    assert [job.id for job in _jobs()] == added


def test_a_periodic_worker_runs_the_job_and_schedules_the_next(app, session, periodic):
    worker = Worker(name="w-periodic", periodic=True)
    assert worker.run(once=True) == 1
    assert RAN == [{}]
    first, following = _jobs()
    assert first.status is JobStatus.done
    assert following.status is JobStatus.queued
    # Scheduled when the worker looked again after the first run, from the first's end.
    assert following.run_after == first.finished_at + EVERY
    assert Worker(name="w-periodic", periodic=True).run(once=True) == 0
    # A worker that does not schedule (the default, as in the tests) adds nothing.
    assert Worker(name="w-plain").run(once=True) == 0
    assert len(_jobs()) == 2


def test_the_command_worker_removes_abandoned_uploads_every_hour_with_no_cron(
    app, session, festival
):
    leader = factories.make_user(session, role="leader", username="leader_periodic")
    troupe = factories.make_troupe(session, organization=festival.organization, leader=leader)
    program = factories.make_program(session, festival=festival, troupe=troupe)
    now = datetime.now(UTC)
    abandoned, fresh = (
        create_upload(
            session,
            program=program,
            kind="video",
            filename=f"{name}.mp4",
            length=10,
            actor=leader,
            now=now,
        )
        for name in ("abandoned", "fresh")
    )
    get_storage().append(abandoned.storage_key, 0, [b"123"])
    abandoned.updated_at = now - timedelta(hours=25)
    abandoned_key = abandoned.storage_key
    session.commit()

    Worker(name="w-command", periodic=True).run(once=True)

    db.session.expire_all()
    assert [upload.filename for upload in db.session.scalars(select(Upload))] == ["fresh.mp4"]
    assert get_storage().size(abandoned_key) is None
    cleanups = db.session.scalars(
        select(Job).where(Job.kind == "cleanup_uploads").order_by(Job.id)
    ).all()
    assert [job.status for job in cleanups] == [JobStatus.done, JobStatus.queued]
    assert cleanups[1].run_after == cleanups[0].finished_at + timedelta(hours=1)


def test_the_command_worker_forgets_login_attempts_older_than_30_days(app, session):
    now = datetime.now(UTC)
    for days in (31, 29):
        session.add(
            LoginAttempt(
                username=f"old{days}",
                address="127.0.0.1",
                attempted_at=now - timedelta(days=days),
                succeeded=False,
            )
        )
    session.commit()
    load_handlers()  # as the command does: the accounts' job is registered

    Worker(name="w-command", periodic=True).run(once=True)

    db.session.expire_all()
    assert db.session.scalars(select(LoginAttempt.username)).all() == ["old29"]
    kinds = db.session.execute(select(Job.kind, Job.status).order_by(Job.id)).all()
    assert ("forget_login_attempts", JobStatus.done) in kinds
    assert ("forget_login_attempts", JobStatus.queued) in kinds


def test_ended_jobs_are_kept_thirty_days(app, session):
    now = datetime.now(UTC)
    for status, days in (
        (JobStatus.done, 31),
        (JobStatus.failed, 31),
        (JobStatus.done, 29),
        (JobStatus.failed, 29),
    ):
        _ended(status, finished_at=now - timedelta(days=days))
    waiting = enqueue(session, KIND, {}, now=now - timedelta(days=40))
    session.commit()
    with job_session() as job_db:
        assert forget_ended_jobs(job_db, now=now) == 2
        job_db.commit()
    left = [(job.status, job.finished_at) for job in _jobs()]
    assert sorted(status for status, _ in left) == ["done", "failed", "queued"]
    assert all(finished is None or now - finished < timedelta(days=30) for _, finished in left)
    assert waiting.id in {job.id for job in _jobs()}
