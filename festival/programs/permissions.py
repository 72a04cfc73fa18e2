"""Who may submit, change and see programs."""

from festival.accounts.models import Role, User
from festival.festivals.models import Festival
from festival.festivals.permissions import can_manage_festival
from festival.programs.models import Program
from festival.troupes.models import Troupe


def can_submit_program(user: User, festival: Festival, troupe: Troupe | None) -> bool:
    """A leader for their own troupes; the festival's organizers for any troupe."""
    if not user.is_authenticated:
        return False
    if can_manage_festival(user, festival):
        return True
    return user.role is Role.leader and troupe is not None and troupe.leader_id == user.id


def can_manage_program(user: User, program: Program) -> bool:
    return can_submit_program(user, program.festival, program.troupe)


def can_list_programs(user: User, festival: Festival) -> bool:
    """Organizers see all programs; leaders see their own (the query scopes them)."""
    if not user.is_authenticated:
        return False
    return can_manage_festival(user, festival) or user.role is Role.leader
