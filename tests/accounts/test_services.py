"""Account services: users, logins and their limits, passwords, API tokens, organisations."""

import hashlib
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from festival.accounts import permissions, queries, services
from festival.accounts.models import ApiToken, LoginAttempt, Organization, User
from festival.accounts.passwords import password_matches
from festival.audit.models import AuditEntry
from festival.core.errors import TooManyRequests, ValidationFailed
from tests import factories
from tests.factories import NOW, PASSWORD

ADDRESS = "192.0.2.10"
OTHER_ADDRESS = "198.51.100.7"
WRONG = "not the password"
NEW_PASSWORD = "a brand new secret"
LIMITS = services.LoginLimits(
    max_failures=3, max_failures_per_address=5, window=timedelta(minutes=15)
)


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def log_in(session, username, password=PASSWORD, *, address=ADDRESS, now=NOW):
    return services.authenticate(
        session, username=username, password=password, address=address, now=now, limits=LIMITS
    )


def fail_to_log_in(session, username, times, **kwargs) -> None:
    for _ in range(times):
        assert log_in(session, username, WRONG, **kwargs) is None


def new_user(session, **kwargs) -> User:
    values = {
        "username": "newuser",
        "password": PASSWORD,
        "display_name": "New User",
        "role": "leader",
        "organization_id": None,
        **kwargs,
    }
    return services.create_user(session, **values, actor=None, now=NOW)


# Users


def test_create_user_refuses_outside_a_request_too(session):
    """Commands and the demo call services without a request; refusals must still work."""
    with pytest.raises(ValidationFailed) as refused:
        new_user(session, password="short")

    assert set(refused.value.fields) == {"password"}


def test_create_user_reports_every_problem_at_once(session):
    with pytest.raises(ValidationFailed) as refused:
        new_user(
            session,
            username="no spaces!",
            password="short",
            display_name="   ",
            role="wizard",
            organization_id=9999,
        )

    assert set(refused.value.fields) == {
        "username",
        "password",
        "display_name",
        "role",
        "organization_id",
    }
    assert refused.value.status == 422
    assert count(session, User) == 0


def test_create_user_requires_an_organisation_for_an_organizer(session):
    with pytest.raises(ValidationFailed) as refused:
        new_user(session, role="organizer", organization_id=None)

    assert set(refused.value.fields) == {"organization_id"}
    assert count(session, User) == 0


def test_create_user_refuses_a_username_taken_in_another_letter_case(session):
    factories.make_user(session, username="Alice")

    with pytest.raises(ValidationFailed) as refused:
        new_user(session, username="aLICE")

    assert set(refused.value.fields) == {"username"}
    assert count(session, User) == 1


def test_create_user_stores_a_hash_not_the_password(session):
    user = new_user(session)

    assert PASSWORD not in user.password_hash
    assert password_matches(user.password_hash, PASSWORD)
    assert not password_matches(user.password_hash, WRONG)


def test_create_user_writes_an_audit_entry_naming_the_actor(session):
    admin = factories.make_user(session, role="admin")

    user = services.create_user(
        session,
        username="judge.li",
        password=PASSWORD,
        display_name="Li",
        role="judge",
        actor=admin,
        now=NOW,
    )
    session.flush()

    entry = session.execute(
        select(AuditEntry).where(
            AuditEntry.action == "create_user", AuditEntry.entity_id == user.id
        )
    ).scalar_one()
    assert entry.entity_type == "user"
    assert entry.actor_id == admin.id
    assert entry.at == NOW
    assert entry.changes["username"] == "judge.li"
    assert PASSWORD not in str(entry.changes)


# Logging in


def test_authenticate_returns_the_user_for_the_right_credentials(session):
    user = factories.make_user(session, username="Wang")

    assert log_in(session, "wang") is user
    attempt = session.execute(select(LoginAttempt)).scalar_one()
    assert (attempt.succeeded, attempt.address, attempt.attempted_at) == (True, ADDRESS, NOW)


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "inactive user"])
def test_authenticate_refuses_bad_credentials_and_records_the_failure(session, case):
    user = factories.make_user(session, username="wang")
    username, password = {
        "wrong password": ("wang", WRONG),
        "unknown user": ("nobody", PASSWORD),
        "inactive user": ("wang", PASSWORD),
    }[case]
    if case == "inactive user":
        user.is_active = False

    assert log_in(session, username, password) is None
    attempt = session.execute(select(LoginAttempt)).scalar_one()
    assert (attempt.username, attempt.succeeded) == (username, False)


