"""Writing a backup: every table from one consistent snapshot; or, on SQLite, a copy of the
database file itself."""

import gzip
import io
import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    select,
)

from festival.backup.format import (
    BATCH_ROWS,
    FORMAT,
    FORMAT_VERSION,
    BackupError,
    Summary,
    codec,
    convert,
    database_revision,
    json_line,
)
from festival.core.clock import utcnow


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
                out.write(json_line(header))
                for table in tables:
                    total += _write_table(connection, table, out, batch_rows)
                out.write(json_line({"end_of_backup": True, "tables": len(tables), "rows": total}))
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
    encoders = [codec(column)[0] for column in columns]
    out.write(json_line({"table": table.name, "columns": [column.name for column in columns]}))
    count = 0
    # yield_per: a server-side cursor on PostgreSQL, fetchmany on SQLite.
    result = connection.execution_options(yield_per=batch_rows).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for partition in result.partitions():
        for row in partition:
            out.write(json_line(convert(encoders, row)))
        count += len(partition)
    out.write(json_line({"end": table.name, "rows": count}))
    return count


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
