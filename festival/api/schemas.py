"""Serializers shared by several resources; each names every field it shows."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

from festival.core import bounds
from festival.core.ids import DB_INT_MAX

# Integers in request bodies are JSON integers (never true, "12" or 12.0: a wrong type, 400)
# and go to 32-bit database columns (PostgreSQL's integer): a larger one is refused as a bad
# value (422) before it reaches a query, which would fail on it.
DbInt = Annotated[int, Strict(), Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX)]

# The error type of a value outside ``core.bounds``; its ``message`` says which values fit.
OUT_OF_BOUNDS = "out_of_bounds"


def _within_dates(value: date | datetime) -> date | datetime:
    if not bounds.day_in_range(value):
        raise PydanticCustomError(OUT_OF_BOUNDS, "{message}", {"message": bounds.date_message()})
    return value


def _not_huge(value):
    """Refuse a number too large to hold (1e26 would break two-place rounding); text that is
    not a number goes on to the service, which says so."""
    if bounds.out_of_range_number(value):
        raise PydanticCustomError(OUT_OF_BOUNDS, "{message}", {"message": bounds.number_message()})
    return value


# Dates and datetimes of what happens (events, sessions, festivals): within ``core.bounds``.
EventDate = Annotated[date, AfterValidator(_within_dates)]
EventDateTime = Annotated[datetime, AfterValidator(_within_dates)]
EventDay = Annotated[date | datetime, AfterValidator(_within_dates)]
# A score, maximum, weight or minimum: a number or a decimal string, never too large.
Number = Annotated[Decimal | str, BeforeValidator(_not_huge)]
BoundedDecimal = Annotated[Decimal, BeforeValidator(_not_huge)]


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(Output):
    id: int
    username: str
    display_name: str
    role: str
    organization_id: int | None
    is_active: bool
    created_at: datetime


class OrganizationOut(Output):
    id: int
    name: str
    level: str
    parent_id: int | None
    created_at: datetime


class CategoryOut(Output):
    id: int
    name: str
    max_duration_minutes: int | None
    min_age_share: Decimal
    requires_video: bool
    requires_backing_track: bool


class FestivalOut(Output):
    id: int
    name: str
    slug: str
    level: str
    organization_id: int
    year: int
    starts_on: date
    ends_on: date
    submission_deadline: datetime
    timezone: str
    min_performer_age: int
    recommendation_quota: int | None
    media_deadline: datetime | None
    status: str
    description: str
    categories: list[CategoryOut]


class FestivalDetailOut(FestivalOut):
    program_counts: dict[str, int]


class TroupeOut(BaseModel):
    id: int
    name: str
    kind: str
    organization_id: int
    leader_id: int | None
    member_count: int


class PersonOut(Output):
    id: int
    name: str
    birth_date: date
    gender: str | None
    phone: str | None


class ProgramOut(BaseModel):
    id: int
    festival_id: int
    title: str
    category_id: int
    category_name: str
    troupe_id: int
    troupe_name: str
    duration_minutes: int
    performer_ids: list[int]
    status: str
    is_late: bool
    recommended_from_id: int | None
    submitted_at: datetime
    updated_at: datetime
    version: int


def program_out(program) -> ProgramOut:
    return ProgramOut(
        id=program.id,
        festival_id=program.festival_id,
        title=program.title,
        category_id=program.category_id,
        category_name=program.category.name,
        troupe_id=program.troupe_id,
        troupe_name=program.troupe.name,
        duration_minutes=program.duration_minutes,
        performer_ids=sorted(p.person_id for p in program.performers),
        status=program.status.value,
        is_late=program.is_late,
        recommended_from_id=program.recommended_from_id,
        submitted_at=program.submitted_at,
        updated_at=program.updated_at,
        version=program.version,
    )
