"""Programs submitted to a festival and the people who perform them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.db import Base, UTCDateTime, str_enum
from festival.festivals.models import Category, Festival
from festival.troupes.models import Person, Troupe


class ProgramStatus(enum.StrEnum):
    submitted = "submitted"
    withdrawn = "withdrawn"
    screening = "screening"
    advanced = "advanced"
    eliminated = "eliminated"


class Program(Base):
    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("festival_id", "troupe_id", "title"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600", name="duration_range"),
        CheckConstraint("length(title) >= 1", name="title_not_empty"),
        # The organizer's list, newest first, a page at a time: read in index order, with
        # no sort of the festival's every program (filtered by category and status too).
        Index("ix_programs_festival_listing", "festival_id", "submitted_at", "id"),
        Index(
            "ix_programs_festival_category_status_listing",
            "festival_id",
            "category_id",
            "status",
            "submitted_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    troupe_id: Mapped[int] = mapped_column(
        ForeignKey("troupes.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    duration_minutes: Mapped[int]
    status: Mapped[ProgramStatus] = mapped_column(
        str_enum(ProgramStatus, "program_status"), default=ProgramStatus.submitted
    )
    is_late: Mapped[bool] = mapped_column(default=False)
    recommended_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Optimistic locking: a stale edit fails instead of silently overwriting another.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    festival: Mapped[Festival] = relationship()
    category: Mapped[Category] = relationship()
    troupe: Mapped[Troupe] = relationship()
    recommended_from: Mapped["Program | None"] = relationship(remote_side=[id])
    performers: Mapped[list["ProgramPerformer"]] = relationship(
        back_populates="program", cascade="all, delete-orphan"
    )


class ProgramPerformer(Base):
    __tablename__ = "program_performers"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True, index=True
    )

    program: Mapped[Program] = relationship(back_populates="performers")
    person: Mapped[Person] = relationship()
