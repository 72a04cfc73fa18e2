"""Objections raised during a notice period, and the days an admin adds to the mainland
working-day calendar where the library does not know them yet."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.db import Base, UTCDateTime, str_enum
from festival.festivals.models import Festival


class ObjectionStatus(enum.StrEnum):
    open = "open"
    upheld = "upheld"
    rejected = "rejected"


class Objection(Base):
    """An objection to a published award list (异议), raised by real name during the notice
    period, stored as submitted; the organizer's decision and reply beside it."""

    __tablename__ = "objections"
    __table_args__ = (
        Index("ix_objections_festival_status", "festival_id", "status"),
        Index("ix_objections_client_at", "client_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id", ondelete="CASCADE"))
    # What it is about: an award, or a program (one without an award, say); or the list as a
    # whole when neither.
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # given to the person
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40))
    organization: Mapped[str] = mapped_column(String(200), default="")  # a unit, with its seal
    text: Mapped[str] = mapped_column(String(2000))
    status: Mapped[ObjectionStatus] = mapped_column(
        str_enum(ObjectionStatus, "objection_status"), default=ObjectionStatus.open
    )
    reply: Mapped[str] = mapped_column(String(2000), default="")
    # A keyed digest of the sender's address, for the rate limit; never the address itself.
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    festival: Mapped[Festival] = relationship()
    decided_by: Mapped[User | None] = relationship()


class CalendarDay(Base):
    """A day whose working status an admin set by hand: a public holiday (``working`` False)
    or a make-up working day (调休, True) in a year the working-day library does not know yet.
    Wins over the library."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    working: Mapped[bool]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
