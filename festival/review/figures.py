"""The year in review counted from what is stored (API.md, "The year in review"): an
organisation's own festivals of the year and their programs, where those programs went by
recommendation and what they won there, its own troupes' sessions and attendance, its events,
and the people who performed.

Everything is read in a fixed number of set-based queries (at most fifteen) whatever the number
of festivals, programs, troupes or events: children are selected by joining their parents,
never by a list of ids, and nothing is queried per festival.
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, extract, func, literal, select
from sqlalchemy.orm import Session, aliased

from festival.accounts.models import Level, Organization
from festival.awards.models import Award, AwardTier
from festival.awards.permissions import awards_are_public
from festival.core.errors import NotFound
from festival.festivals.models import Category, Festival
from festival.judging.models import Round
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.review.values import (
    EventFigures,
    Exhibition,
    FestivalRun,
    MonthFigures,
    OrganizationAward,
    PeopleFigures,
    ProgramFigures,
    ResultAbove,
    TeamYear,
    YearReview,
)
from festival.schedules import queries as schedule_queries
from festival.schedules.models import Event, EventKind
from festival.troupes.membership_dates import member_on
from festival.troupes.models import Membership, Person, Troupe

# This age or older on 31 December counts as "aged 60 and over".
SENIOR_AGE = 60
# How many levels a recommendation chain is followed upward at most (district → city →
# province is two steps; the margin guards against a cycle in bad data).
MAX_CHAIN_STEPS = 4
TIER_ORDER = list(AwardTier)
KIND_ORDER = list(EventKind)


def _own_festival(organization_id: int, year: int):
    """The condition on ``Festival`` for the organisation's own festivals of the year."""
    return and_(Festival.organization_id == organization_id, Festival.year == year)


def _prepared(organization_id: int, year: int):
    """The condition on ``Program`` (joined to its ``Festival``) for a prepared program."""
    return and_(_own_festival(organization_id, year), Program.status != ProgramStatus.withdrawn)


def year_in_review(session: Session, *, organization_id: int, year: int) -> YearReview:
    """The organisation's year in figures (API.md's rules), from a fixed number of queries."""
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound()
    festivals = list(
        session.execute(
            select(Festival)
            .where(_own_festival(organization_id, year))
            .order_by(Festival.starts_on, Festival.id)
        ).scalars()
    )
    festivals_run, programs_prepared = _festivals_run(session, festivals, organization_id, year)
    results, sent_upward = _results_above(session, organization_id, year)
    people = _people(session, organization_id, year)
    troupes = session.execute(
        select(func.count(func.distinct(Program.troupe_id)))
        .join(Festival, Program.festival_id == Festival.id)
        .where(_prepared(organization_id, year))
    ).scalar_one()
    teams, events = _teams_and_events(session, organization_id, year)
    return YearReview(
        organization_id=organization.id,
        organization_name=organization.name,
        year=year,
        festivals_run=festivals_run,
        programs=ProgramFigures(
            prepared=programs_prepared,
            troupes=troupes,
            performers=people.performers,
            sent_upward=sent_upward,
        ),
        results_above=results,
        awards_by_level=awards_by_level(results),
        organization_awards=_organization_awards(session, organization_id, year),
        teams=teams,
        events=events,
        people=people,
    )


def _counts_by_key(session: Session, query) -> dict[int, int]:
    return {key: count for key, count in session.execute(query)}


def _festivals_run(
    session: Session, festivals: list[Festival], organization_id: int, year: int
) -> tuple[list[FestivalRun], int]:
    """Each festival's programs (withdrawn not counted), rounds and awards (once published):
    three grouped queries for all of them."""
    if not festivals:
        return [], 0
    own = _own_festival(organization_id, year)

    def per_festival(festival_id, condition) -> dict[int, int]:
        return _counts_by_key(
            session,
            select(festival_id, func.count())
            .join(Festival, festival_id == Festival.id)
            .where(condition)
            .group_by(festival_id),
        )

    programs = per_festival(Program.festival_id, _prepared(organization_id, year))
    rounds = per_festival(Round.festival_id, own)
    awards = per_festival(Award.festival_id, own)
    runs = [
        FestivalRun(
            festival_id=festival.id,
            name=festival.name,
            level=festival.level,
            programs=programs.get(festival.id, 0),
            rounds=rounds.get(festival.id, 0),
            awards=awards.get(festival.id, 0) if awards_are_public(festival) else 0,
        )
        for festival in festivals
    ]
    return runs, sum(programs.values())


def _best_tier(tiers: list[AwardTier]) -> AwardTier | None:
    return min(tiers, key=TIER_ORDER.index) if tiers else None