def test_authenticate_refuses_after_max_failures_even_with_the_right_password(session):
    factories.make_user(session, username="wang")
    fail_to_log_in(session, "wang", LIMITS.max_failures - 1)
    assert log_in(session, "wang") is not None  # still allowed one short of the limit
    fail_to_log_in(session, "wang", 1)

    with pytest.raises(TooManyRequests) as refused:
        log_in(session, "wang")
    assert refused.value.status == 429


def test_authenticate_counts_failures_whatever_the_letter_case(session):
    factories.make_user(session, username="wang")
    spellings = ["wang", "WANG", "Wang"]
    assert len(spellings) == LIMITS.max_failures
    for username in spellings:
        fail_to_log_in(session, username, 1)

    with pytest.raises(TooManyRequests):
        log_in(session, "wang")


def test_authenticate_forgets_failures_outside_the_window(session):
    user = factories.make_user(session, username="wang")
    fail_to_log_in(session, "wang", LIMITS.max_failures)

    with pytest.raises(TooManyRequests):
        log_in(session, "wang", now=NOW + LIMITS.window - timedelta(seconds=1))
    assert log_in(session, "wang", now=NOW + LIMITS.window + timedelta(seconds=1)) is user


def test_authenticate_does_not_block_another_address_for_the_same_account(session):
    user = factories.make_user(session, username="wang")
    fail_to_log_in(session, "wang", LIMITS.max_failures, address=ADDRESS)

    with pytest.raises(TooManyRequests):
        log_in(session, "wang", address=ADDRESS)
    assert log_in(session, "wang", address=OTHER_ADDRESS) is user


def test_authenticate_blocks_an_address_after_max_failures_per_address(session):
    user = factories.make_user(session, username="wang")
    for number in range(LIMITS.max_failures_per_address - 1):
        fail_to_log_in(session, f"guess{number}", 1)
    assert log_in(session, "wang") is user  # one short of the address limit
    fail_to_log_in(session, "one.more.guess", 1)

    with pytest.raises(TooManyRequests):
        log_in(session, "wang")
    assert log_in(session, "wang", address=OTHER_ADDRESS) is user


# Passwords


def test_change_password_refuses_a_wrong_current_password_and_a_short_new_one(session):
    user = factories.make_user(session)
    session_id = user.get_id()

    with pytest.raises(ValidationFailed) as refused:
        services.change_password(
            session, user=user, current_password=WRONG, new_password="short", now=NOW
        )

    assert set(refused.value.fields) == {"current_password", "new_password"}
    assert password_matches(user.password_hash, PASSWORD)
    assert user.get_id() == session_id


def test_change_password_replaces_the_password_and_the_session_id(session):
    user = factories.make_user(session)
    session_id = user.get_id()

    services.change_password(
        session, user=user, current_password=PASSWORD, new_password=NEW_PASSWORD, now=NOW
    )

    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert not password_matches(user.password_hash, PASSWORD)
    assert user.get_id() != session_id
    assert log_in(session, user.username, PASSWORD) is None
    assert log_in(session, user.username, NEW_PASSWORD) is user


# API tokens


def test_issue_api_token_stores_only_the_sha256_digest(session):
    user = factories.make_user(session)

    _token, plain = services.issue_api_token(
        session, user=user, now=NOW, lifetime=timedelta(days=1)
    )

    row = session.execute(select(ApiToken.__table__)).one()
    assert all(plain not in str(value) for value in row)
    assert row.token_digest == hashlib.sha256(plain.encode()).hexdigest()


def test_token_for_finds_the_live_token_by_its_plain_value(session):
    user = factories.make_user(session)
    token, plain = services.issue_api_token(session, user=user, now=NOW, lifetime=timedelta(days=1))

    found = services.token_for(session, plain, now=NOW + timedelta(hours=1))
    assert found is token
    assert found.user is user
    assert services.token_for(session, plain + "x", now=NOW) is None


def test_token_for_refuses_a_revoked_token(session):
    user = factories.make_user(session)
    token, plain = services.issue_api_token(session, user=user, now=NOW, lifetime=timedelta(days=1))

    services.revoke_api_token(session, token=token, now=NOW)

    assert services.token_for(session, plain, now=NOW) is None


