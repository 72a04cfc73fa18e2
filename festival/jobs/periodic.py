"""Jobs that come back: a kind registered with ``handler(kind, every=...)`` runs again
``every`` after its last run ended, with no cron.

Each running worker calls ``schedule_periodic`` when it starts and then once a minute. For
each periodic kind it enqueues a job unless one is already waiting (queued or running); the
new job is due ``every`` after the kind's last job finished (at once if none ever ran). The
check and the insert hold a lock (PostgreSQL: a transaction-level advisory lock; SQLite: the
write lock), so workers starting together add one job, not one each. A job that failed for
good is followed by the next as if it had finished.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from festival.core.clock import utcnow
from festival.jobs.models import Job, JobStatus
from festival.jobs.queue import begin_write, enqueue, handler, periodic_kinds

# Any constant that no other advisory lock in the application uses.
ADVISORY_LOCK_KEY = 0x66657374  # "fest"

WAITING = (JobStatus.queued, JobStatus.running)
ENDED = (JobStatus.done, JobStatus.failed)
# Ended jobs are kept this long (to read what happened), then deleted daily.
KEEP_ENDED_JOBS = timedelta(days=30)


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    else:
        begin_write(session)


def schedule_periodic(session: Session, *, now: datetime) -> list[Job]:
    """Enqueue the next job of each periodic kind that has none waiting; the jobs added.
    Flushes; the caller commits at once (the lock is held until then)."""
    kinds = periodic_kinds()
    if not kinds:
        return []
    _lock(session)
    rows = session.execute(
        select(
            Job.kind,
            func.count().filter(Job.status.in_(WAITING)),
            func.max(Job.finished_at).filter(Job.status.in_(ENDED)),
        )
        .where(Job.kind.in_(kinds))
        .group_by(Job.kind)
    ).all()
    seen = {kind: (waiting, last_ended) for kind, waiting, last_ended in rows}
    added = []
    for kind, every in sorted(kinds.items()):
        waiting, last_ended = seen.get(kind, (0, None))
        if waiting:
            continue
        due = now if last_ended is None else max(now, last_ended + every)
        added.append(enqueue(session, kind, {}, now=now, run_after=due))
    return added


def forget_ended_jobs(session: Session, *, now: datetime) -> int:
    """Delete the jobs that ended more than KEEP_ENDED_JOBS ago; how many. A periodic kind's
    last run is always younger, so its next stays due on time."""
    result = session.execute(
        delete(Job).where(Job.status.in_(ENDED), Job.finished_at < now - KEEP_ENDED_JOBS)
    )
    return result.rowcount or 0


@handler("forget_ended_jobs", every=timedelta(days=1))
def forget_ended_jobs_job(session: Session, _payload: dict, _progress) -> None:
    forget_ended_jobs(session, now=utcnow())