def _results_above(
    session: Session, organization_id: int, year: int
) -> tuple[list[ResultAbove], int]:
    """Every festival above that a prepared program reached by recommendation, following the
    chain of linked copies (``Program.recommended_from_id``) upward, so that a program sent
    from the district to the city and on to the province appears at both; with its award tier
    there once that festival is published. Withdrawn copies do not count (nor what was
    recommended from them). Also how many prepared programs went to a higher level. One
    query (a recursive one)."""
    root, root_festival = aliased(Program), aliased(Festival)
    step = aliased(Program)
    chain = (
        select(
            Program.id.label("id"),
            root.id.label("root_id"),
            root_festival.level.label("root_level"),
            literal(1).label("depth"),
        )
        .join(root, Program.recommended_from_id == root.id)
        .join(root_festival, root.festival_id == root_festival.id)
        .where(
            root_festival.organization_id == organization_id,
            root_festival.year == year,
            root.status != ProgramStatus.withdrawn,
            Program.status != ProgramStatus.withdrawn,
        )
        .cte("chain", recursive=True)
    )
    chain = chain.union_all(
        select(step.id, chain.c.root_id, chain.c.root_level, chain.c.depth + 1)
        .join(chain, step.recommended_from_id == chain.c.id)
        .where(step.status != ProgramStatus.withdrawn, chain.c.depth < MAX_CHAIN_STEPS)
    )
    rows = session.execute(
        select(
            chain.c.root_id,
            chain.c.root_level,
            Program.id,
            Program.title,
            Troupe.name,
            Category.name,
            Festival,
            Award.tier,
        )
        .select_from(chain)
        .join(Program, Program.id == chain.c.id)
        .join(Festival, Program.festival_id == Festival.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .outerjoin(Category, Program.category_id == Category.id)
        .outerjoin(Award, Award.program_id == Program.id)
    ).all()
    found: dict[int, dict] = {}
    sent: set[int] = set()
    for root_id, root_level, program_id, title, troupe, category, festival, tier in rows:
        if festival.level.rank <= Level(root_level).rank:
            continue  # not a level above where it started (outside the ladder)
        sent.add(root_id)
        entry = found.setdefault(
            program_id,
            {
                "festival": festival,
                "title": title,
                "troupe": troupe,
                "category": category,
                "tiers": [],
            },
        )
        if tier is not None and awards_are_public(festival):
            entry["tiers"].append(AwardTier(tier))
    results = [
        ResultAbove(
            festival_id=entry["festival"].id,
            festival_name=entry["festival"].name,
            level=entry["festival"].level,
            program_id=program_id,
            program_title=entry["title"],
            troupe_name=entry["troupe"],
            category_name=entry["category"],
            tier=_best_tier(entry["tiers"]),
        )
        for program_id, entry in found.items()
    ]
    results.sort(
        key=lambda r: (r.level.rank, r.festival_name, r.festival_id, r.program_title, r.program_id)
    )
    return results, len(sent)


def awards_by_level(results: list[ResultAbove]) -> dict[str, dict[str, int]]:
    """Level → tier → how many of ``results`` won it (results without an award not counted),
    lower levels first, tiers in their order."""
    counted: dict[Level, Counter] = defaultdict(Counter)
    for result in results:
        if result.tier is not None:
            counted[result.level][result.tier] += 1
    return {
        level.value: {
            tier.value: counted[level][tier] for tier in TIER_ORDER if counted[level][tier]
        }
        for level in sorted(counted, key=lambda level: level.rank)
    }


def _organization_awards(
    session: Session, organization_id: int, year: int
) -> list[OrganizationAward]:
    """Awards given to the organisation itself by published festivals of the year (its own or
    one above it): one query."""
    rows = session.execute(
        select(Award.tier, Award.title, Festival)
        .join(Festival, Award.festival_id == Festival.id)
        .where(Award.organization_id == organization_id, Festival.year == year)
        .order_by(Festival.starts_on, Festival.id, Award.id)
    ).all()
    return [
        OrganizationAward(
            festival_id=festival.id,
            festival_name=festival.name,
            level=festival.level,
            tier=AwardTier(tier),
            title=title,
        )
        for tier, title, festival in rows
        if awards_are_public(festival)
    ]


def _people(session: Session, organization_id: int, year: int) -> PeopleFigures:
    """The distinct people performing in prepared programs, with their ages on 31 December:
    one query, grouped by year of birth."""
    performing = (
        select(ProgramPerformer.person_id)
        .join(Program, ProgramPerformer.program_id == Program.id)
        .join(Festival, Program.festival_id == Festival.id)
        .where(_prepared(organization_id, year))
    )
    born = extract("year", Person.birth_date)
    rows = session.execute(
        select(born, func.count()).where(Person.id.in_(performing)).group_by(born)
    ).all()
    # On 31 December everyone has had their birthday of the year.
    ages = sorted((year - int(birth_year), count) for birth_year, count in rows)
    return PeopleFigures(
        performers=sum(count for _age, count in ages),
        aged_60_plus=sum(count for age, count in ages if age >= SENIOR_AGE),
        age_median=_median(ages),
        age_max=ages[-1][0] if ages else None,
    )


def _median(ages: list[tuple[int, int]]) -> float | None:
    """The median of ages given as sorted (age, how many) pairs."""
    total = sum(count for _age, count in ages)
    if not total:
        return None

    def nth(index: int) -> int:
        for age, count in ages:
            if index < count:
                return age
            index -= count
        raise IndexError(index)

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def _year_window(year: int) -> tuple[datetime, datetime]:
    """A UTC window a day wider than the year on each side: every zone's year lies in it."""
    return (
        datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1),
        datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1),
    )


