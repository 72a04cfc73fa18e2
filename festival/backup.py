"""Backing up the whole database into one portable file and restoring it: the same file on
SQLite and PostgreSQL, written and read as a stream (never the whole database in memory).

The file is gzip-compressed JSON lines, one section per table in dependency order::

    {"format": "festival-backup", "version": 1, "alembic_revision": "6b1f0c2a9d10", ...}
    {"table": "organizations", "columns": ["id", "name", "level", "parent_id", "created_at"]}
    [1, "江苏省老龄工作委员会办公室", "province", null, "2026-03-01T09:00:00+00:00"]
    {"end": "organizations", "rows": 1}
    ...
    {"end_of_backup": true, "tables": 24, "rows": 5321}

Values are written by column type: datetimes ISO 8601 with their offset, dates ISO, Decimal
as a string, bytes in base64, enums by value, JSON as it is. A restore refuses a file of
another schema revision, checks the whole file before it touches the database, and then
replaces every row in one transaction.
"""

import base64
import enum
import gzip
import io
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Enum,
    Float,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    bindparam,
    inspect,
    select,
    text,
)
from sqlalchemy.types import TypeDecorator

from festival.core.clock import utcnow

FORMAT = "festival-backup"
FORMAT_VERSION = 1
BATCH_ROWS = 1000
SQLITE_MAGIC = b"SQLite format 3\x00"
# How long a restore on PostgreSQL waits for running requests to let go of the tables.
LOCK_TIMEOUT = "60s"


class BackupError(Exception):
    """A backup that cannot be written or a file that cannot be restored; says why."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    bytes: int
    seconds: float

    def line(self) -> str:
        return f"{self.tables} tables, {self.rows} rows, {self.bytes} bytes in {self.seconds:.2f} s"


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup file holds."""

    header: dict[str, Any]
    rows_by_table: dict[str, int]
    bytes: int

    @property
    def revision(self) -> str:
        return self.header["alembic_revision"]

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())


# Values by column type


Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _codec(column) -> tuple[Encode, Decode]:
    """How a column's Python values become JSON and back."""
    kind = column.type
    if isinstance(kind, TypeDecorator):  # UTCDateTime: its values are those of its impl
        kind = kind.impl_instance
    if isinstance(kind, Enum):
        enum_class = kind.enum_class
        return (
            (lambda v: v.value if isinstance(v, enum.Enum) else v),
            (lambda v: enum_class(v)) if enum_class else _same,
        )
    if isinstance(kind, DateTime):
        return (lambda v: v.isoformat()), datetime.fromisoformat
    if isinstance(kind, Date):
        return (lambda v: v.isoformat()), date.fromisoformat
    if isinstance(kind, Time):
        return (lambda v: v.isoformat()), time_of_day.fromisoformat
    if isinstance(kind, Float):
        return _same, float
    if isinstance(kind, Numeric):
        return str, Decimal
    if isinstance(kind, LargeBinary):
        return (
            (lambda v: base64.b64encode(bytes(v)).decode("ascii")),
            (lambda v: base64.b64decode(v, validate=True)),
        )
    if isinstance(kind, Boolean):
        return bool, _check(bool)
    if isinstance(kind, JSON):
        return _same, _same
    python_type = _python_type(kind)
    return _same, _check(python_type) if python_type in (int, str) else _same


def _python_type(kind) -> type | None:
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _check(python_type: type) -> Decode:
    def decode(value):
        if not isinstance(value, python_type) or (python_type is int and isinstance(value, bool)):
            raise ValueError(f"expected {python_type.__name__}, found {value!r}")
        return value

    return decode


def _convert(functions: list[Callable[[Any], Any]], values) -> list[Any]:
    """Each value through its column's function; None (NULL) and pass-through as they are."""
    return [
        value if function is _same or value is None else function(value)
        for function, value in zip(functions, values, strict=True)
    ]


# The schema revision


