"""A published award list under public notice (公示), for the objection tests: a city
festival, its organizer, one award to a program, one program without an award."""

from dataclasses import dataclass
from datetime import timedelta

from festival.accounts.models import User
from festival.awards.models import Award
from festival.awards.services import create_award
from festival.core.clock import utcnow
from festival.festivals.models import Festival, FestivalStatus
from festival.programs.models import Program
from tests import factories


@dataclass
class Noticed:
    festival: Festival
    organizer: User
    award: Award
    program: Program  # the award's program
    other_program: Program  # without an award


def noticed_festival(session, *, days_left: float = 7, name: str = "南通市老年文艺汇演"):
    """Published a day ago; the notice period ends ``days_left`` days from now (negative: it
    ended). Set directly rather than by publishing, so the tests fix the moment."""
    city = factories.make_organization(session, level="city")
    festival = factories.make_festival(session, organization=city, level="city", name=name)
    organizer = factories.make_user(session, role="organizer", organization=city)
    troupe = factories.make_troupe(session, organization=city, name="夕阳红舞蹈队")
    program = factories.make_program(
        session, festival=festival, troupe=troupe, title="茉莉花", performers=1
    )
    other = factories.make_program(
        session, festival=festival, troupe=troupe, title="山丹丹", performers=1
    )
    award = create_award(
        session,
        festival=festival,
        tier="first",
        program_id=program.id,
        actor=organizer,
        now=factories.NOW,
    )
    now = utcnow()
    festival.status = FestivalStatus.announced
    festival.published_at = now - timedelta(days=1)
    festival.notice_days = 7
    festival.notice_until = now + timedelta(days=days_left)
    session.commit()
    return Noticed(festival, organizer, award, program, other)
