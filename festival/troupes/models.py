"""Troupes and teams, the people in them, and who belongs where."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import Organization, User
from festival.db import Base, UTCDateTime, str_enum


class TroupeKind(enum.StrEnum):
    troupe = "troupe"
    team = "team"


class Gender(enum.StrEnum):
    female = "female"
    male = "male"


class MemberRole(enum.StrEnum):
    member = "member"
    coach = "coach"


class Troupe(Base):
    __tablename__ = "troupes"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[TroupeKind] = mapped_column(
        str_enum(TroupeKind, "troupe_kind"), default=TroupeKind.troupe
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    leader: Mapped[User | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(back_populates="troupe")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("birth_date > '1900-01-01'", name="birth_date_plausible"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    birth_date: Mapped[date]
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender, "gender"))
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who registered the person: the only one who reaches them while they are in no troupe.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="person")


class Membership(Base):
    __tablename__ = "memberships"

    troupe_id: Mapped[int] = mapped_column(
        ForeignKey("troupes.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[MemberRole] = mapped_column(
        str_enum(MemberRole, "member_role"), default=MemberRole.member
    )
    joined_on: Mapped[date | None]

    troupe: Mapped[Troupe] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")
