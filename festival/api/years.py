"""GET /organizations/{id}/years/{year}: the year in review (年度工作总结) in figures."""

from datetime import date

from flask_babel import lazy_gettext as _l

from festival.accounts.models import Organization
from festival.api.envelope import actor, respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.schemas import Output
from festival.core.errors import BadRequest
from festival.db import db
from festival.review.figures import year_in_review
from festival.review.permissions import can_see_year_in_review
from festival.review.queries import FIRST_YEAR, LAST_YEAR
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
    """The API's body: every field named (``by_month`` is the page's, not the API's)."""
    return YearReviewOut(
        organization_id=review.organization_id,
        organization_name=review.organization_name,
        year=review.year,
        festivals_run=[
            FestivalRunOut(
                festival_id=run.festival_id,
                name=run.name,
                level=run.level.value,
                programs=run.programs,
                rounds=run.rounds,
                awards=run.awards,
            )
            for run in review.festivals_run
        ],
        programs=ProgramFiguresOut(
            prepared=review.programs.prepared,
            troupes=review.programs.troupes,
            performers=review.programs.performers,
            sent_upward=review.programs.sent_upward,
        ),
        results_above=[
            ResultAboveOut(
                festival_id=result.festival_id,
                festival_name=result.festival_name,
                level=result.level.value,
                program_id=result.program_id,
                program_title=result.program_title,
                troupe_name=result.troupe_name,
                category_name=result.category_name,
                tier=None if result.tier is None else result.tier.value,
            )
            for result in review.results_above
        ],
        awards_by_level=review.awards_by_level,
        organization_awards=[
            OrganizationAwardOut(
                festival_id=award.festival_id,
                festival_name=award.festival_name,
                level=award.level.value,
                tier=award.tier.value,
                title=award.title,
            )
            for award in review.organization_awards
        ],
        teams=[
            TeamYearOut(
                troupe_id=team.troupe_id,
                name=team.name,
                kind=team.kind.value,
                members=team.members,
                sessions=team.sessions,
                attendance_rate=team.attendance_rate,
            )
            for team in review.teams
        ],
        events=EventFiguresOut(
            by_kind=review.events.by_kind,
            performance_venues=review.events.performance_venues,
            exhibitions=[
                ExhibitionOut(title=item.title, date=item.date, location=item.location)
                for item in review.events.exhibitions
            ],
        ),
        people=PeopleFiguresOut(
            performers=review.people.performers,
            aged_60_plus=review.people.aged_60_plus,
            age_median=review.people.age_median,
            age_max=review.people.age_max,
        ),
        summary=SummaryOut(**summary_texts(review)),
    )


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
