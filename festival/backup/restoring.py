"""Reading a backup (checking every line of it before anything changes) and restoring it
in one transaction."""

import gzip
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    bindparam,
    text,
)

from festival.backup.format import (
    BATCH_ROWS,
    FORMAT,
    FORMAT_VERSION,
    LOCK_TIMEOUT,
    SQLITE_MAGIC,
    BackupError,
    BackupInfo,
    Summary,
    codec,
    convert,
    database_revision,
    python_type_of,
)


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
        decoders = [codec(table.columns[name])[1] for name in columns]
        while True:
            line = self._next()
            if isinstance(line, list):
                if len(line) != len(columns):
                    raise self._damaged(
                        f"a row of {table.name} has {len(line)} values, not {len(columns)}"
                    )
                try:
                    row = dict(zip(columns, convert(decoders, line), strict=True))
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
        if len(key) != 1 or python_type_of(key[0].type) is not int:
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
