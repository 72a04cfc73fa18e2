"""GET /organizations/{id}/years/{year}: the year in review (年度工作总结) in figures."""

from datetime import date

from flask_babel import lazy_gettext as _l

from festival.accounts.models import Organization
from festival.api.envelope import actor, respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.schemas import Output
from festival.core.bounds import FIRST_YEAR, LAST_YEAR
from festival.core.errors import BadRequest
from festival.db import db
from festival.review.figures import year_in_review
from festival.review.permissions import can_see_year_in_review
from festival.review.summary import summary_texts
from festival.review.values import YearReview
from festival.web.auth import require


class FestivalRunOut(Output):
    festival_id: int
    name: str
    level: str
    programs: int
    rounds: int
    awards: int


class ProgramFiguresOut(Output):
    prepared: int
    troupes: int
    performers: int
    sent_upward: int


class ResultAboveOut(Output):
    festival_id: int
    festival_name: str
    level: str
    program_id: int
    program_title: str
    troupe_name: str
    category_name: str | None
    tier: str | None


class OrganizationAwardOut(Output):
    festival_id: int
    festival_name: str
    level: str
    tier: str
    title: str


class TeamYearOut(Output):
    troupe_id: int
    name: str
    kind: str
    members: int
    sessions: dict[str, int]
    attendance_rate: float | None


class ExhibitionOut(Output):
    title: str
    date: date
    location: str


class EventFiguresOut(Output):
    by_kind: dict[str, int]
    performance_venues: int
    exhibitions: list[ExhibitionOut]


class PeopleFiguresOut(Output):
    performers: int
    aged_60_plus: int
    age_median: float | None
    age_max: int | None


class SummaryOut(Output):
    zh: str
    en: str


class YearReviewOut(Output):
    organization_id: int
    organization_name: str
    year: int
    festivals_run: list[FestivalRunOut]
    programs: ProgramFiguresOut
    results_above: list[ResultAboveOut]
    awards_by_level: dict[str, dict[str, int]]
    organization_awards: list[OrganizationAwardOut]
    teams: list[TeamYearOut]
    events: EventFiguresOut
    people: PeopleFiguresOut
    summary: SummaryOut


def year_review_out(review: YearReview) -> YearReviewOut:
    """The API's body, read from the review's fields (enums as their values; ``by_month`` is
    the page's, not the API's: ``EventFiguresOut`` has no such field) and the report's text."""
    return YearReviewOut.model_validate(vars(review) | {"summary": summary_texts(review)})


@endpoint(
    "/organizations/<int:organization_id>/years/<int:year>",
    "GET",
    summary="The organisation's year in review (年度工作总结): its festivals, programs, "
    "results above, awards, teams, events and people, counted from what is stored, with the "
    "report's text in Chinese and English",
    who="admin; organizers of that organisation or of one above it",
    response=YearReviewOut,
    errors=(400, 401, 403, 404),
)
def organization_year(organization_id: int, year: int):
    require(actor().is_authenticated)
    organization = get_or_404(Organization, organization_id)
    require(can_see_year_in_review(actor(), organization))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problem = _l("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        raise BadRequest(problem, fields={"year": [problem]})
    review = year_in_review(db.session, organization_id=organization.id, year=year)
    return respond(year_review_out(review))
