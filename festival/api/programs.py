"""Program submissions: /festivals/{id}/programs, /programs/{id}, withdraw."""

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.api.envelope import (
    actor,
    int_arg,
    page_params,
    parse_body,
    respond,
    respond_page,
)
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, ProgramOut, program_out
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, NotFound, ValidationFailed
from festival.core.pagination import Page
from festival.db import db
from festival.festivals.permissions import can_manage_festival
from festival.festivals.queries import load_festival
from festival.judging.comments import readable_comments
from festival.media.eligibility_queries import program_media_problems
from festival.programs import permissions, queries, services
from festival.programs.models import Program, ProgramStatus
from festival.troupes.models import Troupe
from festival.web.auth import require


class ProgramCreate(BaseModel):
    title: str = Field(max_length=120)
    category_id: DbInt
    troupe_id: DbInt
    duration_minutes: DbInt
    performer_ids: list[DbInt] = Field(max_length=300)


class ProgramUpdate(BaseModel):
    title: str | None = Field(default=None, max_length=120)
    category_id: DbInt | None = None
    duration_minutes: DbInt | None = None
    performer_ids: list[DbInt] | None = Field(default=None, max_length=300)
    version: DbInt | None = None


class WithdrawRequest(BaseModel):
    version: DbInt | None = None


def managed_program(program_id: int) -> Program:
    require(actor().is_authenticated)
    program = queries.program_for(db.session, program_id)
    if program is None or not permissions.can_manage_program(actor(), program):
        raise NotFound()
    return program


@endpoint(
    "/festivals/<int:festival_id>/programs",
    "POST",
    summary="Submit a program",
    who="organizer; leader for own troupe",
    status=201,
    body=ProgramCreate,
    response=ProgramOut,
    errors=(400, 401, 403, 404, 422),
)
def submit_program(festival_id: int):
    require(actor().is_authenticated)
    festival = load_festival(db.session, actor(), festival_id)
    require(permissions.can_list_programs(actor(), festival))
    body = parse_body(ProgramCreate)
    troupe = db.session.get(Troupe, body.troupe_id)
    if troupe is None:
        raise ValidationFailed(fields={"troupe_id": [_l("No such troupe.")]})
    require(permissions.can_submit_program(actor(), festival, troupe))
    program = services.submit_program(
        db.session,
        festival=festival,
        troupe=troupe,
        category_id=body.category_id,
        title=body.title,
        duration_minutes=body.duration_minutes,
        performer_ids=body.performer_ids,
        may_submit_late=can_manage_festival(actor(), festival),
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(program_out(queries.program_for(db.session, program.id)), 201)


@endpoint(
    "/festivals/<int:festival_id>/programs",
    "GET",
    summary="A festival's programs",
    who="organizer; leader sees own",
    response=ProgramOut,
    paginated=True,
    errors=(400, 401, 403, 404),
    query={
        "status": {"type": "string", "enum": [s.value for s in ProgramStatus]},
        "category_id": {"type": "integer"},
        "troupe_id": {"type": "integer"},
    },
)
def list_programs(festival_id: int):
    festival = load_festival(db.session, actor(), festival_id)
    require(permissions.can_list_programs(actor(), festival))
    page, per_page = page_params()
    status = request.args.get("status")
    if status and status not in {s.value for s in ProgramStatus}:
        raise BadRequest(fields={"status": [_l("Unknown status.")]})
    filters = {name: int_arg(name) for name in ("category_id", "troupe_id")}
    listing = queries.programs_page(
        db.session,
        festival,
        actor(),
        page=page,
        per_page=per_page,
        status=status,
        with_performers=True,
        **filters,
    )
    items = [program_out(program) for program in listing.items]
    return respond_page(Page(items, listing.page, listing.per_page, listing.total), ProgramOut)


class CommentOut(BaseModel):
    round_id: int
    round_name: str
    text: str


class MediaProblemOut(BaseModel):
    code: str  # video_missing, backing_track_missing, video_too_long, backing_track_too_long
    message: str


class ProgramDetailOut(ProgramOut):
    # The judges' comments (点评), never who wrote them: present for the festival's organizers,
    # and for the troupe's leader once the festival is published; absent otherwise.
    comments: list[CommentOut] | None = None
    # What the program's video and backing track lack or exceed; empty when all is well.
    media_problems: list[MediaProblemOut] = []


@endpoint(
    "/programs/<int:program_id>",
    "GET",
    summary="One program",
    who="organizer; the owning leader",
    response=ProgramDetailOut,
    errors=(401, 404),
)
def get_program(program_id: int):
    program = managed_program(program_id)
    comments = readable_comments(db.session, actor(), program)
    shown = ProgramDetailOut(
        **program_out(program).model_dump(),
        comments=None
        if comments is None
        else [
            CommentOut(round_id=c.round_id, round_name=c.round_name, text=c.text) for c in comments
        ],
        media_problems=[
            MediaProblemOut(code=problem.code, message=str(problem.message))
            for problem in program_media_problems(db.session, program)
        ],
    )
    return jsonify(
        shown.model_dump(mode="json", exclude={"comments"} if comments is None else None)
    )


@endpoint(
    "/programs/<int:program_id>",
    "PATCH",
    summary="Change a program before screening",
    who="organizer; the owning leader",
    body=ProgramUpdate,
    response=ProgramOut,
    errors=(400, 401, 404, 409, 422),
)
def update_program(program_id: int):
    program = managed_program(program_id)
    body = parse_body(ProgramUpdate)
    services.update_program(
        db.session,
        program=program,
        title=body.title,
        category_id=body.category_id,
        duration_minutes=body.duration_minutes,
        performer_ids=body.performer_ids,
        expected_version=body.version,
        may_submit_late=can_manage_festival(actor(), program.festival),
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(program_out(queries.program_for(db.session, program.id)))


@endpoint(
    "/programs/<int:program_id>/withdraw",
    "POST",
    summary="Withdraw before screening",
    who="organizer; the owning leader",
    response=ProgramOut,
    errors=(400, 401, 404, 409),
)
def withdraw_program(program_id: int):
    program = managed_program(program_id)
    body = parse_body(WithdrawRequest) if request.get_data() else WithdrawRequest()
    services.withdraw_program(
        db.session, program=program, expected_version=body.version, actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(program_out(program))
