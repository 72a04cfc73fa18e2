"""Screening rounds: /festivals/{id}/rounds, a round, its judges, conflicts and entries. A
judge's sheet and scores: ``api.scores``; results, closing and recommending: ``api.results``."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body, respond
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, Number
from festival.core.clock import utcnow
from festival.db import db
from festival.festivals.queries import load_managed_festival
from festival.judging import permissions, queries, scoring, services
from festival.judging import scores as judging_scores
from festival.judging.models import Round
from festival.web.auth import require


class CriterionIn(BaseModel):
    name: str = Field(max_length=80)
    max_score: Number
    weight: Number = Decimal(1)


class RoundCreate(BaseModel):
    name: str = Field(max_length=80)
    aggregation: Literal["trimmed_mean", "mean", "median"] = "trimmed_mean"
    trim: DbInt = 1  # trimmed_mean: totals dropped at each end (the service checks 1..20)
    criteria: list[CriterionIn] = Field(max_length=20)
    advance_count: DbInt | None = None  # with ranking by_category: the places of each category
    ranking: Literal["overall", "by_category"] = "overall"
    auto_conflicts: bool = True
    is_blind: bool = False
    by_video: bool = False  # a screening by video: each judge's sheet shows the videos


class CriterionOut(BaseModel):
    id: int
    name: str
    max_score: str
    weight: str


class JudgeRoundOut(BaseModel):
    """A round as its judges see it: not who else judges it."""

    id: int
    festival_id: int
    name: str
    position: int
    aggregation: str
    trim: int
    advance_count: int | None
    ranking: str
    auto_conflicts: bool
    status: str
    is_blind: bool
    by_video: bool
    criteria: list[CriterionOut]
    entry_count: int


class RoundOut(JudgeRoundOut):
    """A round as its organizers see it."""

    judge_ids: list[int]


class JudgeAdd(BaseModel):
    user_id: DbInt


class ConflictIn(BaseModel):
    user_id: DbInt
    program_id: DbInt
    reason: str = Field(default="", max_length=500)


class EntriesIn(BaseModel):
    program_ids: list[DbInt] = Field(max_length=5000)


class EntriesOut(BaseModel):
    round_id: int
    program_ids: list[int]


def money(value: Decimal | None) -> str | None:
    """Two places, rounded half up (Decimal's own formatting would round half to even)."""
    return None if value is None else str(scoring.two_places(value))


def criterion_out(criterion) -> CriterionOut:
    return CriterionOut(
        id=criterion.id,
        name=criterion.name,
        max_score=money(criterion.max_score),
        weight=money(criterion.weight),
    )


def round_out(round_: Round, audience: permissions.RoundAudience) -> JudgeRoundOut:
    """The round as ``audience`` sees it (the serializer of its audience)."""
    seen = dict(
        id=round_.id,
        festival_id=round_.festival_id,
        name=round_.name,
        position=round_.position,
        aggregation=round_.aggregation.value,
        trim=round_.trim,
        advance_count=round_.advance_count,
        ranking=round_.ranking.value,
        auto_conflicts=round_.auto_conflicts,
        status=round_.status.value,
        is_blind=round_.is_blind,
        by_video=round_.by_video,
        criteria=[criterion_out(c) for c in round_.criteria],
        entry_count=queries.entry_count(db.session, round_.id),
    )
    if not audience.sees_judges:
        return JudgeRoundOut(**seen)
    judges = queries.round_judges(db.session, round_.id)
    return RoundOut(**seen, judge_ids=[j.id for j in judges])


def round_with_audience(round_id: int) -> tuple[Round, permissions.RoundAudience]:
    """The round and who the caller is to it; 404 for anyone who neither runs nor judges it
    (as on the pages)."""
    require(actor().is_authenticated)
    return queries.load_round(db.session, actor(), round_id)


def visible_round(round_id: int) -> Round:
    return round_with_audience(round_id)[0]


def managed_round(round_id: int) -> Round:
    round_, audience = round_with_audience(round_id)
    require(audience.manages)
    return round_


@endpoint(
    "/festivals/<int:festival_id>/rounds",
    "POST",
    summary="Create a screening round",
    who="the festival's organizers",
    status=201,
    body=RoundCreate,
    response=RoundOut,
    errors=(400, 401, 403, 404, 422),
)
def create_round(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(RoundCreate)
    round_ = services.create_round(
        db.session,
        festival=festival,
        name=body.name,
        aggregation=body.aggregation,
        trim=body.trim,
        criteria=[c.model_dump() for c in body.criteria],
        advance_count=body.advance_count,
        ranking=body.ranking,
        auto_conflicts=body.auto_conflicts,
        is_blind=body.is_blind,
        by_video=body.by_video,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    db.session.refresh(round_)
    return respond(round_out(round_, permissions.ORGANIZER), 201)


class RoundList(BaseModel):
    items: list[RoundOut]


@endpoint(
    "/festivals/<int:festival_id>/rounds",
    "GET",
    summary="The festival's rounds in order",
    who="the festival's organizers",
    response=RoundList,
    errors=(401, 403, 404),
)
def list_rounds(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    rounds = queries.festival_rounds(db.session, festival.id)
    return respond(RoundList(items=[round_out(r, permissions.ORGANIZER) for r in rounds]))


@endpoint(
    "/rounds/<int:round_id>",
    "GET",
    summary="One round",
    who="its organizers; its judges (without the other judges)",
    response=(RoundOut, JudgeRoundOut),
    errors=(401, 404),
)
def get_round(round_id: int):
    return respond(round_out(*round_with_audience(round_id)))


@endpoint(
    "/rounds/<int:round_id>/judges",
    "POST",
    summary="Assign a judge",
    who="the round's organizers",
    status=201,
    body=JudgeAdd,
    response=RoundOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def assign_judge(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(JudgeAdd)
    services.assign_judge(
        db.session, round_=round_, user_id=body.user_id, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(round_out(round_, permissions.ORGANIZER), 201)


class ConflictOut(BaseModel):
    id: int
    round_id: int
    user_id: int
    program_id: int
    reason: str


class ConflictItem(BaseModel):
    user_id: int
    program_id: int
    reason: str
    automatic: bool


class ConflictList(BaseModel):
    items: list[ConflictItem]


@endpoint(
    "/rounds/<int:round_id>/conflicts",
    "GET",
    summary="The round's conflicts of interest",
    who="the round's organizers",
    response=ConflictList,
    errors=(401, 403, 404),
)
def list_conflicts(round_id: int):
    """Declared and automatic conflicts; an automatic one's reason is said from the rule."""
    round_ = managed_round(round_id)
    return respond(
        ConflictList(
            items=[
                ConflictItem(
                    user_id=c.judge_id,
                    program_id=c.program_id,
                    reason=str(c.reason),
                    automatic=c.automatic,
                )
                for c in queries.round_conflicts(db.session, round_.id)
            ]
        )
    )


@endpoint(
    "/rounds/<int:round_id>/conflicts",
    "POST",
    summary="Declare a conflict of interest",
    who="the round's organizers, or the judge",
    status=201,
    body=ConflictIn,
    response=ConflictOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def declare_conflict(round_id: int):
    round_ = visible_round(round_id)
    body = parse_body(ConflictIn)
    require(
        permissions.can_declare_conflict(
            actor(),
            round_,
            judge_id=body.user_id,
            is_assigned=queries.is_assigned(db.session, round_.id, actor().id),
        )
    )
    conflict = judging_scores.declare_conflict(
        db.session,
        round_=round_,
        judge_id=body.user_id,
        program_id=body.program_id,
        reason=body.reason,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(
        ConflictOut(
            id=conflict.id,
            round_id=round_.id,
            user_id=conflict.judge_id,
            program_id=conflict.program_id,
            reason=conflict.reason,
        ),
        201,
    )


@endpoint(
    "/rounds/<int:round_id>/entries",
    "POST",
    summary="Enter programs in the round",
    who="the round's organizers",
    status=201,
    body=EntriesIn,
    response=EntriesOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def add_entries(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(EntriesIn)
    services.add_entries(
        db.session, round_=round_, program_ids=body.program_ids, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(EntriesOut(round_id=round_.id, program_ids=body.program_ids), 201)
