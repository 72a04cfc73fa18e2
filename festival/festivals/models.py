"""Festivals (one per level and year) and their categories."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import Level, Organization
from festival.db import Base, UTCDateTime, str_enum


class FestivalStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    screening = "screening"
    announced = "announced"  # published; under public notice (公示) until notice_until
    final = "final"  # the notice period is over and the organizer finalised the results


class Festival(Base):
    __tablename__ = "festivals"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("min_performer_age BETWEEN 0 AND 120", name="age_range"),
        CheckConstraint("notice_days >= 0", name="notice_days_positive"),
        CheckConstraint(
            "notice_working_days IS NULL OR notice_working_days >= 0",
            name="notice_working_days_positive",
        ),
        CheckConstraint(
            "recommendation_quota IS NULL OR recommendation_quota > 0",
            name="recommendation_quota_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    submission_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    min_performer_age: Mapped[int] = mapped_column(default=60)
    status: Mapped[FestivalStatus] = mapped_column(
        str_enum(FestivalStatus, "festival_status"), default=FestivalStatus.draft
    )
    description: Mapped[str] = mapped_column(String(4000), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_days: Mapped[int] = mapped_column(default=0)
    notice_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # At most this many programs recommended into this festival from each sending organisation.
    recommendation_quota: Mapped[int | None]
    # The notice period in working days of the mainland calendar (notice_until is then the end
    # of its last working day); None when it was given in calendar days (notice_days).
    notice_working_days: Mapped[int | None]
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After it, only organizers may add, replace or delete programs' media (409 media_closed).
    media_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # On the certificates: who signs them, and the office's seal (an image under instance/).
    signatory: Mapped[str] = mapped_column(String(100), default="")
    seal_file: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    categories: Mapped[list["Category"]] = relationship(
        back_populates="festival", order_by="Category.position"
    )


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("festival_id", "name"),
        CheckConstraint(
            "max_duration_minutes IS NULL OR max_duration_minutes > 0", name="max_duration_positive"
        ),
        CheckConstraint("min_age_share > 0 AND min_age_share <= 1", name="min_age_share_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    max_duration_minutes: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    # At least this share of a program's performers reach the festival's minimum age (1: all).
    min_age_share: Mapped[Decimal] = mapped_column(
        Numeric(3, 2), default=Decimal(1), server_default="1"
    )
    # Each program of the category must bring a video (screening by video) or a backing track.
    requires_video: Mapped[bool] = mapped_column(default=False, server_default=false())
    requires_backing_track: Mapped[bool] = mapped_column(default=False, server_default=false())

    festival: Mapped[Festival] = relationship(back_populates="categories")
