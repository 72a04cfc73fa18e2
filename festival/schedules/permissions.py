"""Who may see and change a schedule: a troupe's leader and its organizers; a festival's
organizers; everyone may see a festival's public events once it is opened."""

from festival.accounts.models import User
from festival.festivals.models import FestivalStatus
from festival.festivals.permissions import can_manage_festival
from festival.schedules.models import Event
from festival.troupes.permissions import can_manage_troupe


def can_manage_event(user: User, event: Event) -> bool:
    if event.troupe is not None:
        return can_manage_troupe(user, event.troupe)
    return event.festival is not None and can_manage_festival(user, event.festival)


def can_view_event(user: User, event: Event) -> bool:
    """Its managers; a public event of an opened festival to anyone."""
    if can_manage_event(user, event):
        return True
    return (
        event.troupe_id is None
        and event.is_public
        and event.festival is not None
        and event.festival.status is not FestivalStatus.draft
    )
