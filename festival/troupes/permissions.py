"""Who may see and change a troupe, its members and its people."""

from festival.accounts.models import Organization, Role, User
from festival.accounts.permissions import is_within
from festival.troupes.models import Troupe


def can_create_troupe(user: User, organization: Organization | None) -> bool:
    """Organizers under their own organisation; leaders register their own troupes."""
    if not user.is_authenticated or organization is None:
        return False
    if user.role is Role.admin or user.role is Role.leader:
        return True
    return user.role is Role.organizer and is_within(organization, user.organization_id)


def can_manage_troupe(user: User, troupe: Troupe) -> bool:
    """Its leader, and the organizers of its organisation or above."""
    if not user.is_authenticated:
        return False
    if user.role is Role.admin:
        return True
    if user.role is Role.leader:
        return troupe.leader_id == user.id
    return user.role is Role.organizer and is_within(troupe.organization, user.organization_id)


def can_list_troupes(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.admin, Role.organizer, Role.leader)
