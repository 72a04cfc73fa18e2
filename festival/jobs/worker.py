"""``flask --app festival worker``: takes due jobs from the queue and runs them, one at a time.

Run one or several, on any host that reaches the database. Each job runs in a session and
transaction of its own; a thread renews the job's lease while it runs, so a worker that is
killed (or whose host dies) lets its lease run out and another worker takes the job again. On
SIGTERM (or Ctrl-C) a worker finishes the job in hand, then stops. The command's workers also
keep the periodic jobs coming (``festival.jobs.periodic``): no cron is needed.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta

import click
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.core.clock import utcnow
from festival.db import db
from festival.jobs.periodic import schedule_periodic
from festival.jobs.queue import (
    Claimed,
    PermanentError,
    claim,
    fail,
    finish,
    get_handler,
    periodic_kinds,
    renew,
)

log = logging.getLogger("festival.worker")

# Modules whose import registers job handlers; FESTIVAL_JOB_MODULES (comma-separated) adds more
# (tests register a handler of their own that way).
HANDLER_MODULES = (
    "festival.jobs.periodic",
    "festival.media.processing",
    "festival.media.uploads",
    "festival.accounts.jobs",
)


class LeaseLost(Exception):
    """The job's lease ran out and another worker took it: this worker stops working on it."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def load_handlers() -> None:
    extra = [m.strip() for m in os.environ.get("FESTIVAL_JOB_MODULES", "").split(",")]
    for module in (*HANDLER_MODULES, *filter(None, extra)):
        importlib.import_module(module)


def _begin_immediately(_session, _transaction, connection) -> None:
    # SQLite: a job's transaction holds the write lock from its start, so that what it reads
    # is still true when it writes (the lease thread and other workers commit meanwhile).
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def job_session() -> Session:
    session = Session(db.engine, expire_on_commit=False)
    event.listen(session, "after_begin", _begin_immediately)
    return session


@dataclass
class Worker:
    name: str = field(default_factory=worker_name)
    lease: timedelta = timedelta(seconds=60)
    idle_seconds: float = 2.0
    # Whether this worker schedules the periodic jobs (when it starts, then every
    # ``periodic_check``); the command's workers do.
    periodic: bool = False
    periodic_check: timedelta = timedelta(minutes=1)
    stopping: threading.Event = field(default_factory=threading.Event)

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self, *, once: bool = False) -> int:
        """Run due jobs until stopped (or, with ``once``, until none is due); how many ran."""
        ran = 0
        next_check = time.monotonic()
        while not self.stopping.is_set():
            if self.periodic and time.monotonic() >= next_check:
                self.schedule()
                next_check = time.monotonic() + self.periodic_check.total_seconds()
            try:
                job = self.take()
            except Exception:  # the database is away for a moment: look again later
                log.exception("could not look for jobs")
                self.stopping.wait(self.idle_seconds)
                continue
            if job is None:
                if once:
                    break
                self.stopping.wait(self.idle_seconds)
                continue
            self.run_job(job)
            ran += 1
            if job.kind in periodic_kinds():
                next_check = time.monotonic()  # its next run is scheduled at once
        return ran

    def schedule(self) -> None:
        try:
            with job_session() as session:
                added = schedule_periodic(session, now=utcnow())
                session.commit()
        except Exception:  # the database is away for a moment: at the next check
            log.exception("could not schedule the periodic jobs")
            return
        for job in added:
            log.info("periodic job %s (%s) due at %s", job.id, job.kind, job.run_after)

    def take(self) -> Claimed | None:
        with job_session() as session:
            job = claim(session, worker=self.name, now=utcnow(), lease=self.lease)
            session.commit()
        return job

    def _renew_until(self, job: Claimed, done: threading.Event, lost: threading.Event) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.1)
        while not done.wait(interval):
            try:
                with job_session() as session:
                    held = renew(session, job, worker=self.name, now=utcnow(), lease=self.lease)
                    session.commit()
            except Exception:  # a passing database error: try again at the next interval
                log.warning("could not renew the lease of job %s", job.id, exc_info=True)
                continue
            if not held:
                lost.set()
                return

    def run_job(self, job: Claimed) -> None:
        done, lost = threading.Event(), threading.Event()
        renewer = threading.Thread(
            target=self._renew_until, args=(job, done, lost), name=f"lease-{job.id}", daemon=True
        )
        renewer.start()

        def progress(_percent: int) -> None:
            if lost.is_set():
                raise LeaseLost()

        log.info("job %s (%s) attempt %s started", job.id, job.kind, job.attempts)
        session = job_session()
        try:
            run = get_handler(job.kind)
            if run is None:
                raise PermanentError(f"No handler for jobs of kind {job.kind!r}.")
            run(session, job.payload, progress)
            if lost.is_set():
                raise LeaseLost()
            if finish(session, job, worker=self.name, now=utcnow()):
                session.commit()
                log.info("job %s done", job.id)
            else:
                session.rollback()
                log.warning("job %s was taken by another worker; its result is dropped", job.id)
        except LeaseLost:
            session.rollback()
            log.warning("job %s: the lease ran out and another worker took it", job.id)
        except Exception as error:
            session.rollback()
            message = f"{type(error).__name__}: {error}"
            log.error("job %s failed: %s\n%s", job.id, message, traceback.format_exc())
            try:
                with job_session() as failing:
                    status = fail(
                        failing,
                        job,
                        message,
                        worker=self.name,
                        now=utcnow(),
                        permanent=isinstance(error, PermanentError),
                    )
                    failing.commit()
                log.info("job %s is now %s", job.id, status)
            except Exception:  # its lease runs out and the job is taken again
                log.exception("could not record the failure of job %s", job.id)
        finally:
            done.set()
            session.close()
            renewer.join(timeout=10)


@click.command("worker")
@click.option(
    "--once",
    is_flag=True,
    help="Run the jobs that are due (the periodic ones too, if their time has come), then exit.",
)
@click.option(
    "--idle-seconds",
    type=float,
    default=2.0,
    show_default=True,
    help="How long to wait before looking again when no job is due.",
)
@click.option(
    "--lease-seconds",
    type=float,
    default=60.0,
    show_default=True,
    help="How long a job stays this worker's without a renewal (renewed every third of it).",
)
def worker_command(once: bool, idle_seconds: float, lease_seconds: float) -> None:
    """Run background jobs (media processing, the hourly removal of abandoned uploads).
    SIGTERM stops after the job in hand."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    load_handlers()
    worker = Worker(
        lease=timedelta(seconds=lease_seconds), idle_seconds=idle_seconds, periodic=True
    )
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    click.echo(f"Worker {worker.name} started.", err=True)
    ran = worker.run(once=once)
    click.echo(f"Worker {worker.name} stopped after {ran} jobs.", err=True)
