"""The year in review as plain values: what ``figures.year_in_review`` counts, what the page,
the report's text and the downloads read. Field names follow API.md ("The year in review")."""

from dataclasses import dataclass, field
from datetime import date

from festival.accounts.models import Level
from festival.awards.models import AwardTier
from festival.schedules.models import EventKind
from festival.troupes.models import TroupeKind


@dataclass(frozen=True)
class FestivalRun:
    """One of the organisation's own festivals of the year."""

    festival_id: int
    name: str
    level: Level
    programs: int  # withdrawn ones not counted
    rounds: int
    awards: int  # awards given in it (0 while it is not published)


@dataclass(frozen=True)
class ProgramFigures:
    prepared: int  # programs in the organisation's festivals of the year, withdrawn not counted
    troupes: int  # distinct troupes among them
    performers: int  # distinct performing people among them
    sent_upward: int  # of them, recommended to a festival of a higher level


@dataclass(frozen=True)
class ResultAbove:
    """A festival above that a program reached by recommendation (following the chain), and
    its award there (``tier`` None: taken part, no award, or not published yet)."""

    festival_id: int
    festival_name: str
    level: Level
    program_id: int
    program_title: str
    troupe_name: str
    category_name: str | None
    tier: AwardTier | None


@dataclass(frozen=True)
class OrganizationAward:
    festival_id: int
    festival_name: str
    level: Level
    tier: AwardTier
    title: str


@dataclass(frozen=True)
class TeamYear:
    """One of the organisation's own troupes or teams with events in the year."""

    troupe_id: int
    name: str
    kind: TroupeKind
    members: int
    sessions: dict[str, int]  # event kind → occurrences held (cancelled ones not counted)
    attendance_rate: float | None  # 0..1 over the occurrences whose attendance was taken


@dataclass(frozen=True)
class Exhibition:
    title: str
    date: date
    location: str


@dataclass(frozen=True)
class MonthFigures:
    """For the page's chart of sessions and attendance by month (not in the API body)."""

    month: int  # 1..12
    sessions: int
    attendance_rate: float | None


@dataclass(frozen=True)
class EventFigures:
    by_kind: dict[str, int]  # event kind → occurrences held in the year
    performance_venues: int  # distinct locations of performances
    exhibitions: list[Exhibition] = field(default_factory=list)
    by_month: list[MonthFigures] = field(default_factory=list)  # twelve, January first


@dataclass(frozen=True)
class PeopleFigures:
    performers: int
    aged_60_plus: int
    age_median: float | None  # ages on 31 December of the year
    age_max: int | None


@dataclass(frozen=True)
class YearReview:
    organization_id: int
    organization_name: str
    year: int
    festivals_run: list[FestivalRun]
    programs: ProgramFigures
    results_above: list[ResultAbove]
    awards_by_level: dict[str, dict[str, int]]  # level → tier → count, from results_above
    organization_awards: list[OrganizationAward]
    teams: list[TeamYear]
    events: EventFigures
    people: PeopleFigures

    @property
    def team_kinds(self) -> list[EventKind]:
        """The kinds of session some team held, in the kinds' order: the teams' columns."""
        return [
            kind for kind in EventKind if any(team.sessions.get(kind.value) for team in self.teams)
        ]

    @property
    def is_empty(self) -> bool:
        """Nothing recorded in the year: the report says so instead of listing zeros."""
        return not (
            self.festivals_run
            or self.results_above
            or self.organization_awards
            or self.teams
            or any(self.events.by_kind.values())
        )
