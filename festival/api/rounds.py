"""Screening rounds: /festivals/{id}/rounds, judges, conflicts, entries, sheets, scores,
results, close; and /programs/{id}/recommend."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body, respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, Number, ProgramOut, program_out
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.db import db
from festival.festivals.permissions import can_manage_festival
from festival.festivals.queries import load_festival, load_managed_festival
from festival.judging import permissions, queries, scoring, services
from festival.judging.models import Round
from festival.programs.queries import program_for
from festival.web.auth import require


class CriterionIn(BaseModel):
    name: str = Field(max_length=80)
    max_score: Number
    weight: Number = Decimal(1)


class RoundCreate(BaseModel):
    name: str = Field(max_length=80)
    aggregation: Literal["trimmed_mean", "mean"] = "trimmed_mean"
    criteria: list[CriterionIn] = Field(max_length=20)
    advance_count: DbInt | None = None
    is_blind: bool = False


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
    advance_count: int | None
    status: str
    is_blind: bool
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


class ScoresIn(BaseModel):
    scores: dict[str, Number]


class SheetItem(BaseModel):
    program_id: int
    title: str
    category_name: str
    troupe_name: str | None  # None in a blind round
    scores: dict[str, str]
    complete: bool


class SheetOut(BaseModel):
    round_id: int
    status: str
    criteria: list[CriterionOut]
    items: list[SheetItem]


class ScoresOut(BaseModel):
    round_id: int
    program_id: int
    scores: dict[str, str]
    total: str


class JudgeResultOut(BaseModel):
    """One program of the ranking as the round's judges see it after the close: the
    contract's fields, ``troupe_name`` null in a blind round; no judge's total."""

    program_id: int
    title: str
    troupe_name: str | None
    category_name: str
    score: str | None
    rank: int | None
    judge_count: int
    advanced: bool


class JudgeResultsOut(BaseModel):
    round_id: int
    status: str
    complete: bool
    items: list[JudgeResultOut]


class ResultOut(JudgeResultOut):
    """One program of the ranking as the round's organizers see it: every judge's total."""

    troupe_name: str
    judge_totals: dict[str, str]
    dropped_high_judge_id: int | None
    dropped_low_judge_id: int | None
    spread: str | None


class ResultsOut(JudgeResultsOut):
    missing_sheets: int
    items: list[ResultOut]


class CloseIn(BaseModel):
    advance_program_ids: list[DbInt] | None = None


class RecommendIn(BaseModel):
    festival_id: DbInt
    category_id: DbInt | None = None


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
        advance_count=round_.advance_count,
        status=round_.status.value,
        is_blind=round_.is_blind,
        criteria=[criterion_out(c) for c in round_.criteria],
        entry_count=services.entry_count(db.session, round_.id),
    )
    if not audience.sees_judges:
        return JudgeRoundOut(**seen)
    judges = queries.round_judges(db.session, round_.id)
    return RoundOut(**seen, judge_ids=[j.id for j in judges])


def round_with_audience(round_id: int) -> tuple[Round, permissions.RoundAudience]:
    """The round and who the caller is to it; 404 for anyone who neither runs nor judges it
    (as on the pages)."""
    require(actor().is_authenticated)
    round_ = get_or_404(Round, round_id)
    audience = permissions.round_audience(
        actor(), round_, is_assigned=services.is_assigned(db.session, round_.id, actor().id)
    )
    if audience is None:
        raise NotFound()
    return round_, audience


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
        criteria=[c.model_dump() for c in body.criteria],
        advance_count=body.advance_count,
        is_blind=body.is_blind,
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
            is_assigned=services.is_assigned(db.session, round_.id, actor().id),
        )
    )
    conflict = services.declare_conflict(
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


@endpoint(
    "/rounds/<int:round_id>/sheet",
    "GET",
    summary="A judge's score sheet",
    who="the round's judges",
    response=SheetOut,
    errors=(401, 403, 404),
)
def score_sheet(round_id: int):
    round_ = visible_round(round_id)
    require(services.is_assigned(db.session, round_.id, actor().id))
    criteria, rows = queries.judge_sheet(db.session, round_, actor())
    items = [
        SheetItem(
            program_id=row.program.id,
            title=row.program.title,
            category_name=row.program.category.name,
            troupe_name=None if round_.is_blind else row.program.troupe.name,
            scores={str(cid): money(value) for cid, value in row.scores.items()},
            complete=len(row.scores) == len(criteria),
        )
        for row in rows
    ]
    return respond(
        SheetOut(
            round_id=round_.id,
            status=round_.status.value,
            criteria=[criterion_out(c) for c in criteria],
            items=items,
        )
    )


@endpoint(
    "/rounds/<int:round_id>/scores/<int:program_id>",
    "PUT",
    summary="Save a judge's scores for one program",
    who="the assigned judge",
    body=ScoresIn,
    response=ScoresOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def save_scores(round_id: int, program_id: int):
    # Not visible_round: anyone who is not the round's judge is refused scoring (403).
    require(actor().is_authenticated)
    round_ = get_or_404(Round, round_id)
    require(
        permissions.can_score(
            actor(), round_, is_assigned=services.is_assigned(db.session, round_.id, actor().id)
        )
    )
    body = parse_body(ScoresIn)
    scores = services.save_scores(
        db.session,
        round_=round_,
        program_id=program_id,
        judge=actor(),
        values=body.scores,
        now=utcnow(),
    )
    weights = {c.id: c.weight for c in round_.criteria}
    total = sum((weights[s.criterion_id] * s.value for s in scores), Decimal(0))
    saved = ScoresOut(
        round_id=round_.id,
        program_id=program_id,
        scores={str(s.criterion_id): money(s.value) for s in scores},
        total=money(total),
    )
    db.session.commit()
    return respond(saved)


def _ranked(item: queries.ResultItem) -> dict:
    return dict(
        program_id=item.program_id,
        title=item.title,
        troupe_name=item.troupe_name,
        category_name=item.category_name,
        score=money(item.score),
        rank=item.rank,
        judge_count=item.judge_count,
        advanced=item.advanced,
    )


def results_out(round_: Round, audience: permissions.RoundAudience) -> JudgeResultsOut:
    """The results as ``audience`` sees them, built from what the results page of that
    audience is built from (``queries.round_results`` with the same audience)."""
    results = queries.round_results(db.session, round_, audience)
    if not audience.sees_judges:
        return JudgeResultsOut(
            round_id=round_.id,
            status=round_.status.value,
            complete=results.complete,
            items=[JudgeResultOut(**_ranked(i)) for i in results.items],
        )
    return ResultsOut(
        round_id=round_.id,
        status=round_.status.value,
        complete=results.complete,
        missing_sheets=results.missing,
        items=[
            ResultOut(
                **_ranked(i),
                judge_totals={str(j): scoring.units_text(u) for j, u in i.judge_units.items()},
                dropped_high_judge_id=i.dropped_high,
                dropped_low_judge_id=i.dropped_low,
                spread=money(i.spread),
            )
            for i in results.items
        ],
    )


@endpoint(
    "/rounds/<int:round_id>/results",
    "GET",
    summary="The ranking, best first",
    who="organizers (with every judge's total); the round's judges after it is closed "
    "(the ranking only)",
    response=(ResultsOut, JudgeResultsOut),
    errors=(401, 403, 404),
)
def get_results(round_id: int):
    round_, audience = round_with_audience(round_id)
    require(permissions.can_see_results(audience, round_))
    return respond(results_out(round_, audience))


@endpoint(
    "/rounds/<int:round_id>/close",
    "POST",
    summary="Close the round and advance the best",
    who="the round's organizers",
    body=CloseIn,
    response=RoundOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def close_round(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(CloseIn)
    services.close_round(
        db.session,
        round_=round_,
        advance_program_ids=body.advance_program_ids,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(round_out(round_, permissions.ORGANIZER))


@endpoint(
    "/programs/<int:program_id>/recommend",
    "POST",
    summary="Recommend a program to a festival of a higher level",
    who="organizers of the program's festival",
    status=201,
    body=RecommendIn,
    response=ProgramOut,
    errors=(400, 401, 403, 404, 422),
)
def recommend(program_id: int):
    require(actor().is_authenticated)
    program = program_for(db.session, program_id)
    if program is None:
        raise NotFound()
    require(can_manage_festival(actor(), program.festival))
    body = parse_body(RecommendIn)
    target = load_festival(db.session, actor(), body.festival_id)
    recommended = services.recommend_program(
        db.session,
        program=program,
        target=target,
        category_id=body.category_id,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(program_out(program_for(db.session, recommended.id)), 201)
