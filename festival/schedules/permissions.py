"""Who may see and change a schedule: a troupe's leader and its organizers; a festival's
organizers."""

from festival.accounts.models import User
from festival.festivals.permissions import can_manage_festival
from festival.schedules.models import Event
from festival.troupes.permissions import can_manage_troupe


def can_manage_event(user: User, event: Event) -> bool:
    """Its troupe's managers, or its festival's organizers."""
    if event.troupe is not None:
        return can_manage_troupe(user, event.troupe)
    return event.festival is not None and can_manage_festival(user, event.festival)
