"""Organisations, user accounts, API tokens and login attempts."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from festival.accounts.usernames import normalize_username
from festival.db import Base, UTCDateTime, str_enum


class Level(enum.StrEnum):
    district = "district"
    city = "city"
    province = "province"
    other = "other"

    @property
    def rank(self) -> int:
        """Higher levels rank higher; ``other`` stands outside the ladder."""
        return {"district": 1, "city": 2, "province": 3, "other": 0}[self.value]


class Role(enum.StrEnum):
    admin = "admin"
    organizer = "organizer"
    judge = "judge"
    leader = "leader"


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    parent: Mapped["Organization | None"] = relationship(remote_side=[id])


def new_session_nonce() -> str:
    return secrets.token_urlsafe(12)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("length(username) >= 3", name="username_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always in normalize_username's form, so the unique constraint is the whole rule.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    # Part of the login session's id (get_id): a new one (logout, password change) ends every
    # session that carries the old one, copied cookies included.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship()

    @validates("username")
    def _normalize_username(self, _key: str, value: str) -> str:
        return normalize_username(value)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


class ApiToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """Failed and successful logins, a record kept for a while (forget_old_login_attempts)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "attempted_at"),
        Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool]


class ThrottleScope(enum.StrEnum):
    account = "account"  # one username from one address
    address = "address"  # every username from one address


class LoginThrottle(Base):
    """Failed logins in the current window, one row per account and address and one per address.

    The limit is enforced on these rows, not on a count of ``login_attempts``: one upsert adds
    the attempt and reads the total under the row's lock before the password is checked, so
    attempts in parallel (several workers, several hosts) cannot all pass the check.
    """

    __tablename__ = "login_throttles"

    scope: Mapped[ThrottleScope] = mapped_column(
        str_enum(ThrottleScope, "throttle_scope"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" for an address
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    failures: Mapped[int]