def test_token_for_refuses_an_expired_token(session):
    user = factories.make_user(session)
    lifetime = timedelta(days=1)
    _token, plain = services.issue_api_token(session, user=user, now=NOW, lifetime=lifetime)

    assert services.token_for(session, plain, now=NOW + lifetime - timedelta(seconds=1))
    assert services.token_for(session, plain, now=NOW + lifetime) is None


def test_token_for_refuses_the_token_of_an_inactive_user(session):
    user = factories.make_user(session)
    _token, plain = services.issue_api_token(
        session, user=user, now=NOW, lifetime=timedelta(days=1)
    )

    user.is_active = False
    session.flush()

    assert services.token_for(session, plain, now=NOW) is None


# Organisations


def new_organization(session, name, level, parent=None) -> Organization:
    return services.create_organization(
        session,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        actor=None,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("parent_level", "level"),
    [("district", "district"), ("district", "city"), ("city", "city"), ("city", "province")],
)
def test_create_organization_refuses_a_parent_of_the_same_or_a_lower_level(
    session, parent_level, level
):
    parent = new_organization(session, "Parent office", parent_level)

    with pytest.raises(ValidationFailed) as refused:
        new_organization(session, "Child office", level, parent)

    assert set(refused.value.fields) == {"parent_id"}
    assert count(session, Organization) == 1


def test_create_organization_accepts_a_city_under_a_province(session):
    province = new_organization(session, "Province office", "province")

    city = new_organization(session, "City office", "city", province)

    assert city.parent_id == province.id
    assert city.parent is province


def test_create_organization_refuses_a_duplicate_name(session):
    new_organization(session, "Riverside District", "district")

    with pytest.raises(ValidationFailed) as refused:
        new_organization(session, " Riverside District ", "district")

    assert set(refused.value.fields) == {"name"}
    assert count(session, Organization) == 1


@pytest.fixture
def tree(session) -> dict[str, Organization]:
    """A province with two cities; the first city has two districts, the second one."""
    province = new_organization(session, "Province", "province")
    city = new_organization(session, "City", "city", province)
    sibling_city = new_organization(session, "Sibling city", "city", province)
    return {
        "province": province,
        "city": city,
        "district": new_organization(session, "District", "district", city),
        "second_district": new_organization(session, "Second district", "district", city),
        "sibling_city": sibling_city,
        "sibling_district": new_organization(session, "Sibling district", "district", sibling_city),
        "other_province": new_organization(session, "Other province", "province"),
    }


def test_organization_subtree_ids_hold_the_root_and_all_descendants_but_no_siblings(session, tree):
    def ids(*names):
        return {tree[name].id for name in names}

    assert set(queries.organization_subtree_ids(session, tree["city"].id)) == ids(
        "city", "district", "second_district"
    )
    assert set(queries.organization_subtree_ids(session, tree["province"].id)) == ids(
        "province", "city", "district", "second_district", "sibling_city", "sibling_district"
    )
    assert queries.organization_subtree_ids(session, tree["district"].id) == [tree["district"].id]


# Permissions

CREATE_ORGANIZATION_MATRIX = [
    ("admin", None, True),
    ("admin", "province", True),
    ("admin", "sibling_district", True),
    ("organizer", "city", True),
    ("organizer", "district", True),
    ("organizer", None, False),
    ("organizer", "province", False),
    ("organizer", "sibling_city", False),
    ("organizer", "other_province", False),
    ("judge", "city", False),
    ("judge", None, False),
    ("leader", "city", False),
    ("leader", None, False),
]


@pytest.mark.parametrize(("role", "parent", "allowed"), CREATE_ORGANIZATION_MATRIX)
def test_can_create_organization_admin_anywhere_organizer_only_in_own_subtree(
    session, tree, role, parent, allowed
):
    user = factories.make_user(session, role=role, organization=tree["city"])

    assert permissions.can_create_organization(user, tree.get(parent)) is allowed


@pytest.mark.parametrize("parent", [None, "city"])
def test_can_create_organization_never_for_anonymous_visitors(session, tree, parent):
    assert permissions.can_create_organization(AnonymousUserMixin(), tree.get(parent)) is False
