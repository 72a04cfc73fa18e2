"""Program submissions: submit, edit and withdraw, all through the eligibility rules."""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Conflict, ValidationFailed
from festival.core.titles import bare_title
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.programs.eligibility import Performer, Rules, Submission, submission_problems
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.troupes.models import Membership, Person, Troupe
from festival.troupes.queries import person_is_visible


def _check(
    session: Session,
    *,
    festival: Festival,
    troupe: Troupe,
    category_id: int | None,
    submission: Submission,
    may_submit_late: bool,
    now: datetime,
    viewer: User,
    editing: Program | None = None,
    allow_screening: bool = False,
) -> Category | None:
    """Raise ValidationFailed with every problem of this submission; return its category.
    A performer who is neither a member of the troupe nor someone ``viewer`` may reach is
    named like an id that no person has: nothing of them (name, age) is told."""
    category = session.get(Category, category_id) if category_id is not None else None
    if category is not None and category.festival_id != festival.id:
        category = None
    is_open = festival.status is FestivalStatus.open or (
        allow_screening and festival.status is FestivalStatus.screening
    )
    rules = Rules(
        min_age=festival.min_performer_age,
        starts_on=festival.starts_on,
        deadline=festival.submission_deadline,
        is_open=is_open,
        may_submit_late=may_submit_late,
        category_name=category.name if category else None,
        category_max_minutes=category.max_duration_minutes if category else None,
        troupe_name=troupe.name,
        min_age_share=category.min_age_share if category else Decimal(1),
    )
    performers = [
        Performer(
            id=row.id, name=row.name, birth_date=row.birth_date, is_member=row.troupe_id is not None
        )
        for row in session.execute(
            select(Person.id, Person.name, Person.birth_date, Membership.troupe_id)
            .outerjoin(
                Membership,
                and_(Membership.person_id == Person.id, Membership.troupe_id == troupe.id),
            )
            .where(
                Person.id.in_(submission.performer_ids[:400]),
                or_(Membership.troupe_id.is_not(None), person_is_visible(viewer)),
            )
        )
    ]
    taken = select(Program.id).where(
        Program.festival_id == festival.id,
        Program.troupe_id == troupe.id,
        func.lower(Program.title) == submission.title.strip().lower(),
    )
    if editing is not None:
        taken = taken.where(Program.id != editing.id)
    problems = submission_problems(
        submission,
        rules,
        performers=performers,
        title_taken=session.execute(taken.limit(1)).first() is not None,
        now=now,
    )
    if problems:
        raise ValidationFailed(fields=problems)
    return category


def submit_program(
    session: Session,
    *,
    festival: Festival,
    troupe: Troupe,
    category_id: int | None,
    title: str,
    duration_minutes: int | None,
    performer_ids: list[int],
    may_submit_late: bool,
    actor: User,
    now: datetime,
    allow_screening: bool = False,
) -> Program:
    """Submit a troupe's program to a festival; organizers may still enter late ones, and a
    recommendation from a lower level may arrive while screening has begun. Book-title
    marks typed around the title are dropped: pages add them."""
    title = bare_title(title)
    submission = Submission(
        title=title, duration_minutes=duration_minutes, performer_ids=list(performer_ids)
    )
    _check(
        session,
        festival=festival,
        troupe=troupe,
        category_id=category_id,
        submission=submission,
        may_submit_late=may_submit_late,
        now=now,
        viewer=actor,
        allow_screening=allow_screening,
    )
    program = Program(
        festival_id=festival.id,
        troupe_id=troupe.id,
        category_id=category_id,
        title=title.strip(),
        duration_minutes=duration_minutes,
        status=ProgramStatus.submitted,
        is_late=now > festival.submission_deadline,
        submitted_by_id=actor.id,
        submitted_at=now,
        updated_at=now,
    )
    program.performers = [ProgramPerformer(person_id=pid) for pid in dict.fromkeys(performer_ids)]
    session.add(program)
    session.flush()
    record(
        session,
        actor=actor,
        action="submit_program",
        entity_type="program",
        entity_id=program.id,
        changes={"title": program.title, "late": program.is_late},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return program


def _ensure_editable(program: Program, *, may_submit_late: bool, now: datetime) -> None:
    if program.status is not ProgramStatus.submitted:
        raise Conflict(_l("Only a submitted program can be changed or withdrawn."))
    if program.festival.status is not FestivalStatus.open:
        raise Conflict(_l("Screening has started; the program can no longer be changed."))
    if now > program.festival.submission_deadline and not may_submit_late:
        raise Conflict(_l("The deadline has passed; please ask the festival office."))


def _ensure_version(program: Program, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != program.version:
        raise Conflict(
            _l(
                "Someone else changed this program while you were editing it. "
                "Reload the page to see their changes, then edit again."
            )
        )


def update_program(
    session: Session,
    *,
    program: Program,
    title: str | None = None,
    category_id: int | None = None,
    duration_minutes: int | None = None,
    performer_ids: list[int] | None = None,
    expected_version: int | None = None,
    may_submit_late: bool,
    actor: User,
    now: datetime,
) -> Program:
    """Change a submitted program before screening; omitted values stay as they are."""
    _ensure_version(program, expected_version)
    _ensure_editable(program, may_submit_late=may_submit_late, now=now)
    current_ids = [p.person_id for p in program.performers]
    new_title = program.title if title is None else bare_title(title)
    new_category = program.category_id if category_id is None else category_id
    new_minutes = program.duration_minutes if duration_minutes is None else duration_minutes
    new_ids = current_ids if performer_ids is None else list(performer_ids)
    _check(
        session,
        festival=program.festival,
        troupe=program.troupe,
        category_id=new_category,
        submission=Submission(title=new_title, duration_minutes=new_minutes, performer_ids=new_ids),
        may_submit_late=True,
        now=now,
        viewer=actor,
        editing=program,
    )
    changes = {}
    for field, value in (
        ("title", new_title.strip()),
        ("category_id", new_category),
        ("duration_minutes", new_minutes),
    ):
        if getattr(program, field) != value:
            changes[field] = [getattr(program, field), value]
            setattr(program, field, value)
    if sorted(current_ids) != sorted(set(new_ids)):
        changes["performer_ids"] = [sorted(current_ids), sorted(set(new_ids))]
        keep = set(new_ids)
        program.performers = [p for p in program.performers if p.person_id in keep] + [
            ProgramPerformer(person_id=pid)
            for pid in dict.fromkeys(new_ids)
            if pid not in set(current_ids)
        ]
    if changes:
        program.updated_at = now
        record(
            session,
            actor=actor,
            action="update_program",
            entity_type="program",
            entity_id=program.id,
            changes=changes,
            organization_id=program.festival.organization_id,
            festival_id=program.festival_id,
            now=now,
        )
    session.flush()
    return program


def withdraw_program(
    session: Session,
    *,
    program: Program,
    expected_version: int | None = None,
    actor: User,
    now: datetime,
) -> Program:
    """Withdraw a submitted program before screening starts (after the deadline too: a
    performer may fall ill)."""
    _ensure_version(program, expected_version)
    _ensure_editable(program, may_submit_late=True, now=now)
    program.status = ProgramStatus.withdrawn
    program.updated_at = now
    record(
        session,
        actor=actor,
        action="withdraw_program",
        entity_type="program",
        entity_id=program.id,
        organization_id=program.festival.organization_id,
        festival_id=program.festival_id,
        now=now,
    )
    session.flush()
    return program
