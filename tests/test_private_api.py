"""The one private API of a library the application relies on: SQLAlchemy's
``Connection._cursor_execute``, which the feed's state query sends its statement through
(``festival.schedules.feed_queries.troupe_feed_state``). An upgrade of SQLAlchemy that renames
or reshapes it fails here, not in production. Pure: an in-memory SQLite engine of its own."""

import inspect

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection


def test_connection_cursor_execute_takes_cursor_statement_and_parameters():
    method = getattr(Connection, "_cursor_execute", None)
    assert callable(method), "SQLAlchemy no longer has Connection._cursor_execute"
    parameters = list(inspect.signature(method).parameters.values())
    assert [p.name for p in parameters[:4]] == ["self", "cursor", "statement", "parameters"]
    assert all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters[:4])
    # Whatever follows (the execution context) is optional: the feed passes none.
    assert all(p.default is not p.empty for p in parameters[4:])


def test_connection_cursor_execute_runs_the_statement_through_the_engine_events():
    engine = create_engine("sqlite://")
    statements = []

    @event.listens_for(engine, "before_cursor_execute")
    def seen(_connection, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    try:
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            try:
                connection._cursor_execute(cursor, "SELECT ? + 1", (41,))
                row = cursor.fetchone()
            finally:
                cursor.close()
    finally:
        engine.dispose()
    assert row == (42,)
    assert statements == [("SELECT ? + 1", (41,))]
