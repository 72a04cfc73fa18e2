"""`flask backup` and `flask restore` on the demo festival: every row of every table comes back,
new rows get new ids, and a file of another revision or a damaged file changes nothing."""

import gzip
import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, insert, select

from festival.accounts.models import Level, Organization, User
from festival.accounts.services import create_organization
from festival.backup import check_backup, restore_backup
from festival.db import db
from festival.programs.models import Program
from festival.schedules.models import CalendarFeed, CalendarFeedBody
from festival.troupes.models import Membership, Person, Troupe
from tests import factories
from tests.conftest import empty_tables

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
SUMMARY = re.compile(r"(\d+) tables, (\d+) rows, (\d+) bytes in \d+\.\d\d s")


def snapshot(session) -> dict[str, list[tuple]]:
    """Every row of every table, ordered by primary key, as the database has it now."""
    session.commit()
    rows = {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in db.metadata.sorted_tables
    }
    session.commit()  # no transaction left open: a restore locks every table
    return rows


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def load_demo(app, client) -> None:
    """The demo festival, with one calendar feed's bytes cached (a LargeBinary value)."""
    result = cli(app, "demo")
    assert result.exit_code == 0, result.output
    feed = (
        db.session.execute(
            select(CalendarFeed).where(CalendarFeed.secret.isnot(None)).order_by(CalendarFeed.id)
        )
        .scalars()
        .first()
    )
    assert client.get(f"/calendar/{feed.secret}.ics").status_code == 200
    db.session.expire_all()
    assert isinstance(db.session.get(CalendarFeedBody, feed.id).plain, bytes)
    db.session.commit()


@pytest.fixture
def loaded_demo(app, client):
    """The demo loaded through `flask demo`."""
    load_demo(app, client)


@pytest.fixture(scope="module")
def demo_file(_app, tmp_path_factory):
    """The demo, loaded and backed up once for the module: most tests start from its restore,
    which takes a tenth of the time of loading the demo."""
    path = tmp_path_factory.mktemp("demo") / "demo.jsonl.gz"
    with _app.app_context():
        try:
            load_demo(_app, _app.test_client())
            assert cli(_app, "backup", str(path)).exit_code == 0
        finally:
            db.session.remove()
            empty_tables()
    return path


@pytest.fixture
def demo(app, demo_file):
    """The demo, restored from the module's backup."""
    restore_backup(db.engine, db.metadata, demo_file)


@pytest.fixture
def backup_file(demo, demo_file, tmp_path):
    """A backup of the database as it is at the start of the test (the demo)."""
    return Path(shutil.copy(demo_file, tmp_path / "festival.jsonl.gz"))


