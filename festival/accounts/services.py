"""Accounts: users, organisations, logins with rate limits, API tokens, passwords."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.orm import Session

from festival.accounts.models import (
    ApiToken,
    Level,
    LoginAttempt,
    LoginThrottle,
    Organization,
    Role,
    ThrottleScope,
    User,
    new_session_nonce,
)
from festival.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, password_matches
from festival.accounts.usernames import normalize_username
from festival.audit.services import record
from festival.core.errors import TooManyRequests, ValidationFailed
from festival.db import UTCDateTime, upsert_insert

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
ROLES_NEEDING_ORGANIZATION = {Role.organizer}


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role | str,
    organization_id: int | None = None,
    actor: User | None,
    now: datetime,
) -> User:
    """Create an account; every problem with the input is reported at once."""
    problems: dict[str, list] = {}
    username = normalize_username(username)
    display_name = display_name.strip()
    if not USERNAME_PATTERN.match(username):
        problems["username"] = [_l("Use 3 to 64 letters, digits, dots, dashes or underscores.")]
    elif session.execute(select(User.id).where(User.username == username)).first():
        problems["username"] = [_l("This username is already taken.")]
    problems.update(_password_problems(password))
    if not 1 <= len(display_name) <= 80:
        problems["display_name"] = [_l("Enter a name of 1 to 80 characters.")]
    try:
        role = Role(role)
    except ValueError:
        problems["role"] = [_l("Choose one of: admin, organizer, judge, leader.")]
    else:
        if organization_id is None and role in ROLES_NEEDING_ORGANIZATION:
            problems["organization_id"] = [_l("An organizer belongs to an organisation.")]
    if organization_id is not None and session.get(Organization, organization_id) is None:
        problems["organization_id"] = [_l("No such organisation.")]
    if problems:
        raise ValidationFailed(fields=problems)

    user = User(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name,
        role=role,
        organization_id=organization_id,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        action="create_user",
        entity_type="user",
        entity_id=user.id,
        changes={"username": username, "role": role.value},
        organization_id=user.organization_id,
        now=now,
    )
    return user


def change_password(
    session: Session, *, user: User, current_password: str, new_password: str, now: datetime
) -> None:
    """Change one's own password; every session and every API token of the account ends (the
    view logs its own session in again)."""
    problems: dict[str, list] = {}
    if not password_matches(user.password_hash, current_password):
        problems["current_password"] = [_l("This is not your current password.")]
    problems.update(
        {
            ("new_password" if k == "password" else k): v
            for k, v in _password_problems(new_password).items()
        }
    )
    if problems:
        raise ValidationFailed(fields=problems)
    user.password_hash = hash_password(new_password)
    end_sessions(session, user=user)
    revoke_api_tokens(session, user=user, now=now)
    record(
        session,
        actor=user,
        action="change_password",
        entity_type="user",
        entity_id=user.id,
        organization_id=user.organization_id,
        now=now,
    )
    session.flush()


def end_sessions(session: Session, *, user: User) -> None:
    """End every browser session of ``user``, on every device: each carries the session nonce
    in its id (User.get_id), and the loader refuses an id with an old one."""
    user.session_nonce = new_session_nonce()
    session.flush()


def revoke_api_tokens(session: Session, *, user: User, now: datetime) -> int:
    """Revoke every live bearer token of ``user``; returns how many."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount or 0


def _password_problems(password: str) -> dict[str, list]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"password": [_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)]}
    if len(password) > 200:
        return {"password": [_l("Use at most %(n)d characters.", n=200)]}
    return {}


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 5
    max_failures_per_address: int = 30
    window: timedelta = timedelta(minutes=15)


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    address: str,
    now: datetime,
    limits: LoginLimits,
) -> User | None:
    """The active user with these credentials, or None; the attempt is recorded either way.

    Raises TooManyRequests when this account has failed too often from this address, or the
    address too often overall, within the window. The attempt is counted as a failure before
    the password is checked, by one statement per limit that also checks it under a row lock
    held until the transaction ends, so attempts in parallel wait for each other instead of
    all passing; a success gives its count back. The caller commits even when the answer is
    None, so failures count; a refusal changes nothing.
    """
    username = normalize_username(username)[:64]
    address = (address or "unknown")[:64]
    # Always the address's row first, then the account's: one order, so no deadlock.
    keys = [
        (ThrottleScope.address, address, "", limits.max_failures_per_address),
        (ThrottleScope.account, address, username, limits.max_failures),
    ]
    counted: list[tuple[ThrottleScope, str, str]] = []
    for scope, key_address, key_username, limit in keys:
        if not _count_failure(
            session,
            scope=scope,
            address=key_address,
            username=key_username,
            limit=limit,
            now=now,
            window=limits.window,
        ):
            _forgive_failures(session, counted)
            raise TooManyRequests()
        counted.append((scope, key_address, key_username))

    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = password_matches(user.password_hash if user else None, password)
    ok = ok and user is not None and user.is_active
    if ok:
        _forgive_failures(session, counted)
    session.add(LoginAttempt(username=username, address=address, attempted_at=now, succeeded=ok))
    session.flush()
    return user if ok else None


