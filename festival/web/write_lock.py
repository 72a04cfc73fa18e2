"""On SQLite, a request that may write takes the write lock when its transaction begins.

A deferred SQLite transaction that reads and then writes fails at once with "database is
locked" when another process committed in between (busy_timeout does not help there), so
with several gunicorn workers two judges saving at once could see an error. Starting
writing requests with BEGIN IMMEDIATE makes concurrent writers wait their turn (up to the
busy timeout) instead. Reads (GET) stay deferred, so they never wait for writers (WAL).
PostgreSQL needs none of this.
"""

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _begin_immediately(_session, _transaction, connection) -> None:
    if connection.dialect.name != "sqlite" or not has_request_context():
        return
    if request.method not in SAFE_METHODS:
        # pysqlite sees the open transaction and adds no BEGIN of its own.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(_app: Flask) -> None:
    if not event.contains(Session, "after_begin", _begin_immediately):
        event.listen(Session, "after_begin", _begin_immediately)
