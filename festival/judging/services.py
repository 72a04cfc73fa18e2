"""Screening rounds: creating them, their judges and entries, closing them. Scores and
conflicts of interest are written by ``judging.scores``."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Role, User
from festival.audit.services import record
from festival.core.errors import (
    Conflict,
    RoundClosed,
    TieAtCutoff,
    ValidationFailed,
)
from festival.core.titles import bare_title, book_title
from festival.core.wording import clauses, labelled, listing
from festival.db import locked
from festival.festivals.models import Festival, FestivalStatus
from festival.judging import conflicts, queries, scoring
from festival.judging.models import (
    Aggregation,
    Criterion,
    JudgeAssignment,
    Ranking,
    Round,
    RoundEntry,
    RoundResultsKey,
    RoundStatus,
)
from festival.judging.result_keys import results_changed
from festival.judging.result_queries import ranking
from festival.programs.models import Program, ProgramStatus

MAX_SCORE_LIMIT = Decimal("1000")
MAX_WEIGHT = Decimal("100")
MAX_TRIM = 20  # totals dropped at each end: more than 41 judges on one panel is not a panel


def create_round(
    session: Session,
    *,
    festival: Festival,
    name: str,
    aggregation: Aggregation | str = Aggregation.trimmed_mean,
    trim: int = 1,
    criteria: list[Mapping],
    advance_count: int | None = None,
    ranking: Ranking | str = Ranking.overall,
    auto_conflicts: bool = True,
    is_blind: bool = False,
    by_video: bool = False,
    actor: User,
    now: datetime,
) -> Round:
    """A new round, open for scoring, with its weighted criteria; the previous round must be
    closed. The festival's status never changes here: a round may be set up while
    submissions are still open (closing them is ``festivals.services.close_intake``), and only
    the programs that the organizer enters are frozen."""
    problems: dict[str, list] = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=80)]
    try:
        aggregation = Aggregation(aggregation)
    except ValueError:
        problems["aggregation"] = [_l("Choose trimmed_mean, median or mean.")]
    if isinstance(trim, bool) or not isinstance(trim, int) or not 1 <= trim <= MAX_TRIM:
        problems["trim"] = [
            _l(
                "Drop at least %(low)d and at most %(high)d totals at each end.",
                low=1,
                high=MAX_TRIM,
            )
        ]
    try:
        ranking = Ranking(ranking)
    except ValueError:
        problems["ranking"] = [_l("Choose overall or by_category.")]
    if advance_count is not None and advance_count < 0:
        problems["advance_count"] = [_l("Enter a number of places of at least 0.")]
    if festival.status not in (FestivalStatus.open, FestivalStatus.screening):
        problems["festival_id"] = [
            _l("Open the festival before screening it; announced festivals are finished.")
        ]
    parsed = []
    if not criteria:
        problems["criteria"] = [_l("Add at least one scoring criterion.")]
    seen = set()
    for index, criterion in enumerate(criteria or []):
        label = f"criteria.{index}"
        criterion_name = str(criterion.get("name") or "").strip()
        max_score = scoring.exact_two_places(criterion.get("max_score"))
        weight = scoring.exact_two_places(criterion.get("weight", 1))
        if not 1 <= len(criterion_name) <= 80:
            problems.setdefault(label, []).append(
                _l("Name each criterion (at most 80 characters).")
            )
        elif criterion_name in seen:
            problems.setdefault(label, []).append(_l("Two criteria have the same name."))
        seen.add(criterion_name)
        if max_score is None or not 0 < max_score <= MAX_SCORE_LIMIT:
            problems.setdefault(label, []).append(
                _l("The maximum score is a number above 0 and at most 1000.")
            )
        if weight is None or not 0 < weight <= MAX_WEIGHT:
            problems.setdefault(label, []).append(
                _l("The weight is a number above 0 and at most 100.")
            )
        parsed.append((criterion_name, max_score, weight))
    last = session.execute(
        select(Round)
        .where(Round.festival_id == festival.id)
        .order_by(Round.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is not None and last.status is not RoundStatus.closed:
        problems["festival_id"] = [
            _l("Close %(round)s before starting the next round.", round=last.name)
        ]
    if problems:
        raise ValidationFailed(fields=problems)
    round_ = Round(
        festival_id=festival.id,
        name=name,
        position=(last.position + 1) if last else 1,
        aggregation=aggregation,
        trim=trim,
        advance_count=advance_count,
        ranking=ranking,
        auto_conflicts=bool(auto_conflicts),
        status=RoundStatus.open,
        is_blind=is_blind,
        by_video=bool(by_video),
        created_at=now,
    )
    session.add(round_)
    session.flush()
    session.add(RoundResultsKey(round_id=round_.id))
    for position, (criterion_name, max_score, weight) in enumerate(parsed, start=1):
        session.add(
            Criterion(
                round_id=round_.id,
                name=criterion_name,
                max_score=max_score,
                weight=weight,
                position=position,
            )
        )
    session.flush()
    record(
        session,
        actor=actor,
        action="create_round",
        entity_type="round",
        entity_id=round_.id,
        changes={
            "name": name,
            "festival_id": festival.id,
            "ranking": ranking.value,
            "auto_conflicts": bool(auto_conflicts),
            **({"by_video": True} if by_video else {}),
        },
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return round_


def ensure_open(round_: Round) -> None:
    """A closed round's scores, judges and entries are frozen."""
    if round_.status is RoundStatus.closed:
        raise RoundClosed()


