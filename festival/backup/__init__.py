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

from festival.backup.format import BackupError, BackupInfo, Summary, database_revision
from festival.backup.restoring import check_backup, check_revision, read_header, restore_backup
from festival.backup.writing import copy_sqlite_file, write_backup

__all__ = [
    "BackupError",
    "BackupInfo",
    "Summary",
    "check_backup",
    "check_revision",
    "copy_sqlite_file",
    "database_revision",
    "read_header",
    "restore_backup",
    "write_backup",
]
