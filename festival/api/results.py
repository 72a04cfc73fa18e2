"""A round's results and closing: /rounds/{id}/results, /rounds/{id}/close; and recommending
upward: /programs/{id}/recommend."""

from flask import request
from pydantic import BaseModel

from festival.api.envelope import actor, int_arg, page_params, parse_body, respond
from festival.api.registry import endpoint
from festival.api.rounds import RoundOut, managed_round, money, round_out, round_with_audience
from festival.api.schemas import DbInt, ProgramOut, program_out
from festival.awards import recommendations
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.core.pagination import MAX_PER_PAGE
from festival.db import db
from festival.festivals.permissions import can_manage_festival
from festival.festivals.queries import load_festival
from festival.judging import permissions, result_queries, scoring, services
from festival.judging.models import Round
from festival.programs.queries import program_for
from festival.web.auth import require


class JudgeResultOut(BaseModel):
    """One program of the ranking as the round's judges see it after the close: the
    contract's fields, ``troupe_name`` null in a blind round; no judge's total."""

    program_id: int
    title: str
    troupe_name: str | None
    category_id: int
    category_name: str
    score: str | None
    rank: int | None
    category_rank: int | None  # the rank within its category
    judge_count: int
    advanced: bool


class JudgeResultsOut(BaseModel):
    round_id: int
    status: str
    aggregation: str
    trim: int
    ranking: str
    complete: bool
    items: list[JudgeResultOut]
    # Without ?page= and ?per_page= every item is given (page and per_page are then null);
    # ``total`` counts the items of the whole list (of ?category_id= if given).
    page: int | None
    per_page: int | None
    total: int


class ResultOut(JudgeResultOut):
    """One program of the ranking as the round's organizers see it: every judge's total."""

    troupe_name: str
    judge_totals: dict[str, str]
    dropped_high_judge_id: int | None
    dropped_low_judge_id: int | None
    # Every dropped judge (``trim`` at each end, highest first; lowest first), and for a
    # median the judge(s) whose totals make the score.
    dropped_high_judge_ids: list[int]
    dropped_low_judge_ids: list[int]
    median_judge_ids: list[int]
    spread: str | None


class ResultsOut(JudgeResultsOut):
    missing_sheets: int
    items: list[ResultOut]


class CloseIn(BaseModel):
    advance_program_ids: list[DbInt] | None = None


class RecommendIn(BaseModel):
    festival_id: DbInt
    category_id: DbInt | None = None


def _ranked(item: result_queries.ResultItem) -> dict:
    return dict(
        program_id=item.program_id,
        title=item.title,
        troupe_name=item.troupe_name,
        category_id=item.category_id,
        category_name=item.category_name,
        score=money(item.score),
        rank=item.rank,
        category_rank=item.category_rank,
        judge_count=item.judge_count,
        advanced=item.advanced,
    )


def results_out(
    round_: Round,
    audience: permissions.RoundAudience,
    *,
    page: int | None = None,
    per_page: int = 50,
    category_id: int | None = None,
) -> JudgeResultsOut:
    """The results as ``audience`` sees them, built from what the results page of that
    audience is built from (``result_queries.ranking_page`` with the same audience): every
    item, or one page of them; of one category if asked."""
    results = result_queries.ranking_page(
        db.session, round_, audience, page=page, per_page=per_page, category_id=category_id
    )
    result_queries.add_details(db.session, results, results.items)
    common = dict(
        round_id=round_.id,
        status=round_.status.value,
        aggregation=round_.aggregation.value,
        trim=round_.trim,
        ranking=round_.ranking.value,
        complete=results.complete,
        page=page,
        per_page=None if page is None else per_page,
        total=results.total,
    )
    if not audience.sees_judges:
        return JudgeResultsOut(
            **common, items=[JudgeResultOut(**_ranked(i)) for i in results.items]
        )
    return ResultsOut(
        **common,
        missing_sheets=results.missing,
        items=[
            ResultOut(
                **_ranked(i),
                judge_totals={str(j): scoring.units_text(u) for j, u in i.judge_units.items()},
                dropped_high_judge_id=i.dropped_high,
                dropped_low_judge_id=i.dropped_low,
                dropped_high_judge_ids=list(i.dropped_highs),
                dropped_low_judge_ids=list(i.dropped_lows),
                median_judge_ids=list(i.middle),
                spread=money(i.spread),
            )
            for i in results.items
        ],
    )


@endpoint(
    "/rounds/<int:round_id>/results",
    "GET",
    summary="The ranking, best first (category by category when ranked by category); "
    "every item, or a page of them with ?page= and ?per_page=",
    who="organizers (with every judge's total); the round's judges after it is closed "
    "(the ranking only)",
    response=(ResultsOut, JudgeResultsOut),
    query={
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
        "category_id": {"type": "integer"},
    },
    errors=(400, 401, 403, 404),
)
def get_results(round_id: int):
    round_, audience = round_with_audience(round_id)
    require(permissions.can_see_results(audience, round_))
    paged = "page" in request.args or "per_page" in request.args
    page, per_page = page_params() if paged else (None, MAX_PER_PAGE)
    return respond(
        results_out(
            round_, audience, page=page, per_page=per_page, category_id=int_arg("category_id")
        )
    )


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
    errors=(400, 401, 403, 404, 409, 422),
)
def recommend(program_id: int):
    require(actor().is_authenticated)
    program = program_for(db.session, program_id)
    if program is None:
        raise NotFound()
    require(can_manage_festival(actor(), program.festival))
    body = parse_body(RecommendIn)
    target = load_festival(db.session, actor(), body.festival_id)
    recommended = recommendations.recommend_program(
        db.session,
        program=program,
        target=target,
        category_id=body.category_id,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(program_out(program_for(db.session, recommended.id)), 201)
