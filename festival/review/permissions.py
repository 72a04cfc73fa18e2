"""Who may see an organisation's year in review."""

from festival.accounts.models import Organization, Role, User
from festival.accounts.permissions import is_within


def can_see_year_in_review(user: User, organization: Organization | None) -> bool:
    """Admins; organizers of that organisation or of one above it (never of a sibling or one
    below it)."""
    if organization is None or not user.is_authenticated:
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.organizer and is_within(organization, user.organization_id)
