"""A judge's home: the rounds to score with how many programs are left, then closed ones."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.judging.models import RoundStatus
from festival.judging.queries import RoundLine, judge_rounds
from festival.public.home.steps import Step


@dataclass
class JudgeHome:
    open_rounds: list[RoundLine]
    closed_rounds: list[RoundLine]
    steps: list[Step]


def judge_home(session: Session, judge: User) -> JudgeHome:
    """A judge's rounds: those to score with how many programs are left, then closed ones."""
    lines = judge_rounds(session, judge.id)
    open_rounds = [line for line in lines if line.round.status is RoundStatus.open]
    steps = []
    for line in open_rounds:
        names = {"round": line.round.name, "festival": line.festival_name}
        sheet = {"round_id": line.round.id}
        if not line.total:
            steps.append(
                Step(
                    _("%(round)s of %(festival)s has no programs for you to score yet.", **names),
                    _("Open the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                )
            )
        elif line.left:
            steps.append(
                Step(
                    _(
                        "Score %(round)s of %(festival)s: %(left)d of %(total)d programs left.",
                        left=line.left,
                        total=line.total,
                        **names,
                    ),
                    _("Open the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                    urgent=True,
                )
            )
        else:
            steps.append(
                Step(
                    _(
                        "You have scored every program of %(round)s of %(festival)s. "
                        "Thank you! Scores can be corrected until the round is "
                        "closed.",
                        **names,
                    ),
                    _("Check the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                )
            )
    steps.sort(key=lambda step: not step.urgent)
    return JudgeHome(
        open_rounds=open_rounds,
        closed_rounds=[line for line in lines if line not in open_rounds],
        steps=steps,
    )