def database_revision(connection: Connection) -> str:
    """The database's Alembic revision (heads joined by commas)."""
    revision = ""
    if inspect(connection).has_table("alembic_version"):
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        revision = ",".join(sorted(versions))
    if not revision:
        raise BackupError("The database has no Alembic revision: run `flask db upgrade` first.")
    return revision


# Writing


def write_backup(
    engine: Engine, metadata: MetaData, path: Path, *, batch_rows: int = BATCH_ROWS
) -> Summary:
    """Write every table to ``path`` from one consistent snapshot of the database."""
    started = time.perf_counter()
    tables = metadata.sorted_tables
    partial = path.with_name(path.name + ".partial")
    total = 0
    try:
        # Only the owner may read it: the file holds password hashes and token digests.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as raw, engine.connect() as connection:
            _begin_snapshot(connection)
            header = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "alembic_revision": database_revision(connection),
                "dialect": connection.dialect.name,
                "created_at": utcnow().isoformat(),
                "tables": [table.name for table in tables],
            }
            with (
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as zipped,
                io.BufferedWriter(zipped, buffer_size=1 << 16) as out,
            ):
                out.write(_line(header))
                for table in tables:
                    total += _write_table(connection, table, out, batch_rows)
                out.write(_line({"end_of_backup": True, "tables": len(tables), "rows": total}))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(len(tables), total, path.stat().st_size, time.perf_counter() - started)


def _begin_snapshot(connection: Connection) -> None:
    """Every table is read from the same moment of the database, while it stays in use."""
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    elif connection.dialect.name == "sqlite":
        # pysqlite begins no transaction for SELECT; one read transaction holds a WAL snapshot.
        connection.exec_driver_sql("BEGIN")


def _write_table(connection: Connection, table: Table, out, batch_rows: int) -> int:
    columns = list(table.columns)
    encoders = [_codec(column)[0] for column in columns]
    out.write(_line({"table": table.name, "columns": [column.name for column in columns]}))
    count = 0
    # yield_per: a server-side cursor on PostgreSQL, fetchmany on SQLite.
    result = connection.execution_options(yield_per=batch_rows).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for partition in result.partitions():
        for row in partition:
            out.write(_line(_convert(encoders, row)))
        count += len(partition)
    out.write(_line({"end": table.name, "rows": count}))
    return count


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # Chinese stays as is


def _line(value: Any) -> bytes:
    return (_JSON.encode(value) + "\n").encode("utf-8")


def copy_sqlite_file(engine: Engine, path: Path) -> Summary:
    """SQLite only: a consistent copy of the live database file (the online backup API)."""
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "--sqlite-file copies an SQLite database; this one is "
            f"{engine.dialect.name}. Use the portable format."
        )
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        target = sqlite3.connect(partial)
        try:
            with engine.connect() as connection:
                connection.connection.driver_connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            names = [
                row[0]
                for row in target.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'"
                )
            ]
            rows = sum(
                target.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
            )
        finally:
            target.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(len(names), rows, path.stat().st_size, time.perf_counter() - started)


# Reading