def _count_failure(
    session: Session,
    *,
    scope: ThrottleScope,
    address: str,
    username: str,
    limit: int,
    now: datetime,
    window: timedelta,
) -> bool:
    """Add one failure to this key unless it has ``limit`` already in its window (a window
    over starts again at one); True if added. INSERT ... ON CONFLICT DO UPDATE ... WHERE
    ... RETURNING, on PostgreSQL and SQLite alike: the check and the count are one step."""
    table = LoginThrottle.__table__
    expired = table.c.window_started_at <= literal(now - window, UTCDateTime())
    statement = (
        upsert_insert(session)(table)
        .values(scope=scope, address=address, username=username, window_started_at=now, failures=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.address, table.c.username],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_started_at": case(
                    (expired, literal(now, UTCDateTime())), else_=table.c.window_started_at
                ),
            },
            where=or_(expired, table.c.failures < limit),
        )
        .returning(table.c.failures)
    )
    return session.execute(statement).first() is not None


def _forgive_failures(session: Session, keys: list[tuple[ThrottleScope, str, str]]) -> None:
    """Take back the failure counted on each key (a success, or another limit refused)."""
    for scope, address, username in keys:
        session.execute(
            update(LoginThrottle)
            .where(
                LoginThrottle.scope == scope,
                LoginThrottle.address == address,
                LoginThrottle.username == username,
            )
            .values(failures=LoginThrottle.failures - 1)
        )


# How long login attempts are kept (the workers forget older ones daily).
KEEP_LOGIN_ATTEMPTS = timedelta(days=30)


def forget_old_login_attempts(session: Session, *, now: datetime, keep: timedelta) -> int:
    """Delete login attempts (and login limits' windows) older than ``keep``; returns how many
    attempts went."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.window_started_at < now - keep))
    result = session.execute(
        LoginAttempt.__table__.delete().where(LoginAttempt.attempted_at < now - keep)
    )
    return result.rowcount or 0


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(
    session: Session, *, user: User, now: datetime, lifetime: timedelta
) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``: the row (digest only) and the plain token, shown once."""
    plain = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, token_digest=token_digest(plain), created_at=now, expires_at=now + lifetime
    )
    session.add(token)
    session.flush()
    return token, plain


def token_for(session: Session, plain: str, *, now: datetime) -> ApiToken | None:
    """The live token (with its active user) for a plain bearer token, or None."""
    token = session.execute(
        select(ApiToken).where(ApiToken.token_digest == token_digest(plain))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    return token


def revoke_api_token(session: Session, *, token: ApiToken, now: datetime) -> None:
    """Revoke one bearer token (the one a request came with)."""
    token.revoked_at = now
    session.flush()


def create_organization(
    session: Session,
    *,
    name: str,
    level: Level | str,
    parent_id: int | None,
    actor: User | None,
    now: datetime,
) -> Organization:
    """Create an organisation under an optional parent of a higher level."""
    problems: dict[str, list] = {}
    name = name.strip()
    if not 1 <= len(name) <= 120:
        problems["name"] = [_l("Enter a name of 1 to 120 characters.")]
    elif session.execute(select(Organization.id).where(Organization.name == name)).first():
        problems["name"] = [_l("An organisation with this name exists already.")]
    try:
        level = Level(level)
    except ValueError:
        problems["level"] = [_l("Choose one of: district, city, province, other.")]
    parent = session.get(Organization, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        problems["parent_id"] = [_l("No such organisation.")]
    elif (
        parent is not None
        and isinstance(level, Level)
        and level is not Level.other
        and parent.level is not Level.other
        and parent.level.rank <= level.rank
    ):
        problems["parent_id"] = [_l("The parent must be of a higher level.")]
    if problems:
        raise ValidationFailed(fields=problems)
    organization = Organization(name=name, level=level, parent_id=parent_id, created_at=now)
    session.add(organization)
    session.flush()
    record(
        session,
        actor=actor,
        action="create_organization",
        entity_type="organization",
        entity_id=organization.id,
        changes={"name": name, "level": level.value},
        organization_id=organization.id,
        now=now,
    )
    return organization
