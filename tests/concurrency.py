"""Two writing requests at the same moment, each on its own database connection.

``at_once(app, first, second)`` runs ``first`` in a thread and holds its transaction open,
starts ``second`` in another thread, waits until the second waits for the first (PostgreSQL
shows it waiting for a lock; SQLite's writers wait in BEGIN IMMEDIATE, which the app issues for
writing requests), then lets the first commit. What each returned (or raised) comes back.
Without a lock, the second would not wait: it would read the state before the first's commit
and write a value derived from it, which is what these tests catch.
"""

import threading
import time

from sqlalchemy import text

from festival.db import db


def _waiting_for_a_lock(app) -> bool:
    with app.app_context(), db.engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar_one()
        )


def at_once(app, first, second, *, method: str = "PUT") -> tuple[object, object]:
    results: dict[str, object] = {}
    first_done, release = threading.Event(), threading.Event()

    def run(name: str, work, hold: bool) -> None:
        with app.test_request_context(method=method):
            try:
                results[name] = work(db.session)
                if hold:
                    first_done.set()
                    release.wait(timeout=30)
                db.session.commit()
            except Exception as error:  # returned to the test, which names what it expects
                db.session.rollback()
                results[name] = error
            finally:
                first_done.set()
                db.session.remove()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    assert first_done.wait(timeout=30)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    if db.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 5
        while not _waiting_for_a_lock(app) and two.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
    else:
        time.sleep(0.3)  # the second is inside BEGIN IMMEDIATE's busy wait by now
    release.set()
    one.join(timeout=60)
    two.join(timeout=60)
    return results.get("first"), results.get("second")


def alone(app, work, *, method: str = "PUT"):
    """``work`` as one writing request of its own, committed."""
    with app.test_request_context(method=method):
        try:
            result = work(db.session)
            db.session.commit()
            return result
        finally:
            db.session.remove()