class BackupReader:
    """Reads a backup file section by section, checking its structure and values as it goes;
    any damage raises BackupError (the gzip checksum is checked at the end of the file)."""

    def __init__(self, path: Path, metadata: MetaData):
        self.path = path
        self.metadata = metadata
        self.line_number = 0
        self.header: dict[str, Any] = {}
        self._file = None

    def __enter__(self) -> "BackupReader":
        with open(self.path, "rb") as probe:
            start = probe.read(len(SQLITE_MAGIC))
        if start == SQLITE_MAGIC:
            raise BackupError(
                f"{self.path} is a copy of an SQLite database file (backup --sqlite-file), not "
                "a portable backup: stop the application and put it in place of the database "
                "file instead."
            )
        self._file = gzip.open(self.path, "rb")
        header = self._next()
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise self._damaged("it does not start with a festival backup header")
        if header.get("version") != FORMAT_VERSION:
            raise BackupError(
                f"{self.path} is a backup of format version "
                f"{header.get('version')}; this version of festival reads "
                f"version {FORMAT_VERSION}."
            )
        if not isinstance(header.get("alembic_revision"), str) or not isinstance(
            header.get("tables"), list
        ):
            raise self._damaged("its header has no revision or no list of tables")
        self.header = header
        return self

    def __exit__(self, *_exc) -> None:
        self._file.close()

    def _damaged(self, reason: str) -> BackupError:
        where = f" (line {self.line_number})" if self.line_number else ""
        return BackupError(f"{self.path} is damaged or is not a festival backup: {reason}{where}.")

    def _next(self, *, end_allowed: bool = False) -> Any:
        try:
            line = self._file.readline()
            if not line:
                if end_allowed:
                    return None
                raise self._damaged("it ends early")
            self.line_number += 1
            return json.loads(line)
        except (OSError, EOFError, zlib.error, ValueError) as error:
            # gzip.BadGzipFile is an OSError; a truncated stream is an EOFError; a bad
            # checksum, bad UTF-8 or bad JSON a ValueError or OSError.
            raise self._damaged(str(error) or type(error).__name__) from None

    def sections(self) -> Iterator[tuple[Table, Iterator[dict[str, Any]]]]:
        """(table, its rows as dicts of column values) in dependency order; read each table's
        rows before asking for the next table."""
        expected = [table.name for table in self.metadata.sorted_tables]
        if self.header["tables"] != expected:
            missing = sorted(set(expected) - set(self.header["tables"]))
            extra = sorted(set(self.header["tables"]) - set(expected))
            raise BackupError(
                f"{self.path} does not hold the tables of this schema"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; unknown: {', '.join(extra)}" if extra else "")
                + "."
            )
        total = 0
        for table in self.metadata.sorted_tables:
            start = self._next()
            if not isinstance(start, dict) or start.get("table") != table.name:
                raise self._damaged(f"the section of table {table.name} is missing")
            columns = start.get("columns")
            if not isinstance(columns, list) or sorted(columns) != sorted(table.columns.keys()):
                raise BackupError(
                    f"{self.path}: the columns of {table.name} differ from this schema's."
                )
            counter = [0]
            rows = self._rows(table, columns, counter)
            yield table, rows
            for _ in rows:  # what the reader did not read is still checked
                pass
            total += counter[0]
        end = self._next()
        if not (
            isinstance(end, dict) and end.get("end_of_backup") is True and end.get("rows") == total
        ):
            raise self._damaged("its closing line is missing or counts other rows")
        if self._next(end_allowed=True) is not None:
            raise self._damaged("it goes on after its closing line")

    def _rows(
        self, table: Table, columns: list[str], counter: list[int]
    ) -> Iterator[dict[str, Any]]:
        decoders = [_codec(table.columns[name])[1] for name in columns]
        while True:
            line = self._next()
            if isinstance(line, list):
                if len(line) != len(columns):
                    raise self._damaged(
                        f"a row of {table.name} has {len(line)} values, not {len(columns)}"
                    )
                try:
                    row = dict(zip(columns, _convert(decoders, line), strict=True))
                except (ValueError, TypeError, LookupError) as error:
                    raise self._damaged(
                        f"a value of {table.name} cannot be read ({error})"
                    ) from None
                counter[0] += 1
                yield row
            elif isinstance(line, dict) and line.get("end") == table.name:
                if line.get("rows") != counter[0]:
                    raise self._damaged(
                        f"the section of {table.name} should have "
                        f"{line.get('rows')} rows but has {counter[0]}"
                    )
                return
            else:
                raise self._damaged(f"the section of {table.name} has a line that is not a row")


def check_backup(path: Path, metadata: MetaData) -> BackupInfo:
    """Read the whole file once, without the database: its header, and rows by table."""
    rows_by_table: dict[str, int] = {}
    with BackupReader(path, metadata) as backup:
        for table, rows in backup.sections():
            rows_by_table[table.name] = sum(1 for _ in rows)
        header = backup.header
    return BackupInfo(header, rows_by_table, path.stat().st_size)


