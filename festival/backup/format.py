"""The backup file's format: its header, its values by column type, its errors and summaries."""

import base64
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Enum,
    Float,
    LargeBinary,
    Numeric,
    Time,
    inspect,
    text,
)
from sqlalchemy.types import TypeDecorator

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


def codec(column) -> tuple[Encode, Decode]:
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
    python_type = python_type_of(kind)
    return _same, _check(python_type) if python_type in (int, str) else _same


def python_type_of(kind) -> type | None:
    """The Python type of a column type's values, or None when it declares none."""
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


def convert(functions: list[Callable[[Any], Any]], values) -> list[Any]:
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


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # Chinese stays as is


def json_line(value: Any) -> bytes:
    """One line of the file: compact JSON and a newline."""
    return (_JSON.encode(value) + "\n").encode("utf-8")