def rewrite(path, change) -> None:
    """Rewrite a backup's lines (as JSON values) through ``change(lines) -> lines``."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for line in change(lines):
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def delete_a_troupe_without_programs(session) -> None:
    """Its memberships, events (and their attendance) and calendar feed go with it."""
    with_programs = select(Program.troupe_id)
    troupe = (
        session.execute(select(Troupe).where(Troupe.id.not_in(with_programs)).order_by(Troupe.id))
        .scalars()
        .first()
    )
    assert (
        session.execute(
            select(func.count()).select_from(Membership).where(Membership.troupe_id == troupe.id)
        ).scalar_one()
        > 0
    )
    session.execute(delete(Troupe).where(Troupe.id == troupe.id))


def test_restore_brings_back_every_row_and_new_rows_get_the_next_ids(
    app, session, loaded_demo, tmp_path
):
    path = tmp_path / "festival.jsonl.gz"
    result = cli(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    tables, rows, size = map(int, SUMMARY.search(result.output).groups())
    before = snapshot(session)
    assert tables == len(before) == len(db.metadata.sorted_tables)
    assert rows == sum(len(table_rows) for table_rows in before.values())
    assert size == path.stat().st_size
    assert all(
        before[name]
        for name in (
            "organizations",
            "users",
            "troupes",
            "people",
            "programs",
            "rounds",
            "scores",
            "awards",
            "events",
            "attendance",
            "audit_entries",
            "calendar_feeds",
            "calendar_feed_bodies",
        )
    )

    delete_a_troupe_without_programs(session)
    factories.make_user(session, role="judge", username="after_backup")
    session.commit()
    changed = snapshot(session)
    assert {name for name in before if before[name] != changed[name]} >= {
        "troupes",
        "memberships",
        "users",
        "events",
    }

    result = cli(app, "restore", "--yes", str(path))

    assert result.exit_code == 0, result.output
    assert SUMMARY.search(result.output).groups()[:2] == (str(tables), str(rows))
    after = snapshot(session)
    for name, table_rows in before.items():
        assert after[name] == table_rows, name
    # The sequences follow the restored rows: new rows get the next ids, no IntegrityError.
    organization = create_organization(
        session,
        name="新的老龄办",
        level=Level.district,
        parent_id=before["organizations"][0][0],
        actor=None,
        now=NOW,
    )
    user = factories.make_user(session, role="judge", username="after_restore")
    troupe = factories.make_troupe(session, organization=organization)
    session.commit()
    assert organization.id == max(row[0] for row in before["organizations"]) + 1
    assert user.id == max(row[0] for row in before["users"]) + 1
    assert troupe.id == max(row[0] for row in before["troupes"]) + 1


def test_a_backup_restores_into_a_database_that_is_emptied_since(app, session, demo, backup_file):
    before = snapshot(session)
    session.remove()
    empty_tables()
    assert session.execute(select(func.count()).select_from(User)).scalar_one() == 0

    result = cli(app, "restore", "--yes", str(backup_file))

    assert result.exit_code == 0, result.output
    assert snapshot(session) == before


def test_restore_refuses_a_backup_of_another_revision_and_changes_nothing(
    app, session, backup_file
):
    with gzip.open(backup_file, "rt") as handle:
        revision = json.loads(handle.readline())["alembic_revision"]

    def older(lines):
        lines[0]["alembic_revision"] = "0123456789ab"
        return lines

    rewrite(backup_file, older)
    delete_a_troupe_without_programs(session)
    session.commit()
    before = snapshot(session)

    result = cli(app, "restore", "--yes", str(backup_file))

    assert result.exit_code == 1
    assert "revision 0123456789ab" in result.output
    assert f"database is at revision {revision}" in result.output
    assert "Nothing was changed" in result.output
    assert snapshot(session) == before


def section(lines, table: str) -> int:
    """The index of the line that starts the section of ``table``."""
    return next(
        i for i, line in enumerate(lines) if isinstance(line, dict) and line.get("table") == table
    )


def drop_a_row(lines):
    del lines[section(lines, "people") + 1]
    return lines


def spoil_a_date(lines):
    start = section(lines, "people")
    birth_date = lines[start]["columns"].index("birth_date")
    lines[start + 1][birth_date] = "the spring of 1950"
    return lines


def cut_the_end(lines):
    return lines[:-1]


def truncate(path):
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def flip_a_byte(path):
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def not_gzip(path):
    path.write_text("id,name\n1,万年表歌舞团\n", encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        truncate,
        flip_a_byte,
        not_gzip,
        lambda path: rewrite(path, drop_a_row),
        lambda path: rewrite(path, spoil_a_date),
        lambda path: rewrite(path, cut_the_end),
    ],
    ids=["truncated", "flipped-byte", "not-gzip", "row-missing", "bad-date", "no-closing-line"],
)
def test_restore_refuses_a_damaged_file_and_changes_nothing(app, session, backup_file, damage):
    damage(backup_file)
    factories.make_user(session, role="judge", username="after_backup")
    session.commit()
    before = snapshot(session)

    result = cli(app, "restore", "--yes", str(backup_file))

    assert result.exit_code == 1
    assert "damaged or is not a festival backup" in result.output, result.output
    assert "Nothing was changed" in result.output
    assert snapshot(session) == before


def test_a_row_the_database_refuses_rolls_the_whole_restore_back(app, session, backup_file):
    """The file reads well, but its last table points at a criterion that is not there: the
    database refuses the row after every table was emptied and refilled; all is rolled back."""

    def dangling_score(lines):
        start = section(lines, "scores")
        criterion = lines[start]["columns"].index("criterion_id")
        lines[start + 1][criterion] = 999_999
        return lines

    rewrite(backup_file, dangling_score)
    factories.make_user(session, role="judge", username="after_backup")
    session.commit()
    before = snapshot(session)

    result = cli(app, "restore", "--yes", str(backup_file))

    assert result.exit_code == 1
    assert "Nothing was changed" in result.output
    assert snapshot(session) == before


def test_restore_asks_first_and_no_leaves_the_database_alone(app, session, backup_file):
    factories.make_user(session, role="judge", username="after_backup")
    session.commit()
    before = snapshot(session)

    result = cli(app, "restore", str(backup_file), input="n\n")

    assert result.exit_code == 1
    assert "Replace ALL data of" in result.output and "Aborted" in result.output
    assert snapshot(session) == before
    assert cli(app, "restore", str(backup_file), input="y\n").exit_code == 0
    assert session.execute(select(User).where(User.username == "after_backup")).first() is None


def test_backup_refuses_to_replace_a_file_unless_forced(app, session, backup_file):
    before = backup_file.read_bytes()

    refused = cli(app, "backup", str(backup_file))

    assert refused.exit_code == 1 and "--force" in refused.output
    assert backup_file.read_bytes() == before
    assert cli(app, "backup", "--force", str(backup_file)).exit_code == 0


def test_backup_reads_every_table_at_one_moment_while_others_write(app, session, demo, tmp_path):
    """A person added (and committed) while the backup is between tables is not in it: the
    backup is one snapshot, not tables read at different moments."""
    people = session.execute(select(func.count()).select_from(Person)).scalar_one()
    session.commit()
    added = []

    def add_a_person_meanwhile(_conn, _cursor, statement, *_args):
        if not added and "FROM organizations" in statement and "SELECT" in statement:
            added.append(True)
            with db.engine.begin() as other:
                other.execute(
                    insert(Person).values(name="后来的人", birth_date=NOW.date(), created_at=NOW)
                )

    path = tmp_path / "during.jsonl.gz"
    event.listen(db.engine, "before_cursor_execute", add_a_person_meanwhile)
    try:
        result = cli(app, "backup", str(path))
    finally:
        event.remove(db.engine, "before_cursor_execute", add_a_person_meanwhile)

    assert result.exit_code == 0, result.output
    assert added
    assert session.execute(select(func.count()).select_from(Person)).scalar_one() == people + 1
    assert check_backup(path, db.metadata).rows_by_table["people"] == people


def test_the_file_is_gzipped_json_lines_readable_by_its_owner_only(app, backup_file):
    with gzip.open(backup_file, "rt", encoding="utf-8") as handle:
        header = json.loads(handle.readline())
        first_table = json.loads(handle.readline())
    assert header["format"] == "festival-backup" and header["version"] == 1
    assert header["tables"] == [table.name for table in db.metadata.sorted_tables]
    assert first_table["table"] == header["tables"][0]
    assert backup_file.stat().st_mode & 0o077 == 0


def test_sqlite_file_copies_a_live_sqlite_database_and_is_refused_on_postgresql(
    app, session, demo, tmp_path
):
    path = tmp_path / "copy.sqlite"
    result = cli(app, "backup", "--sqlite-file", str(path))
    if db.engine.dialect.name != "sqlite":
        assert result.exit_code == 1 and "Use the portable format" in result.output
        return
    assert result.exit_code == 0, result.output
    users = session.execute(select(func.count()).select_from(User)).scalar_one()
    session.commit()
    copy = sqlite3.connect(path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM users").fetchone() == (users,)
    finally:
        copy.close()
    refused = cli(app, "restore", "--yes", str(path))
    assert refused.exit_code == 1 and "copy of an SQLite database file" in refused.output


def test_restore_unhooks_organisations_and_programs_that_point_at_later_rows(
    app, session, tmp_path
):
    """An office moved under an office created after it: restore inserts it before its parent
    exists, and must link it afterwards."""
    first = factories.make_organization(session, name="先建的办", level="district")
    later = factories.make_organization(session, name="后建的办", level="city")
    first.parent_id = later.id
    session.commit()
    first_id, later_id = first.id, later.id
    path = tmp_path / "offices.jsonl.gz"
    assert cli(app, "backup", str(path)).exit_code == 0
    before = snapshot(session)

    result = cli(app, "restore", "--yes", str(path))

    assert result.exit_code == 0, result.output
    assert snapshot(session) == before
    assert session.get(Organization, first_id).parent_id == later_id
