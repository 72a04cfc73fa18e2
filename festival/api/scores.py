"""A judge's score sheet and scores: /rounds/{id}/sheet, /rounds/{id}/scores/{program id}."""

from decimal import Decimal

from flask import jsonify
from pydantic import BaseModel, Field

from festival.api.envelope import actor, parse_body
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.rounds import CriterionOut, criterion_out, money, visible_round
from festival.api.schemas import Number
from festival.core.clock import utcnow
from festival.db import db
from festival.judging import permissions, queries
from festival.judging import scores as judging_scores
from festival.judging.models import Round
from festival.web.auth import require


class ScoresIn(BaseModel):
    scores: dict[str, Number]
    # At most 500 characters once stripped (the service says so, with the scores' problems);
    # the bound here only keeps a body from being absurd.
    comment: str | None = Field(default=None, max_length=5000)


class SheetVideoOut(BaseModel):
    playback_url: str  # signed, expires within hours
    poster_url: str | None
    duration_seconds: float | None


class SheetItem(BaseModel):
    program_id: int
    title: str
    category_name: str
    troupe_name: str | None  # None in a blind round
    scores: dict[str, str]
    complete: bool
    comment: str  # the judge's own comment (点评), "" when none
    # Only in a round screened by video: the program's ready video, null when it has none.
    video: SheetVideoOut | None = None


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
    comment: str | None = None  # the comment as stored, when the request gave one


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
    require(queries.is_assigned(db.session, round_.id, actor().id))
    criteria, rows = queries.judge_sheet(db.session, round_, actor())
    videos = queries.sheet_videos(db.session, round_, [row.program.id for row in rows])
    items = [
        SheetItem(
            program_id=row.program.id,
            title=row.program.title,
            category_name=row.program.category.name,
            troupe_name=None if round_.is_blind else row.program.troupe.name,
            scores={str(cid): money(value) for cid, value in row.scores.items()},
            complete=len(row.scores) == len(criteria),
            comment=row.comment,
            video=_video_out(videos.get(row.program.id)),
        )
        for row in rows
    ]
    sheet = SheetOut(
        round_id=round_.id,
        status=round_.status.value,
        criteria=[criterion_out(c) for c in criteria],
        items=items,
    )
    # ``video`` is answered only for a round screened by video.
    return jsonify(
        sheet.model_dump(
            mode="json", exclude=None if round_.by_video else {"items": {"__all__": {"video"}}}
        )
    )


def _video_out(video) -> SheetVideoOut | None:
    if video is None:
        return None
    return SheetVideoOut(
        playback_url=video.playback_url,
        poster_url=video.poster_url,
        duration_seconds=video.duration_seconds,
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
            actor(), round_, is_assigned=queries.is_assigned(db.session, round_.id, actor().id)
        )
    )
    body = parse_body(ScoresIn)
    scores = judging_scores.save_scores(
        db.session,
        round_=round_,
        program_id=program_id,
        judge=actor(),
        values=body.scores,
        now=utcnow(),
        comment=body.comment,
    )
    weights = {c.id: c.weight for c in round_.criteria}
    total = sum((weights[s.criterion_id] * s.value for s in scores), Decimal(0))
    saved = ScoresOut(
        round_id=round_.id,
        program_id=program_id,
        scores={str(s.criterion_id): money(s.value) for s in scores},
        total=money(total),
        comment=None if body.comment is None else body.comment.strip(),
    )
    db.session.commit()
    # ``comment`` is answered only when it was sent: the stored one is not read otherwise.
    return jsonify(
        saved.model_dump(mode="json", exclude={"comment"} if body.comment is None else None)
    )
