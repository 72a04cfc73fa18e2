"""The performance day's check-in and stage: /rounds/{id}/checkins and /rounds/{id}/stage."""

from datetime import datetime

from pydantic import BaseModel

from festival.api.envelope import actor, parse_body, respond
from festival.api.registry import endpoint
from festival.api.rounds import managed_round
from festival.api.schemas import DbInt
from festival.core.clock import utcnow
from festival.db import db
from festival.performance import checkin, stage


class CheckinIn(BaseModel):
    program_id: DbInt


class CheckinOut(BaseModel):
    program_id: int
    checked_in_at: datetime


class StageIn(BaseModel):
    program_id: DbInt | None  # null: the stage is empty


class OnStageOut(BaseModel):
    program_id: int
    title: str
    troupe_name: str
    position: int | None


class StageOut(BaseModel):
    on_stage: OnStageOut | None


def stage_out(current: stage.OnStage | None) -> StageOut:
    if current is None:
        return StageOut(on_stage=None)
    return StageOut(
        on_stage=OnStageOut(
            program_id=current.program_id,
            title=current.title,
            troupe_name=current.troupe_name,
            position=current.position,
        )
    )


@endpoint(
    "/rounds/<int:round_id>/checkins",
    "POST",
    summary="Check a program's troupe in: it has arrived (a second check-in keeps the first time)",
    who="the round's organizers",
    status=201,
    body=CheckinIn,
    response=CheckinOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def check_in_round_program(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(CheckinIn)
    entry = checkin.check_in(
        db.session, round_=round_, program_id=body.program_id, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(CheckinOut(program_id=entry.program_id, checked_in_at=entry.checked_in_at), 201)


@endpoint(
    "/rounds/<int:round_id>/stage",
    "POST",
    summary="Put a program on stage (null: the stage is empty)",
    who="the round's organizers",
    body=StageIn,
    response=StageOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def put_round_program_on_stage(round_id: int):
    round_ = managed_round(round_id)
    body = parse_body(StageIn)
    stage.put_on_stage(
        db.session, round_=round_, program_id=body.program_id, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(stage_out(stage.on_stage(db.session, round_.id)))
