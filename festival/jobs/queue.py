"""The job queue in the application's own database.

``enqueue`` adds a job in the caller's transaction; ``handler`` registers the function that
runs a kind of job. A worker ``claim``s the next due job (a queued one whose time has come, or
a running one whose lease ran out because its worker died), ``renew``s the lease while it
works, and settles the job with ``finish`` or ``fail``. Claiming is atomic on both databases,
so two workers never take the same job: PostgreSQL locks the row (FOR UPDATE SKIP LOCKED);
SQLite takes the write lock first (BEGIN IMMEDIATE) and updates the row only if its status and
attempts are still what was read, checking the row count. ``attempts`` rises with every claim,
so it doubles as the version a worker's later writes are checked against: a worker whose lease
ran out and whose job another took can no longer renew, finish or fail it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from festival.jobs.models import Job, JobStatus

Progress = Callable[[int], None]
Handler = Callable[[Session, dict, Progress], None]
FailureHook = Callable[[Session, dict, str], None]

_handlers: dict[str, Handler] = {}
_failure_hooks: dict[str, FailureHook] = {}
_every: dict[str, timedelta] = {}

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
ERROR_MAX_LENGTH = 1000  # the column's length


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: the job fails at once."""


def handler(kind: str, *, on_failure: FailureHook | None = None, every: timedelta | None = None):
    """Register ``fn(session, payload, progress)`` as the function that runs jobs of ``kind``;
    ``on_failure(session, payload, error)`` runs once the job has failed for good, in the
    transaction that marks it failed. With ``every``, the workers run a job of the kind (with
    an empty payload) that often by themselves (``festival.jobs.periodic``)."""

    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        if on_failure is not None:
            _failure_hooks[kind] = on_failure
        if every is not None:
            _every[kind] = every
        return fn

    return register


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def periodic_kinds() -> dict[str, timedelta]:
    """The kinds registered with ``every``, and how often each runs."""
    return dict(_every)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    max_attempts: int = 3,
    run_after: datetime | None = None,
) -> Job:
    """Add a job to run as soon as a worker is free (or not before ``run_after``); workers
    see it once the caller commits. Flushes, never commits."""
    job = Job(
        kind=kind,
        payload=json.dumps(payload, sort_keys=True),
        status=JobStatus.queued,
        attempts=0,
        max_attempts=max_attempts,
        run_after=now if run_after is None else run_after,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


@dataclass(frozen=True)
class Claimed:
    """A job as its worker holds it: ``attempts`` is the claim's token."""

    id: int
    kind: str
    payload: dict
    attempts: int


def backoff(attempts: int) -> timedelta:
    """How long a job waits after its ``attempts``-th try failed: 30 s, 1 min, 2 min, ...
    up to an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due(now: datetime):
    return or_(
        and_(Job.status == JobStatus.queued, Job.run_after <= now),
        and_(Job.status == JobStatus.running, Job.leased_until < now),
    )


def begin_write(session: Session) -> None:
    """On SQLite, hold the write lock from the transaction's start, so that what is read is
    still true when it is written (and a concurrent claimer waits its turn)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def claim(session: Session, *, worker: str, now: datetime, lease: timedelta) -> Claimed | None:
    """Take the next due job for ``worker`` until ``now + lease``; None when none is due.
    A running job whose lease ran out after its last attempt fails instead (its failure hook
    runs). The caller commits at once."""
    begin_write(session)
    postgresql = session.get_bind().dialect.name == "postgresql"
    while True:
        query = select(Job.id, Job.status, Job.attempts).where(_due(now))
        query = query.order_by(Job.run_after, Job.id).limit(1)
        if postgresql:
            query = query.with_for_update(skip_locked=True)
        row = session.execute(query).first()
        if row is None:
            return None
        taken = session.execute(
            update(Job)
            .where(Job.id == row.id, Job.status == row.status, Job.attempts == row.attempts)
            .values(
                status=JobStatus.running,
                attempts=Job.attempts + 1,
                leased_until=now + lease,
                worker=worker[:80],
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            continue  # another worker took it between the read and the write
        job = session.execute(
            select(Job).where(Job.id == row.id).execution_options(populate_existing=True)
        ).scalar_one()
        if job.attempts > job.max_attempts:
            # Its last attempt's worker died: give up rather than run it once more.
            _give_up(
                session,
                job,
                "The worker stopped during the last attempt (its lease ran out).",
                now=now,
            )
            continue
        return Claimed(job.id, job.kind, json.loads(job.payload), job.attempts)


def _held(job: Claimed, worker: str):
    return (
        Job.id == job.id,
        Job.status == JobStatus.running,
        Job.attempts == job.attempts,
        Job.worker == worker[:80],
    )


def renew(session: Session, job: Claimed, *, worker: str, now: datetime, lease: timedelta) -> bool:
    """Extend the lease; False if the job is no longer this worker's (its lease ran out and
    another worker took it)."""
    result = session.execute(
        update(Job)
        .where(*_held(job, worker))
        .values(leased_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def finish(session: Session, job: Claimed, *, worker: str, now: datetime) -> bool:
    """Mark the job done; False if it is no longer this worker's."""
    begin_write(session)
    result = session.execute(
        update(Job)
        .where(*_held(job, worker))
        .values(status=JobStatus.done, leased_until=None, finished_at=now, error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def fail(
    session: Session,
    job: Claimed,
    error: str,
    *,
    worker: str,
    now: datetime,
    permanent: bool = False,
) -> JobStatus | None:
    """Record a failed attempt: queued again after a backoff while attempts remain, else
    failed (and the kind's failure hook runs). The new status; None if the job is no longer
    this worker's."""
    begin_write(session)
    row = session.execute(
        select(Job).where(*_held(job, worker)).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        return None
    if permanent or row.attempts >= row.max_attempts:
        _give_up(session, row, error, now=now)
        return JobStatus.failed
    row.status = JobStatus.queued
    row.run_after = now + backoff(row.attempts)
    row.leased_until = None
    row.error = error[:ERROR_MAX_LENGTH]
    session.flush()
    return JobStatus.queued


def _give_up(session: Session, job: Job, error: str, *, now: datetime) -> None:
    job.status = JobStatus.failed
    job.leased_until = None
    job.finished_at = now
    job.error = error[:ERROR_MAX_LENGTH]
    session.flush()
    hook = _failure_hooks.get(job.kind)
    if hook is not None:
        hook(session, json.loads(job.payload), error)
