"""Who may see and run a festival."""

from festival.accounts.models import Organization, Role, User
from festival.accounts.permissions import is_within
from festival.festivals.models import Festival, FestivalStatus


def can_create_festival(user: User, organization: Organization | None) -> bool:
    """Admins anywhere; organizers for their own organisation and those under it."""
    if not user.is_authenticated:
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.organizer and is_within(organization, user.organization_id)


def can_manage_festival(user: User, festival: Festival) -> bool:
    return can_create_festival(user, festival.organization)


def can_view_festival(user: User, festival: Festival) -> bool:
    """Drafts only to those who run them; an opened festival is public."""
    return festival.status is not FestivalStatus.draft or can_manage_festival(user, festival)
