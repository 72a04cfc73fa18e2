"""The audit log: who changed what, when, from which value to which."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import Base, UTCDateTime

if TYPE_CHECKING:
    from festival.accounts.models import User
    from festival.festivals.models import Festival


class AuditEntry(Base):
    """One change. ``organization_id`` is the organisation the changed thing belongs to (whose
    organizers, and those above them, may read the entry); ``festival_id`` the festival it
    belongs to, when it belongs to one. Both are NULL on entries written before they existed,
    which only admins see."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    festival_id: Mapped[int | None] = mapped_column(
        ForeignKey("festivals.id", ondelete="SET NULL"), index=True
    )

    # The hash chain (tamper evidence): entries are linked in the order their transactions
    # committed; ``hash`` covers the entry and ``prev_hash``, the hash of the entry before.
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped["User | None"] = relationship()
    festival: Mapped["Festival | None"] = relationship()


class AuditChainHead(Base):
    """The last linked entry of the chain: one row, locked by the transaction that links its
    entries, at commit, so that links are made one transaction at a time."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
