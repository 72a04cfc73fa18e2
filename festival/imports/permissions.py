"""Who may download the import templates (running a festival's imports is
``festivals.permissions.can_manage_festival``)."""

from festival.accounts.models import Role, User


def can_download_templates(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.admin, Role.organizer)
