"""Who may give awards and publish them, and who may read them."""

from festival.accounts.models import User
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.permissions import can_manage_festival


def can_manage_awards(user: User, festival: Festival) -> bool:
    return can_manage_festival(user, festival)


def awards_are_public(festival: Festival) -> bool:
    """Anyone may read a festival's awards once they are published (announced or final)."""
    return (
        festival.status in (FestivalStatus.announced, FestivalStatus.final)
        and festival.published_at is not None
    )


def can_see_awards(user: User, festival: Festival) -> bool:
    return awards_are_public(festival) or can_manage_awards(user, festival)
