"""The demo festival of DOMAIN.md: organisations, accounts, troupes and their members, the
festivals with their programs, rounds and awards, and the year's schedules (the tai chi team's
training, the Golden Autumn tour, rehearsals for 2027).

Every part is created through the same services that the pages use, so the demo obeys the
real rules.
"""

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.demo.festivals import DISTRICT_PROGRAMS, make_festivals
from festival.demo.media import make_media
from festival.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_HINTS,
    DEMO_PASSWORD,
    leader_of,
    make_people,
)
from festival.demo.schedules import make_schedules

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_HINTS",
    "DEMO_PASSWORD",
    "demo_is_loaded",
    "load_demo",
]


def demo_is_loaded(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is not None


def load_demo(session: Session, *, now: datetime) -> dict[str, int]:
    """Add the demo data to an empty database; returns what was created, by kind."""
    rng = random.Random(2026)
    people = make_people(session, rng=rng, now=now)
    festivals = make_festivals(session, people=people, rng=rng, now=now)
    media = make_media(
        session,
        festival=festivals.district,
        uploader_of=lambda program: people.users.get(leader_of(program.troupe.name) or "district"),
    )
    schedules = make_schedules(
        session,
        users=people.users,
        troupes=people.troupes,
        members_of=people.members_of,
        district=festivals.district,
        city=festivals.city,
        next_festival=festivals.next_festival,
        now=now,
    )
    return {
        "organizations": len(people.organizations),
        "users": len(people.users),
        "troupes": len(people.troupes),
        "people": people.people_made,
        "festivals": 4,
        "programs": len(DISTRICT_PROGRAMS),
        "rounds": 3,
        "awards": 8,
        "media": media,
        **schedules,
    }
