"""Pooled connections are tested before use only after sitting idle (festival.db), so a busy
server pays no extra round trip per request and a connection closed while idle (a database
restart, an idle timeout) is replaced instead of failing a request."""

from sqlalchemy import create_engine, text

from festival.db import db, ping_idle_connections
from tests.conftest import make_test_app


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def counting_pings(engine, *, fail: list[bool]):
    """Replace the dialect's ping with one that counts, and raises while ``fail[0]``."""
    pings = []
    real_ping = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(dbapi_connection)
        if fail[0]:
            raise engine.dialect.loaded_dbapi.OperationalError("server closed the connection")
        return real_ping(dbapi_connection)

    engine.dialect.do_ping = ping
    return pings


def driver_connection_of(engine):
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        return connection.connection.driver_connection


def test_only_a_connection_idle_past_the_limit_is_pinged_and_a_dead_one_is_replaced(app):
    clock = Clock()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1, max_overflow=0)
    try:
        ping_idle_connections(engine, after_seconds=10, clock=clock)
        fail = [False]
        pings = counting_pings(engine, fail=fail)

        first = driver_connection_of(engine)  # a new connection: nothing to test
        clock.now = 9.5
        assert driver_connection_of(engine) is first
        assert pings == []

        clock.now = 30
        assert driver_connection_of(engine) is first
        assert pings == [first]

        fail[0] = True  # the server closed it while it waited in the pool
        clock.now = 100
        replacement = driver_connection_of(engine)
        assert replacement is not first
        assert pings == [first, first]  # and the fresh connection was not pinged
    finally:
        engine.dispose()


def test_the_app_pings_idle_connections_to_a_server_but_not_to_a_sqlite_file(tmp_path, app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    server_app = make_test_app(url, tmp_path, DATABASE_PING_AFTER_IDLE_SECONDS=0)
    assert "pool_pre_ping" not in server_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    client = server_app.test_client()
    with server_app.app_context():
        engine = db.engine
    pings = counting_pings(engine, fail=[False])
    try:
        assert client.get("/festivals").status_code == 200
        if engine.dialect.name == "sqlite":
            assert client.get("/festivals").status_code == 200
            assert pings == []  # a file is never disconnected
            return
        # The server ends the pooled connection while it waits (a restart, an idle timeout).
        with engine.connect() as pooled:
            backend = pooled.execute(text("SELECT pg_backend_pid()")).scalar_one()
        other = create_engine(url)
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        other.dispose()
        assert client.get("/festivals").status_code == 200
        assert len(pings) == 2
    finally:
        engine.dispose()
