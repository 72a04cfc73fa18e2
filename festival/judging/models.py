"""Screening rounds: criteria, judges, conflicts of interest, entries and scores."""

import enum
import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.db import Base, UTCDateTime, str_enum
from festival.festivals.models import Festival
from festival.programs.models import Program

Score2 = Numeric(7, 2, asdecimal=True)


def new_results_key() -> str:
    return secrets.token_hex(16)


class Aggregation(enum.StrEnum):
    trimmed_mean = "trimmed_mean"
    mean = "mean"
    median = "median"


class Ranking(enum.StrEnum):
    overall = "overall"  # one ranking across every category
    by_category = "by_category"  # each category ranked, advanced and awarded on its own


class RoundStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("festival_id", "position"),
        CheckConstraint(
            "advance_count IS NULL OR advance_count >= 0", name="advance_count_positive"
        ),
        CheckConstraint("trim >= 1", name="trim_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    aggregation: Mapped[Aggregation] = mapped_column(
        str_enum(Aggregation, "aggregation"), default=Aggregation.trimmed_mean
    )
    # trimmed_mean: how many totals are dropped at each end (when at least 2·trim + 1 exist).
    trim: Mapped[int] = mapped_column(default=1, server_default="1")
    ranking: Mapped[Ranking] = mapped_column(
        str_enum(Ranking, "round_ranking"),
        default=Ranking.overall,
        server_default=Ranking.overall.value,
    )
    # With ``by_category``, the places that advance from each category.
    advance_count: Mapped[int | None]
    # A judge never scores a program of their own organisation or one under it (回避).
    auto_conflicts: Mapped[bool] = mapped_column(default=True, server_default=true())
    status: Mapped[RoundStatus] = mapped_column(
        str_enum(RoundStatus, "round_status"), default=RoundStatus.draft
    )
    is_blind: Mapped[bool] = mapped_column(default=False)
    # The performance day: the seed of the running order's last draw (None when never drawn),
    # whether it was drawn within each category, and what anyone may see.
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    draw_by_category: Mapped[bool] = mapped_column(default=False, server_default=false())
    order_published: Mapped[bool] = mapped_column(default=False, server_default=false())
    screen_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A screening by video (网络初评): each judge's sheet shows the program's video.
    by_video: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    festival: Mapped[Festival] = relationship()
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="round", order_by="Criterion.position"
    )


class Criterion(Base):
    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("round_id", "name"),
        CheckConstraint("max_score > 0", name="max_score_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    max_score: Mapped[Decimal] = mapped_column(Score2)
    weight: Mapped[Decimal] = mapped_column(Score2, default=Decimal("1"))
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="criteria")


class JudgeAssignment(Base):
    __tablename__ = "judge_assignments"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    judge: Mapped[User] = relationship()


class Conflict(Base):
    """A judge who must not score a program (conflict of interest)."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("round_id", "judge_id", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    # Found by the rule of ``Round.auto_conflicts`` (the judge's organisation is the troupe's
    # or one above it), not declared by a person.
    automatic: Mapped[bool] = mapped_column(default=False, server_default=false())
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoundEntry(Base):
    """A program taking part in a round."""

    __tablename__ = "round_entries"
    __table_args__ = (
        UniqueConstraint("round_id", "program_id"),
        Index("ix_round_entries_running_order", "round_id", "running_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    advanced: Mapped[bool] = mapped_column(default=False)
    # The aggregate of the judges' totals so far, kept by the services that change them, so
    # a ranking reads one row per entry.
    score: Mapped[Decimal | None] = mapped_column(Score2)
    judge_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Frozen when the round closes, so published results never move.
    final_score: Mapped[Decimal | None] = mapped_column(Score2)
    final_rank: Mapped[int | None]
    # The running order (1 = first on stage), drawn or set by hand; and the troupe's arrival.
    running_position: Mapped[int | None]
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    program: Mapped[Program] = relationship()


class Score(Base):
    """One judge's score for one criterion of one entry."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("entry_id", "judge_id", "criterion_id"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("round_entries.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criteria.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[Decimal] = mapped_column(Score2)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JudgeTotal(Base):
    """A judge's total for one entry, Σ weight × score in ten-thousandths (exact integers),
    kept by ``save_scores`` beside the scores so that a ranking of 10,000 entries reads one
    row per judge and entry instead of one per criterion."""

    __tablename__ = "judge_totals"
    # On SQLite the rows live in the primary key's b-tree: a ranking reads no second lookup.
    __table_args__ = {"sqlite_with_rowid": False}

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("round_entries.id", ondelete="CASCADE"), primary_key=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    units: Mapped[int] = mapped_column(BigInteger)


class ScoreComment(Base):
    """A judge's comment (点评) on one entry: read by the troupe's leader once the festival's
    results are published, never with the judge's name in a blind round."""

    __tablename__ = "score_comments"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("round_entries.id", ondelete="CASCADE"), primary_key=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoundResultsKey(Base):
    """A new random value whenever anything a round's ranking reads changes (scores, entries,
    judges, conflicts, closing): the key under which a process keeps the ranking it computed
    (``result_queries``), so a page of 10,000 results does not rank them again. A row of its
    own: a score save holds the round's row shared, and writing the key there would make two
    saves wait for each other."""

    __tablename__ = "round_results_keys"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(32), default=new_results_key)


class ScoreConfirmation(Base):
    """A judge confirmed their score for an entry on the performance day: it is final (a later
    save answers 409 ``score_locked``) until the organizer reopens it, with a reason."""

    __tablename__ = "score_confirmations"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("round_entries.id", ondelete="CASCADE"), primary_key=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoundStage(Base):
    """What is on stage in a round now (``entry_id`` None: nothing), a row of its own for the
    same reason as the results key; ``changed_at`` with the results key makes the live
    state's ETag."""

    __tablename__ = "round_stages"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("round_entries.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
