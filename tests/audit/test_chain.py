"""The audit log's hash chain: entries are linked at commit, in commit order, with no gaps even
when several connections commit at once; `flask audit verify` and the admin page find an
entry edited, deleted or added in the database; the migration links older entries with the
same hash; a backup restores a chain that verifies."""

import importlib.util
import threading
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, insert, select, text, update

from festival import SITE_ROOT
from festival.audit import chain
from festival.audit.models import AuditChainHead, AuditEntry
from festival.audit.services import record
from festival.backup import restore_backup, write_backup
from festival.db import db
from tests import factories

NOW = factories.NOW
EN = {"Accept-Language": "en"}


def write_entries(session, n: int, *, actor=None, organization_id=None, start: int = 0) -> None:
    for i in range(start, start + n):
        record(
            session,
            actor=actor,
            action="rename_troupe",
            entity_type="troupe",
            entity_id=i,
            changes={"name": [f"旧名{i}", f"新名{i}"], "b": 1, "a": [1.5, None]},
            organization_id=organization_id,
            now=NOW,
        )


def chain_rows(session) -> list:
    session.commit()
    return session.execute(
        select(AuditEntry.id, AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash).order_by(
            AuditEntry.seq
        )
    ).all()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture
def logged(app, session):
    """Seven entries over three transactions, by an organizer of an office."""
    office = factories.make_organization(session)
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()  # the user's creation is audited too
    for batch in (2, 3, 2):
        write_entries(session, batch, actor=organizer, organization_id=office.id)
        session.commit()
    return chain_rows(session)


def test_entries_are_linked_at_commit_in_order(app, session, logged):
    assert [row.seq for row in logged] == list(range(1, len(logged) + 1))
    assert [row.id for row in logged] == sorted(row.id for row in logged)
    assert logged[0].prev_hash == ""
    for before, after in zip(logged, logged[1:], strict=False):
        assert after.prev_hash == before.hash
    head = session.get(AuditChainHead, 1)
    assert (head.seq, head.hash) == (logged[-1].seq, logged[-1].hash)
    report = chain.verify_chain(session, batch=3)  # batches end inside and at the end
    assert report.ok and report.count == len(logged)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"OK: {len(logged)} audit entries" in result.output


def test_a_rolled_back_transaction_links_nothing(app, session, logged):
    write_entries(session, 2)
    session.flush()
    session.rollback()
    write_entries(session, 1)
    session.commit()
    rows = chain_rows(session)
    assert [row.seq for row in rows] == list(range(1, len(logged) + 2))
    assert chain.verify_chain(session).ok


def test_verify_finds_an_edited_entry(app, session, logged):
    target = logged[3]
    session.execute(
        update(AuditEntry).where(AuditEntry.id == target.id).values(changes={"name": ["甲", "乙"]})
    )
    session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"seq {target.seq}, entry id {target.id}" in result.output
    assert "content differs" in result.output
    assert "3 entries before it are intact" in result.output


@pytest.mark.parametrize(
    "column, value",
    [("action", "give_award"), ("entity_id", 999), ("entity_type", "program")],
)
def test_verify_finds_any_edited_field(app, session, logged, column, value):
    target = logged[-1]
    session.execute(update(AuditEntry).where(AuditEntry.id == target.id).values({column: value}))
    session.commit()
    report = chain.verify_chain(session)
    assert (report.broken.seq, report.broken.problem) == (target.seq, "content")


def test_verify_finds_an_edited_time_with_sql(app, session, logged):
    target = logged[1]
    session.execute(
        text("UPDATE audit_entries SET at = :at WHERE id = :id"),
        {
            "at": NOW.replace(tzinfo=None, year=2020)
            if db.engine.dialect.name == "sqlite"
            else NOW.replace(year=2020),
            "id": target.id,
        },
    )
    session.commit()
    assert chain.verify_chain(session).broken.seq == target.seq


def test_verify_finds_a_deleted_entry_and_the_deleted_end(app, session, logged):
    session.execute(delete(AuditEntry).where(AuditEntry.id == logged[2].id))
    session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"seq {logged[2].seq}:" in result.output and "was deleted" in result.output