def assign_judge(
    session: Session, *, round_: Round, user_id: int, actor: User, now: datetime
) -> JudgeAssignment:
    """Add a judge account to a round."""
    ensure_open(round_)
    judge = session.get(User, user_id)
    if judge is None or judge.role is not Role.judge or not judge.is_active:
        raise ValidationFailed(
            fields={"user_id": [_l("Choose an active account with the judge role.")]}
        )
    if queries.is_assigned(session, round_.id, user_id):
        raise Conflict(_l("%(name)s already judges this round.", name=judge.display_name))
    assignment = JudgeAssignment(round_id=round_.id, judge_id=user_id, assigned_at=now)
    session.add(assignment)
    session.flush()
    record(
        session,
        actor=actor,
        action="assign_judge",
        entity_type="round",
        entity_id=round_.id,
        changes={"judge_id": user_id},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    conflicts.add_automatic_conflicts(
        session, round_=round_, judge_id=user_id, actor=actor, now=now
    )
    results_changed(session, round_.id)
    return assignment


def add_entries(
    session: Session, *, round_: Round, program_ids: list[int], actor: User, now: datetime
) -> list[RoundEntry]:
    """Programs taking part: those that may enter the round (``queries.may_enter``: the first
    round takes submitted programs, a later round those advanced from the round before).
    Programs already entered are left as they are."""
    ensure_open(round_)
    ids = list(dict.fromkeys(program_ids))
    if not ids:
        raise ValidationFailed(fields={"program_ids": [_l("Choose at least one program.")]})
    programs = {
        p.id: p
        for p in session.execute(
            select(Program).where(Program.id.in_(ids), Program.festival_id == round_.festival_id)
        ).scalars()
    }
    allowed = queries.allowed_entries(session, round_, ids)
    already = set(
        session.execute(
            select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
        ).scalars()
    )
    problems = []
    for program_id in ids:
        program = programs.get(program_id)
        if program is None:
            problems.append(_l("Program %(id)d is not in this festival.", id=program_id))
        elif program_id in already or program_id in allowed:
            continue
        elif round_.position <= 1:
            problems.append(
                _l("《%(title)s》 is not a submitted program.", title=bare_title(program.title))
            )
        else:
            problems.append(
                _l(
                    "《%(title)s》 did not advance from the previous round.",
                    title=bare_title(program.title),
                )
            )
    if problems:
        raise ValidationFailed(fields={"program_ids": problems})
    entries = []
    for program_id in ids:
        if program_id in already:
            continue
        entries.append(RoundEntry(round_id=round_.id, program_id=program_id))
        programs[program_id].status = ProgramStatus.screening
    session.add_all(entries)
    session.flush()
    record(
        session,
        actor=actor,
        action="add_entries",
        entity_type="round",
        entity_id=round_.id,
        changes={"program_ids": [e.program_id for e in entries]},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    conflicts.add_automatic_conflicts(session, round_=round_, actor=actor, now=now)
    results_changed(session, round_.id)
    return entries


def _advancing_at_cut_lines(
    results, advance_count: int, advance_program_ids: list[int] | None
) -> list[int]:
    """The programs within ``advance_count`` places: over the whole ranking, or in each
    category when the round ranks by category (each category's cut line on its own). A tie
    across a cut line must be decided by ``advance_program_ids``, which then names every
    program that advances."""
    titles = {item.program_id: item.title for item in results.items}
    if results.by_category:
        groups = {}
        for item in results.items:
            groups.setdefault(item.category_id, {})[item.program_id] = item.category_rank
        names = {group.category_id: group.name for group in results.groups}
        order = [group.category_id for group in results.groups]
    else:
        groups = {None: {item.program_id: item.rank for item in results.items}}
        names, order = {}, [None]
    cuts = {group: scoring.cut_line(groups[group], advance_count) for group in order}
    tied_groups = [group for group in order if cuts[group].tied]
    if advance_program_ids is None:
        if not tied_groups:
            return [pid for group in order for pid in cuts[group].advancing]
        messages = []
        for group in tied_groups:
            cut = cuts[group]
            message = lazy_ngettext(
                "%(names)s are tied for the last place; choose which advance.",
                "%(names)s are tied for the last %(num)d places; choose which advance.",
                cut.places_left,
                names=listing(book_title(titles[pid]) for pid in cut.tied),
            )
            messages.append(labelled(names[group], message) if group is not None else message)
        raise TieAtCutoff(
            clauses(messages) if len(messages) > 1 or results.by_category else messages[0],
            fields={"advance_program_ids": [str(pid) for g in tied_groups for pid in cuts[g].tied]},
        )
    chosen = list(dict.fromkeys(advance_program_ids))
    known = {pid for ranks in groups.values() for pid in ranks}
    if any(pid not in known for pid in chosen):
        raise ValidationFailed(
            fields={"advance_program_ids": [_l("Only programs at the cut line can be chosen.")]}
        )
    advancing = []
    for group in order:
        try:
            advancing += scoring.choose_advancing(
                cuts[group], [pid for pid in chosen if pid in groups[group]]
            )
        except ValueError as error:
            kind, detail = error.args[0]
            message = {
                "missing": _l("Every program above the cut line advances."),
                "outside": _l("Only programs at the cut line can be chosen."),
                "count": _l("Choose exactly %(n)d of the tied programs.", n=detail),
            }[kind]
            if group is not None:
                message = labelled(names[group], message)
            raise ValidationFailed(fields={"advance_program_ids": [message]}) from None
    return advancing


def close_round(
    session: Session,
    *,
    round_: Round,
    advance_program_ids: list[int] | None,
    actor: User,
    now: datetime,
) -> list[int]:
    """Freeze the scores and advance the best ``advance_count`` programs (or the chosen ones).
    A tie across the cut line must be decided with ``advance_program_ids``. The round is
    locked first: saves in progress finish before the scores are read, later ones are refused."""
    locked(session, Round, round_.id)
    ensure_open(round_)
    results = ranking(session, round_, fresh=True)
    if not results.items:
        raise ValidationFailed(fields={"program_ids": [_l("The round has no programs.")]})
    if not results.complete:
        raise Conflict(
            lazy_ngettext(
                "%(num)d score sheet is still missing; every judge must score every program first.",
                "%(num)d score sheets are still missing; every judge must score "
                "every program first.",
                results.missing,
            )
        )
    ranks = {item.program_id: item.rank for item in results.items}
    if round_.advance_count is None:
        advancing = list(dict.fromkeys(advance_program_ids or []))
        unknown = [pid for pid in advancing if pid not in ranks]
        if unknown:
            raise ValidationFailed(
                fields={
                    "advance_program_ids": [
                        _l("Program %(id)d is not in this round.", id=unknown[0])
                    ]
                }
            )
    else:
        advancing = _advancing_at_cut_lines(results, round_.advance_count, advance_program_ids)
    chosen = set(advancing)
    entries = {
        e.program_id: e
        for e in session.execute(
            select(RoundEntry).where(RoundEntry.round_id == round_.id)
        ).scalars()
    }
    programs = {
        p.id: p
        for p in session.execute(
            select(Program)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .where(RoundEntry.round_id == round_.id)
        ).scalars()
    }
    for item in results.items:
        entry = entries[item.program_id]
        entry.final_score = item.score
        entry.final_rank = item.rank
        entry.advanced = item.program_id in chosen
        programs[item.program_id].status = (
            ProgramStatus.advanced if entry.advanced else ProgramStatus.eliminated
        )
    round_.status = RoundStatus.closed
    round_.closed_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="close_round",
        entity_type="round",
        entity_id=round_.id,
        changes={"advanced": advancing},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    results_changed(session, round_.id)
    return advancing
