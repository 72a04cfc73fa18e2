"""Who may run a round, score in it and see its results."""

from festival.accounts.models import Role, User
from festival.festivals.permissions import can_manage_festival
from festival.judging.models import Round, RoundStatus


def can_manage_round(user: User, round_: Round) -> bool:
    return can_manage_festival(user, round_.festival)


def can_score(user: User, round_: Round, *, is_assigned: bool) -> bool:
    """Only a judge assigned to this round scores in it."""
    return user.is_authenticated and user.role is Role.judge and is_assigned


def can_see_results(user: User, round_: Round, *, is_assigned: bool) -> bool:
    """Organizers at any time; the round's judges once it is closed."""
    if can_manage_round(user, round_):
        return True
    return is_assigned and round_.status is RoundStatus.closed


def can_declare_conflict(user: User, round_: Round, *, judge_id: int, is_assigned: bool) -> bool:
    """The round's organizers for anyone; a judge for themselves."""
    if can_manage_round(user, round_):
        return True
    return is_assigned and user.is_authenticated and user.id == judge_id
