"""Who may read the audit log."""

from festival.accounts.models import Role, User


def can_read_audit_log(user: User) -> bool:
    """Admins read every entry; organizers those about their organisation's tree (the query
    decides which: ``festival.audit.queries.visible_entries``)."""
    return user.is_authenticated and user.role in (Role.admin, Role.organizer)


def can_verify_audit_chain(user: User) -> bool:
    """Only admins check the whole chain: it runs over every entry, whoever may read it."""
    return user.is_authenticated and user.role is Role.admin
