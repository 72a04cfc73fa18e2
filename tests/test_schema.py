"""The database: migrations match the models, constraints live in the database, UTC is kept."""

import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, insert, inspect, text
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from festival.accounts.models import Organization
from festival.db import db
from festival.festivals.models import Festival
from festival.troupes.models import Person
from tests import factories


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_postgresql_is_used_when_ci_requires_it(app):
    if os.environ.get("FESTIVAL_REQUIRE_POSTGRES") == "1":
        assert db.engine.dialect.name == "postgresql"
    else:
        assert db.engine.dialect.name in {"sqlite", "postgresql"}


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL always enforces foreign keys and has no such settings
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_foreign_keys_are_enforced_by_the_database(session):
    with pytest.raises(IntegrityError):
        session.execute(
            insert(Organization).values(
                name="Orphan", level="district", parent_id=9999, created_at=factories.NOW
            )
        )
    session.rollback()


def test_check_constraints_are_enforced_by_the_database(session):
    office = factories.make_organization(session)
    with pytest.raises(IntegrityError):
        session.execute(
            insert(Festival).values(
                name="Backwards",
                slug="backwards",
                level="district",
                organization_id=office.id,
                year=2026,
                starts_on=date(2026, 5, 2),
                ends_on=date(2026, 5, 1),
                submission_deadline=factories.NOW,
                timezone="Asia/Shanghai",
                min_performer_age=60,
                status="draft",
                description="",
                notice_days=0,
                created_at=factories.NOW,
                updated_at=factories.NOW,
            )
        )
    session.rollback()


def test_enum_columns_refuse_unknown_values_in_the_database(session):
    with pytest.raises(IntegrityError):
        session.execute(
            text(
                "INSERT INTO organizations (name, level, created_at) "
                "VALUES ('Bad level', 'galaxy', '2026-01-01 00:00:00')"
            )
        )
    session.rollback()


def test_unique_constraints_are_enforced_by_the_database(session):
    factories.make_organization(session, name="Same name")
    with pytest.raises(IntegrityError):
        session.execute(
            insert(Organization).values(name="Same name", level="city", created_at=factories.NOW)
        )
    session.rollback()


def test_datetimes_come_back_as_aware_utc(session):
    shanghai = timezone(timedelta(hours=8))
    person = Person(
        name="Time",
        birth_date=date(1950, 1, 1),
        created_at=datetime(2026, 10, 24, 9, 30, tzinfo=shanghai),
    )
    session.add(person)
    session.commit()
    session.expire_all()
    stored = session.get(Person, person.id).created_at
    assert stored == datetime(2026, 10, 24, 1, 30, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(session):
    session.add(
        Person(name="Naive", birth_date=date(1950, 1, 1), created_at=datetime(2026, 1, 1, 8, 0))
    )
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()
    session.rollback()


def test_database_has_exactly_the_check_constraints_of_the_models(app):
    """Alembic does not compare CHECK constraints; this does (enum values, length limits)."""
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        expected = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
        actual = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert actual == expected, table.name


def test_over_long_text_is_refused_by_the_database_itself(session):
    office = factories.make_organization(session)
    with pytest.raises((IntegrityError, DataError)):
        session.execute(
            text(
                "INSERT INTO troupes (name, kind, organization_id, created_at) "
                "VALUES (:name, 'troupe', :office, '2026-01-01 00:00:00')"
            ),
            {"name": "团" * 121, "office": office.id},
        )
    session.rollback()