def test_verify_finds_the_last_entry_deleted(app, session, logged):
    session.execute(delete(AuditEntry).where(AuditEntry.id == logged[-1].id))
    session.commit()
    report = chain.verify_chain(session)
    assert (report.broken.problem, report.broken.seq) == ("head", logged[-1].seq)


def test_verify_finds_an_entry_slipped_in_and_a_relinked_one(app, session, logged):
    session.execute(
        insert(AuditEntry.__table__).values(
            at=NOW, action="give_award", entity_type="award", entity_id=1, changes={}
        )
    )
    session.commit()
    report = chain.verify_chain(session)
    assert report.broken.problem == "unlinked"
    assert verify(app).exit_code == 1


def test_an_emptied_id_column_is_reported_as_such(app, session, logged):
    target = logged[-2]
    session.execute(update(AuditEntry).where(AuditEntry.id == target.id).values(actor_id=None))
    session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "empty: actor_id" in result.output


def test_the_admin_page_reports_the_chain(app, session, client, logged):
    admin = factories.make_user(session, role="admin")
    organizer = factories.make_user(
        session, role="organizer", organization=factories.make_organization(session, name="乙馆")
    )
    session.commit()
    client.login(admin.username)
    index = client.get("/audit", headers=EN).get_data(as_text=True)
    assert 'href="/audit/chain"' in index
    page = client.get("/audit/chain", headers=EN).get_data(as_text=True)
    assert "Intact." in page
    target = chain_rows(session)[4]
    session.execute(
        update(AuditEntry).where(AuditEntry.id == target.id).values(changes={"forged": True})
    )
    session.commit()
    page = client.get("/audit/chain", headers=EN).get_data(as_text=True)
    assert "Broken." in page and "were edited" in page
    assert f"<dd>{target.seq}</dd>" in page and f"<dd>{target.id}</dd>" in page
    client.post_form("/logout")
    client.login(organizer.username)
    assert client.get("/audit/chain").status_code == 403
    assert 'href="/audit/chain"' not in client.get("/audit").get_data(as_text=True)


def test_concurrent_commits_link_without_gaps_or_duplicates(app, session):
    """Several real connections commit audited writes at the same moments."""
    threads_n, commits, per_commit = 6, 5, 2
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait(timeout=30)
            for c in range(commits):
                with app.test_request_context(method="POST"):  # SQLite: BEGIN IMMEDIATE
                    try:
                        write_entries(db.session, per_commit, start=n * 100 + c * 10)
                        db.session.flush()
                        db.session.commit()
                    finally:
                        db.session.remove()
        except BaseException as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows = chain_rows(session)
    total = threads_n * commits * per_commit
    assert [row.seq for row in rows] == list(range(1, total + 1))
    report = chain.verify_chain(session, batch=7)
    assert report.ok and report.count == total


def _migration():
    path = next((Path(SITE_ROOT) / "migrations" / "versions").glob("a9c4e2f7b813_*.py"))
    spec = importlib.util.spec_from_file_location("link_audit_entries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_links_older_entries_with_the_same_hash(app, session, logged):
    """Unlink everything (as before the chain), run the migration: the same links again."""
    session.execute(update(AuditEntry).values(seq=None, prev_hash=None, hash=None))
    session.execute(update(AuditChainHead).values(seq=0, hash=""))
    session.commit()
    migration = _migration()
    migration.BATCH = 3
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        migration.upgrade()
    assert chain_rows(session) == logged
    assert chain.verify_chain(session).ok


def test_the_migration_runs_on_an_empty_database(app, session):
    session.execute(delete(AuditChainHead))
    session.commit()
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        _migration().upgrade()
    head = session.get(AuditChainHead, 1)
    assert (head.seq, head.hash) == (0, "")


def test_a_restored_backup_verifies_and_the_chain_goes_on(app, session, logged, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(db.engine, db.metadata, path)
    session.execute(delete(AuditEntry))
    session.execute(update(AuditChainHead).values(seq=0, hash=""))
    session.commit()
    session.remove()
    restore_backup(db.engine, db.metadata, path)
    assert chain_rows(session) == logged
    head = session.get(AuditChainHead, 1)
    assert (head.seq, head.hash) == (logged[-1].seq, logged[-1].hash)
    write_entries(session, 1)
    session.commit()
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"OK: {len(logged) + 1} audit entries" in result.output
