"""Live scoring (现场亮分): /rounds/{id}/scores/{program id}/confirm and /rounds/{id}/live."""

from flask import jsonify, make_response, request
from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body, respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.rounds import managed_round
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.db import db
from festival.judging import permissions, queries
from festival.judging.models import Round
from festival.performance import live
from festival.web.auth import require


class ConfirmationOut(BaseModel):
    round_id: int
    program_id: int
    judge_id: int
    confirmed_at: str


class ReopenIn(BaseModel):
    judge_id: int
    # Required and at most 500 characters once stripped (the service says so); the bound here
    # only keeps a body from being absurd.
    reason: str = Field(default="", max_length=5000)


class ReopenOut(BaseModel):
    round_id: int
    program_id: int
    judge_id: int
    reopened: bool


class OnStageOut(BaseModel):
    program_id: int
    title: str
    troupe_name: str | None  # None in a blind round
    position: int


class JudgeTotalOut(BaseModel):
    judge: int  # 评委1..n in the order of assignment, never a name
    total: str


class LiveOut(BaseModel):
    on_stage: OnStageOut | None
    confirmed: int
    judges: int
    totals: list[JudgeTotalOut] | None = None  # once every judge without a conflict confirmed
    dropped: list[JudgeTotalOut] | None = None
    score: str | None = None
    you_confirmed: bool | None = None  # for a judge of the round: their own confirmation


@endpoint(
    "/rounds/<int:round_id>/scores/<int:program_id>/confirm",
    "POST",
    summary="Confirm a judge's score for one program as final",
    who="the assigned judge",
    response=ConfirmationOut,
    errors=(401, 403, 404, 409, 422),
)
def confirm_score(round_id: int, program_id: int):
    require_user()
    round_ = get_or_404(Round, round_id)
    require_judge(round_)
    confirmation = live.confirm(db.session, round_, program_id, actor(), utcnow())
    answer = ConfirmationOut(
        round_id=round_.id,
        program_id=program_id,
        judge_id=confirmation.judge_id,
        confirmed_at=confirmation.confirmed_at.isoformat(),
    )
    db.session.commit()
    return respond(answer)


@endpoint(
    "/rounds/<int:round_id>/scores/<int:program_id>/confirm",
    "DELETE",
    summary="Reopen a judge's confirmed score, with a reason",
    who="the round's organizers",
    body=ReopenIn,
    response=ReopenOut,
    errors=(400, 401, 403, 404, 409, 422),
)
def reopen_score(round_id: int, program_id: int):
    round_ = managed_round(round_id)
    body = parse_body(ReopenIn)
    live.reopen(
        db.session, round_, program_id, body.judge_id, body.reason, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(
        ReopenOut(round_id=round_.id, program_id=program_id, judge_id=body.judge_id, reopened=True)
    )


@endpoint(
    "/rounds/<int:round_id>/live",
    "GET",
    summary="The live state of a round: the program on stage, confirmations, the score",
    who="the round's organizers and judges; anyone when the round's screen is public",
    response=LiveOut,
    errors=(401, 404),
    public=True,
)
def live_state(round_id: int):
    # The validator first, in one query: an unchanged poll of a public screen costs only it.
    validator = live.live_validator(db.session, round_id)
    if validator is None:
        raise NotFound()
    viewer_id = None
    etag = validator.etag
    if not validator.screen_public or actor().is_authenticated:
        if not validator.screen_public:
            require_user()
        round_ = get_or_404(Round, round_id)
        audience = _audience(round_)
        if audience is None and not validator.screen_public:
            raise NotFound()
        if audience is not None and not audience.manages:
            viewer_id = actor().id
            etag = f"{etag}-j{viewer_id}"  # a judge's answer says if they confirmed
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    round_ = get_or_404(Round, round_id)
    state = live.live_state(db.session, round_, viewer_id)
    response = make_response(
        jsonify(
            LiveOut.model_validate(state.as_json()).model_dump(
                mode="json", exclude_none=False, exclude=_absent(state)
            )
        )
    )
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _absent(state: live.LiveState) -> set[str]:
    absent = set()
    if state.totals is None:
        absent |= {"totals", "dropped", "score"}
    if state.you_confirmed is None:
        absent.add("you_confirmed")
    return absent


def _not_modified(etag: str):
    response = make_response("", 304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _audience(round_: Round) -> permissions.RoundAudience | None:
    user = actor()
    if not user.is_authenticated:
        return None
    return permissions.round_audience(
        user, round_, is_assigned=queries.is_assigned(db.session, round_.id, user.id)
    )


def require_user() -> None:
    require(actor().is_authenticated)


def require_judge(round_: Round) -> None:
    require(
        permissions.can_score(
            actor(), round_, is_assigned=queries.is_assigned(db.session, round_.id, actor().id)
        )
    )