def _teams_and_events(
    session: Session, organization_id: int, year: int
) -> tuple[list[TeamYear], EventFigures]:
    """The occurrences in the calendar year (in each event's own zone; cancelled ones not
    counted) of the events of the organisation's own troupes and festivals, expanded as the
    calendar expands them; its own troupes' sessions, members and attendance (the attendance
    page's rule, ``schedules.queries.session_attendance``), also by month. Six queries."""
    after, before = _year_window(year)
    troupes = {
        troupe.id: troupe
        for troupe in session.execute(
            select(Troupe).where(Troupe.organization_id == organization_id)
        ).scalars()
    }
    members = _counts_by_key(
        session,
        select(Membership.troupe_id, func.count())
        .join(Troupe, Membership.troupe_id == Troupe.id)
        # Members on 31 December: a report read later does not count who joined after.
        .where(Troupe.organization_id == organization_id, member_on(date(year, 12, 31)))
        .group_by(Membership.troupe_id),
    )
    events = schedule_queries.organization_events(
        session, organization_id, after=after, before=before
    )
    by_kind: Counter = Counter()
    team_sessions: dict[int, Counter] = defaultdict(Counter)
    month_sessions: Counter = Counter()
    venues: set[str] = set()
    exhibitions: list[Exhibition] = []
    by_id = {event.id: event for event in events}
    for occurrence in schedule_queries.occurrences_between(events, after, before):
        local_start = occurrence.starts_at  # in the event's zone
        if local_start.year != year:
            continue
        event = by_id[occurrence.event_id]
        by_kind[event.kind] += 1
        if event.troupe_id in troupes:
            team_sessions[event.troupe_id][event.kind] += 1
            month_sessions[local_start.month] += 1
        location = occurrence.location.strip()
        if event.kind is EventKind.performance and location:
            venues.add(location)
        if event.kind is EventKind.exhibition:
            exhibitions.append(Exhibition(occurrence.title, local_start.date(), location))
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    month_tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    own_troupes = Event.troupe_id.in_(
        select(Troupe.id).where(Troupe.organization_id == organization_id)
    )
    for held in schedule_queries.session_attendance(session, own_troupes, after, before):
        day: date = held.held_at.astimezone(ZoneInfo(held.zone)).date()
        if day.year != year:
            continue
        for totals in (tallies[held.troupe_id], month_tallies[day.month]):
            totals[0] += held.present
            totals[1] += held.recorded
    teams = [
        TeamYear(
            troupe_id=troupe.id,
            name=troupe.name,
            kind=troupe.kind,
            members=members.get(troupe.id, 0),
            sessions=_by_kind(team_sessions[troupe.id]),
            attendance_rate=schedule_queries.attendance_rate(*tallies[troupe.id])
            if troupe.id in tallies
            else None,
        )
        for troupe in sorted(troupes.values(), key=lambda troupe: (troupe.name, troupe.id))
        if team_sessions.get(troupe.id)
    ]
    by_month = [
        MonthFigures(
            month=month,
            sessions=month_sessions[month],
            attendance_rate=schedule_queries.attendance_rate(*month_tallies[month])
            if month in month_tallies
            else None,
        )
        for month in range(1, 13)
    ]
    exhibitions.sort(key=lambda exhibition: (exhibition.date, exhibition.title))
    return teams, EventFigures(
        by_kind=_by_kind(by_kind),
        performance_venues=len(venues),
        exhibitions=exhibitions,
        by_month=by_month,
    )


def _by_kind(counts: Counter) -> dict[str, int]:
    """Event kind → count, in the kinds' order, kinds without any left out."""
    return {kind.value: counts[kind] for kind in KIND_ORDER if counts[kind]}
