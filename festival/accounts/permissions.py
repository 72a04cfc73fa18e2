"""Who may do what with accounts and organisations: predicates, used by pages and API alike."""

from festival.accounts.models import Organization, Role, User


def is_within(organization: Organization | None, ancestor_id: int | None) -> bool:
    """Whether ``organization`` is the organisation ``ancestor_id`` or lies under it."""
    seen = 0
    while organization is not None and ancestor_id is not None and seen < 16:
        if organization.id == ancestor_id:
            return True
        organization = organization.parent
        seen += 1
    return False


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.role is Role.admin


def can_list_organizations(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.admin, Role.organizer)


def can_create_organization(user: User, parent: Organization | None) -> bool:
    """Admins anywhere; organizers under their own organisation."""
    if not user.is_authenticated:
        return False
    if user.role is Role.admin:
        return True
    return user.role is Role.organizer and is_within(parent, user.organization_id)
