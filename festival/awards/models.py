"""Awards to programs (prize tiers) and to organisations."""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import Organization
from festival.db import Base, UTCDateTime, str_enum
from festival.festivals.models import Category, Festival
from festival.programs.models import Program


class AwardTier(enum.StrEnum):
    first = "first"
    second = "second"
    third = "third"
    excellence = "excellence"
    organization = "organization"
    special = "special"


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint(
            "program_id IS NOT NULL OR organization_id IS NOT NULL", name="has_recipient"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    tier: Mapped[AwardTier] = mapped_column(str_enum(AwardTier, "award_tier"))
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="RESTRICT"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(120), default="")
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2, asdecimal=True))
    rank: Mapped[int | None]
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    festival: Mapped[Festival] = relationship()
    program: Mapped[Program | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    category: Mapped[Category | None] = relationship()


class AwardRevision(Base):
    """One version of a festival's published award list: number 1 when first published, one
    more for each correction after the results were final (a visible revision, with its
    reason); ``awards_sha256`` is the digest of that version's published ``.csv``."""

    __tablename__ = "award_revisions"
    __table_args__ = (UniqueConstraint("festival_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("festivals.id", ondelete="CASCADE"))
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(1000), default="")
    awards_sha256: Mapped[str] = mapped_column(String(64))
