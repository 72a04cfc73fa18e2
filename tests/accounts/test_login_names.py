"""Usernames enter in one form (service): creation, login, its limit, imports, old names."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from festival.accounts import services
from festival.accounts.models import LoginAttempt, User
from festival.core.errors import TooManyRequests, ValidationFailed
from festival.db import db
from tests import factories
from tests.factories import NOW, PASSWORD

ADDRESS = "192.0.2.10"
WRONG = "not the password"
LIMITS = services.LoginLimits(
    max_failures=3, max_failures_per_address=10, window=timedelta(minutes=15)
)
KELVIN = "\u212aelly"  # KELVIN SIGN, then "elly"
FULLWIDTH = "ｋｅｌｌｙ"
MIGRATIONS = Path(__file__).parents[2] / "migrations" / "versions"


def log_in(session, username, password=PASSWORD):
    return services.authenticate(
        session, username=username, password=password, address=ADDRESS, now=NOW, limits=LIMITS
    )


def new_user(session, username):
    return services.create_user(
        session,
        username=username,
        password=PASSWORD,
        display_name="Kelly",
        role="leader",
        actor=None,
        now=NOW,
    )


def test_failures_under_look_alike_spellings_count_against_the_one_account(session):
    factories.make_user(session, username="kelly")
    for spelling in (KELVIN, FULLWIDTH, "KELLY"):
        assert log_in(session, spelling, WRONG) is None

    for spelling in ("kelly", KELVIN, FULLWIDTH):
        with pytest.raises(TooManyRequests):
            log_in(session, spelling)


def test_a_look_alike_spelling_is_the_same_account_not_another(session):
    user = factories.make_user(session, username="kelly")

    assert log_in(session, FULLWIDTH) is user
    attempts = session.execute(select(LoginAttempt.username)).scalars().all()
    assert attempts == ["kelly"]


def test_create_user_stores_the_normalised_name_and_refuses_a_look_alike(session):
    user = new_user(session, FULLWIDTH)
    assert user.username == "kelly"

    for spelling in (KELVIN, "KELLY", " kelly "):
        with pytest.raises(ValidationFailed) as refused:
            new_user(session, spelling)
        assert set(refused.value.fields) == {"username"}
    assert session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_a_username_set_on_the_model_is_normalised_too(session):
    user = factories.make_user(session, username="kelly")

    user.username = "ＫＥＬＬＹ２"
    session.flush()

    assert session.execute(select(User.username).where(User.id == user.id)).scalar_one() == "kelly2"


def test_a_spreadsheet_names_a_leader_in_any_spelling(session):
    from festival.imports.columns import COLUMNS, ImportRow
    from festival.imports.services import import_rows
    from festival.troupes.models import Troupe

    office = factories.make_organization(session, level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    organizer = factories.make_user(session, role="organizer", organization=office)
    leader = factories.make_user(session, role="leader", username="kelly")
    keys = [column.key for column in COLUMNS["troupes"]]
    row = {"name": "太极拳展示队", "kind": "队", "leader_username": KELVIN}

    result = import_rows(
        session,
        festival=festival,
        kind="troupes",
        actor=organizer,
        now=NOW,
        rows=[ImportRow(2, {key: row.get(key) for key in keys})],
    )

    assert result.ok, result.problems
    troupe = session.execute(select(Troupe).where(Troupe.name == "太极拳展示队")).scalar_one()
    assert troupe.leader_id == leader.id


def load_migration():
    """The migration that normalises stored usernames (its function, run on a connection)."""
    path = next(MIGRATIONS.glob("*_login_throttles_normalised_usernames.py"))
    spec = importlib.util.spec_from_file_location("normalised_usernames", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def insert_raw_user(connection, user_id, username):
    connection.execute(
        text(
            "INSERT INTO users (id, username, password_hash, display_name, role, is_active, "
            "session_nonce, created_at) VALUES (:id, :username, 'x', 'X', 'leader', :yes, 'n', "
            ":at)"
        ),
        {"id": user_id, "username": username, "yes": True, "at": NOW.replace(tzinfo=None)},
    )


def test_the_migration_rewrites_stored_names_in_the_normalised_form(app):
    migration = load_migration()
    with db.engine.begin() as connection:
        insert_raw_user(connection, 901, "Wang.XiuYing")
        insert_raw_user(connection, 902, "judge1")

        assert migration.normalize_stored_usernames(connection) == 1

        names = connection.execute(text("SELECT username FROM users ORDER BY id")).scalars()
        assert list(names) == ["wang.xiuying", "judge1"]


def test_the_migration_refuses_names_that_collide_and_names_them(app):
    migration = load_migration()
    with db.engine.begin() as connection:
        insert_raw_user(connection, 901, "Kelly")
        insert_raw_user(connection, 902, KELVIN)
        insert_raw_user(connection, 903, "Other")

        with pytest.raises(migration.UsernameCollision) as refused:
            migration.normalize_stored_usernames(connection)

        message = str(refused.value)
        assert "'kelly'" in message and "id 901 'Kelly'" in message and "id 902" in message
        names = connection.execute(text("SELECT username FROM users ORDER BY id")).scalars()
        assert list(names) == ["Kelly", KELVIN, "Other"]  # nothing changed
