"""The declarative base, the ``db`` handle and column types shared by every model."""

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Date, DateTime, Enum, MetaData, String, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.elements import conv
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
ModelT = TypeVar("ModelT", bound=Base)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite stores it naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_class, name: str) -> Enum:
    """A non-native enum stored by value, with a CHECK constraint in the database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
    )


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """Foreign keys on, WAL for concurrent readers, and a wait instead of 'database is locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_function(
            "festival_local_date", 2, _sqlite_local_date, deterministic=True
        )


def _sqlite_local_date(moment: str | None, zone: str | None) -> str | None:
    """SQLite's half of ``local_date``: a stored (naive UTC) moment's date in the zone."""
    if moment is None or zone is None:
        return None
    aware = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).date().isoformat()


class local_date(GenericFunction):
    """``local_date(moment, zone)``: the date a UTC moment falls on in an IANA zone, computed
    by the database (PostgreSQL's ``timezone()``; on SQLite a function registered on connect),
    so that a rule about local days can sit in a WHERE or a join."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    moment, zone = list(element.clauses)
    return (
        f"CAST(timezone({compiler.process(zone, **kw)}, {compiler.process(moment, **kw)}) AS DATE)"
    )


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"festival_local_date({compiler.process(element.clauses, **kw)})"


def ping_idle_connections(
    engine: Engine, *, after_seconds: float, clock: Callable[[], float] = time.monotonic
) -> None:
    """Test a pooled connection before use only when it has been idle ``after_seconds``.

    A server restart or an idle timeout closes connections that wait in the pool; testing
    every connection at checkout (``pool_pre_ping``) would find them, but costs a round trip
    on every request, a third of a calendar poll. A connection used a moment ago is alive;
    the rare one that died since is caught by SQLAlchemy's disconnect handling, which
    empties the pool.
    """

    @event.listens_for(engine, "checkin")
    def _note_idle_since(dbapi_connection, record) -> None:
        if dbapi_connection is not None:
            record.info["idle_since"] = clock()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")  # cleared when the connection is replaced
        if idle_since is None or clock() - idle_since < after_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out a fresh one.
            raise DisconnectionError("a pooled connection was closed while idle") from error


def add_length_checks(metadata: MetaData) -> None:
    """Give every bounded text column a CHECK on its length, so that SQLite (which ignores
    VARCHAR lengths) refuses over-long text as PostgreSQL does."""
    for table in metadata.tables.values():
        existing = {constraint.name for constraint in table.constraints}
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if not isinstance(column.type, String) or isinstance(column.type, Enum) or not length:
                continue
            name = f"{column.name}_max_length"
            if name in existing or conv(f"ck_{table.name}_{name}") in existing:
                continue
            table.append_constraint(
                CheckConstraint(f"length({column.name}) <= {length}", name=name)
            )


def locked(
    session: Session, model: type[ModelT], ident: int, *, shared: bool = False
) -> ModelT | None:
    """The row ``model`` ``ident``, read again under a row lock held until the transaction ends.

    A value derived from other rows (an entry's score from its judges' totals, a feed's version)
    is right only if no one changes those rows between the read and the write. Every writer
    locks the row that owns them first (FOR UPDATE; FOR SHARE when it only needs the owner
    unchanged), so concurrent writers take turns and each derives from what the previous one
    committed. The ORM object is refreshed from the locked row. SQLite renders no FOR UPDATE:
    there a writing request holds the whole database from its first statement (web/write_lock).
    """
    return session.execute(
        select(model)
        .filter_by(id=ident)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def upsert_insert(session: Session):
    """The dialect's ``insert``, which has ``on_conflict_do_nothing`` / ``_do_update``: the
    application's two databases write INSERT ... ON CONFLICT alike."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def insert_if_absent(session: Session, model: type, values: dict, *, key: list[str]) -> bool:
    """INSERT ... ON CONFLICT (key) DO NOTHING on either database: two requests creating the
    same row at the same moment make one row, and neither fails. True if this one inserted."""
    made = session.execute(
        upsert_insert(session)(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=key)
        .returning(*model.__table__.primary_key.columns)
    ).first()
    return made is not None
