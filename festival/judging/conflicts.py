"""Automatic conflicts of interest (回避): with ``Round.auto_conflicts``, a judge whose
organisation is a program's troupe's organisation, or one under it, never scores that program;
nor does a judge from an office below the festival's own score the troupes of the offices
under theirs (a district's judge never scores that district's troupes at the city). See
``relation``.

They are stored as ``Conflict`` rows marked ``automatic``, so everything that reads conflicts
(save_scores' refusal, the ranking's completeness, the judge's sheet) treats them as declared
ones. Their reason is not stored: it is said from the rule when shown (``automatic_reason``),
in the reader's language."""

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.audit.services import record
from festival.db import locked, upsert_insert
from festival.judging.models import Conflict, JudgeAssignment, Round, RoundEntry
from festival.programs.models import Program
from festival.troupes.models import Troupe

# Organisations nest a few levels deep (district → city → province); a walk up stops here
# even if a cycle were ever stored.
MAX_DEPTH = 16

SAME = "same"  # the judge's organisation is the troupe's
JUDGE_BELOW = "judge_below"  # the judge's organisation is under the troupe's
JUDGE_ABOVE = "judge_above"  # the troupe's is under the judge's, itself under the festival's


def organization_parents(session: Session) -> dict[int, int | None]:
    """Every organisation's parent: the tree is small (offices, not people)."""
    return dict(session.execute(select(Organization.id, Organization.parent_id)).all())


def _line_up(organization_id: int, parents: dict[int, int | None]) -> list[int]:
    """The organisation and those above it, nearest first."""
    line, current = [], organization_id
    while current is not None and current not in line and len(line) <= MAX_DEPTH:
        line.append(current)
        current = parents.get(current)
    return line


def relation(
    judge_organization_id: int | None,
    troupe_organization_id: int,
    festival_organization_id: int,
    parents: dict[int, int | None],
) -> str | None:
    """Why the rule keeps a judge off a troupe's program, or None. API.md: the judge's
    organisation is the troupe's, or one under it; and (the issue's example: a district's
    judge never scores that district's troupes at the city) a judge's office below the
    festival's own is kept off the troupes of the offices under it. The festival's own
    office and those above it (the city's judges at the city festival) judge every troupe
    that is not their own."""
    if judge_organization_id is None:
        return None
    if judge_organization_id == troupe_organization_id:
        return SAME
    if troupe_organization_id in _line_up(judge_organization_id, parents):
        return JUDGE_BELOW
    judge_line = _line_up(judge_organization_id, parents)
    if (
        judge_organization_id in _line_up(troupe_organization_id, parents)
        and festival_organization_id in judge_line[1:]
    ):
        return JUDGE_ABOVE
    return None


def add_automatic_conflicts(
    session: Session,
    *,
    round_: Round,
    judge_id: int | None = None,
    actor: User,
    now: datetime,
) -> list[tuple[int, int]]:
    """Record the automatic conflicts the rule (``relation``) finds between the round's
    judges (or only ``judge_id``) and its entries, leaving pairs that have a conflict
    already; one audit entry names them. Returns the (judge id, program id) pairs added. A
    constant number of queries whatever the number of judges and programs."""
    if not round_.auto_conflicts:
        return []
    # Judges and entries added at the same moment by two requests: each takes its turn here,
    # so the later one sees what the earlier committed and no pair is missed.
    locked(session, Round, round_.id)
    judges_query = (
        select(User.id, User.organization_id)
        .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
        .where(JudgeAssignment.round_id == round_.id, User.organization_id.is_not(None))
    )
    if judge_id is not None:
        judges_query = judges_query.where(User.id == judge_id)
    judges = session.execute(judges_query).all()
    if not judges:
        return []
    entries = session.execute(
        select(Program.id, Troupe.organization_id)
        .join(RoundEntry, RoundEntry.program_id == Program.id)
        .join(Troupe, Troupe.id == Program.troupe_id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    declared = set(
        session.execute(
            select(Conflict.judge_id, Conflict.program_id).where(Conflict.round_id == round_.id)
        ).all()
    )
    parents = organization_parents(session)
    festival_organization = round_.festival.organization_id
    related: dict[tuple[int, int], bool] = {}
    pairs = []
    for judge, judge_organization in judges:
        for program, troupe_organization in entries:
            key = (judge_organization, troupe_organization)
            if key not in related:
                related[key] = (
                    relation(
                        judge_organization, troupe_organization, festival_organization, parents
                    )
                    is not None
                )
            if related[key] and (judge, program) not in declared:
                pairs.append((judge, program))
    pairs.sort()
    if not pairs:
        return []
    # ON CONFLICT DO NOTHING: a manual declaration of the same pair committed meanwhile wins.
    session.execute(
        upsert_insert(session)(Conflict).on_conflict_do_nothing(
            index_elements=["round_id", "judge_id", "program_id"]
        ),
        [
            {
                "round_id": round_.id,
                "judge_id": judge,
                "program_id": program,
                "reason": "",
                "automatic": True,
                "declared_by_id": None,
                "declared_at": now,
            }
            for judge, program in pairs
        ],
    )
    record(
        session,
        actor=actor,
        action="automatic_conflicts",
        entity_type="round",
        entity_id=round_.id,
        changes={"conflicts": [[judge, program] for judge, program in pairs]},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    session.flush()
    return pairs


def automatic_reason(
    judge_organization: str | None, troupe_organization: str | None, *, kind: str | None
) -> str:
    """Why the rule keeps a judge off a program, in the reader's language."""
    names = {"judge": judge_organization or "—", "troupe": troupe_organization or "—"}
    if kind == SAME:
        return gettext(
            "The judge's organisation (%(judge)s) is the troupe's organisation.", **names
        )
    if kind == JUDGE_BELOW:
        return gettext(
            "The judge's organisation (%(judge)s) is under the troupe's organisation (%(troupe)s).",
            **names,
        )
    return gettext(
        "The judge's organisation (%(judge)s) is above the troupe's organisation (%(troupe)s).",
        **names,
    )