def read_header(path: Path, metadata: MetaData) -> dict[str, Any]:
    """The header of a backup file (its format, revision, dialect and date), read quickly."""
    with BackupReader(path, metadata) as backup:
        return backup.header


def check_revision(connection: Connection, backup_revision: str) -> None:
    """Refuse a backup of another schema revision than the database's."""
    revision = database_revision(connection)
    if backup_revision != revision:
        raise BackupError(
            f"The backup is of schema revision {backup_revision} but the database is at "
            f"revision {revision}: bring the database to revision {backup_revision} "
            f"(`flask db upgrade {backup_revision}` or `flask db downgrade {backup_revision}`, "
            "with the code of that version), restore, then upgrade."
        )


# Restoring


def restore_backup(
    engine: Engine, metadata: MetaData, path: Path, *, batch_rows: int = BATCH_ROWS
) -> Summary:
    """Replace every row of the database with the backup's, in one transaction: the database
    holds either all of its old rows or all of the backup's. Check the file first
    (``check_backup``): a damaged file is refused before anything changes, and damage found
    here rolls everything back."""
    started = time.perf_counter()
    tables = metadata.sorted_tables
    total = 0
    with engine.connect() as connection:
        try:
            if connection.dialect.name == "sqlite":
                # The write lock now, not at the first DELETE (readers go on reading).
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            with BackupReader(path, metadata) as backup:
                check_revision(connection, backup.header["alembic_revision"])
                _empty(connection, tables)
                for table, rows in backup.sections():
                    total += _insert(connection, table, rows, batch_rows)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    return Summary(len(tables), total, path.stat().st_size, time.perf_counter() - started)


def _self_references(table: Table) -> list:
    """The columns of ``table`` that point at rows of ``table`` (organisations under
    organisations, programs recommended from programs)."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


def _empty(connection: Connection, tables: list[Table]) -> None:
    preparer = connection.dialect.identifier_preparer
    if connection.dialect.name == "postgresql":
        # One statement for all tables: no order, no self-references to unhook, and its lock
        # keeps the application's workers out until the restore commits.
        connection.exec_driver_sql(
            "TRUNCATE TABLE " + ", ".join(preparer.format_table(table) for table in tables)
        )
        return
    for table in reversed(tables):
        for column in _self_references(table):
            # ON DELETE RESTRICT is checked row by row, even inside one DELETE: unhook first.
            connection.execute(table.update().where(column.isnot(None)).values({column.key: None}))
        connection.execute(table.delete())


def _insert(
    connection: Connection, table: Table, rows: Iterator[dict[str, Any]], batch_rows: int
) -> int:
    references = _self_references(table)
    key = table.primary_key.columns[0] if references else None  # organizations.id, programs.id
    inserted: set = set()
    later: list[dict[str, Any]] = []  # self-references to rows further on in the file
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        if references:
            for column in references:
                target = row[column.key]
                if target is not None and target not in inserted:
                    later.append({"_key": row[key.key], "_column": column.key, "_value": target})
                    row[column.key] = None
            inserted.add(row[key.key])
        batch.append(row)
        if len(batch) >= batch_rows:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    for column in references:
        pending = [
            {"_key": item["_key"], "_value": item["_value"]}
            for item in later
            if item["_column"] == column.key
        ]
        if pending:
            connection.execute(
                table.update()
                .where(key == bindparam("_key"))
                .values({column.key: bindparam("_value")}),
                pending,
            )
    return count


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """The next id of every table comes after the restored ones."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or _python_type(key[0].type) is not int:
            continue  # memberships, judge_assignments...: no sequence
        column = preparer.format_column(key[0])
        # setval(..., false): the next id is MAX + 1, or 1 in an empty table.
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"COALESCE(MAX({column}), 0) + 1, false) FROM {preparer.format_table(table)}"
            ),
            {"table": preparer.format_table(table), "column": key[0].name},
        )
