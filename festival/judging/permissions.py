"""Who may run a round, score in it and see its results, and what each of them sees."""

from dataclasses import dataclass

from festival.accounts.models import Role, User
from festival.festivals.models import FestivalStatus
from festival.festivals.permissions import can_manage_festival
from festival.judging.models import Round, RoundStatus
from festival.programs.models import Program


@dataclass(frozen=True)
class RoundAudience:
    """What one kind of viewer sees of a round, on its pages and through the API alike."""

    name: str  # "organizer" or "judge": which serializer the API answers with
    sees_judges: bool  # who judges, every judge's total, the dropped ones, the spread
    sees_troupes: bool  # the troupes' names (hidden from judges in a blind round)

    @property
    def manages(self) -> bool:
        return self.name == "organizer"


# The round's organizers see everything; its judges their own scores, and after the close
# the ranking: never another judge's total or who the other judges are.
ORGANIZER = RoundAudience("organizer", sees_judges=True, sees_troupes=True)
JUDGE = RoundAudience("judge", sees_judges=False, sees_troupes=True)
BLIND_JUDGE = RoundAudience("judge", sees_judges=False, sees_troupes=False)


def can_manage_round(user: User, round_: Round) -> bool:
    return can_manage_festival(user, round_.festival)


def round_audience(user: User, round_: Round, *, is_assigned: bool) -> RoundAudience | None:
    """Who ``user`` is to this round: its organizer, one of its judges, or nobody (None: the
    round is unknown to them)."""
    if can_manage_round(user, round_):
        return ORGANIZER
    if user.is_authenticated and is_assigned:
        return BLIND_JUDGE if round_.is_blind else JUDGE
    return None


def can_score(user: User, round_: Round, *, is_assigned: bool) -> bool:
    """Only a judge assigned to this round scores in it."""
    return user.is_authenticated and user.role is Role.judge and is_assigned


def can_see_results(audience: RoundAudience | None, round_: Round) -> bool:
    """Organizers at any time; the round's judges once it is closed."""
    if audience is None:
        return False
    return audience.manages or round_.status is RoundStatus.closed


def can_declare_conflict(user: User, round_: Round, *, judge_id: int, is_assigned: bool) -> bool:
    """The round's organizers for anyone; a judge for themselves."""
    if can_manage_round(user, round_):
        return True
    return is_assigned and user.is_authenticated and user.id == judge_id


def can_read_comments(user: User, program: Program) -> bool:
    """The judges' comments on a program: its festival's organizers at any time, the troupe's
    leader once the festival's results are published; nobody ever learns who wrote them."""
    if not user.is_authenticated:
        return False
    if can_manage_festival(user, program.festival):
        return True
    return (
        user.role is Role.leader
        and program.troupe.leader_id == user.id
        and program.festival.status in (FestivalStatus.announced, FestivalStatus.final)
    )
