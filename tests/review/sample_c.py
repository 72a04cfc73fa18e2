"""A hand-built year in review for the page's tests (engineer (c)): the seed's year in
miniature, so that the page can be checked whatever the figures' service counts."""

from datetime import date

from festival.accounts.models import Level
from festival.awards.models import AwardTier
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
from festival.troupes.models import TroupeKind


def sample_review(organization_id: int, name: str = "通州区老龄办", year: int = 2026) -> YearReview:
    """Six programs sent to the city (one second, two third, three excellence awards), one of
    them on to the province (second prize), the office's own award, a tai chi team."""
    tiers = [
        AwardTier.second,
        AwardTier.third,
        AwardTier.third,
        AwardTier.excellence,
        AwardTier.excellence,
        AwardTier.excellence,
    ]
    results = [
        ResultAbove(
            festival_id=20,
            festival_name="市老年文艺汇演",
            level=Level.city,
            program_id=100 + number,
            program_title=f"节目{number}",
            troupe_name="万年表歌舞团",
            category_name="舞蹈",
            tier=tier,
        )
        for number, tier in enumerate(tiers, start=1)
    ]
    results.append(
        ResultAbove(
            festival_id=30,
            festival_name="省老年文艺汇演",
            level=Level.province,
            program_id=101,
            program_title="和谐大家园",
            troupe_name="万年表歌舞团",
            category_name="舞类",
            tier=AwardTier.second,
        )
    )
    months = [
        MonthFigures(month=m, sessions=30 if m >= 3 else 0, attendance_rate=0.9 if m >= 3 else None)
        for m in range(1, 13)
    ]
    return YearReview(
        organization_id=organization_id,
        organization_name=name,
        year=year,
        festivals_run=[
            FestivalRun(
                festival_id=10,
                name="通州区老年文艺汇演",
                level=Level.district,
                programs=12,
                rounds=2,
                awards=6,
            )
        ],
        programs=ProgramFigures(prepared=12, troupes=5, performers=80, sent_upward=6),
        results_above=results,
        awards_by_level={
            "city": {"second": 1, "third": 2, "excellence": 3},
            "province": {"second": 1},
        },
        organization_awards=[
            OrganizationAward(
                festival_id=20,
                festival_name="市老年文艺汇演",
                level=Level.city,
                tier=AwardTier.organization,
                title="优秀组织奖",
            )
        ],
        teams=[
            TeamYear(
                troupe_id=7,
                name="太极拳展示队",
                kind=TroupeKind.team,
                members=40,
                sessions={"practice": 250, "training": 50},
                attendance_rate=0.9,
            )
        ],
        events=EventFigures(
            by_kind={"practice": 250, "training": 50, "performance": 20, "exhibition": 1},
            performance_venues=20,
            exhibitions=[
                Exhibition(title="太极拳展示", date=date(year, 10, 24), location="文化广场")
            ],
            by_month=months,
        ),
        people=PeopleFigures(performers=80, aged_60_plus=78, age_median=67.0, age_max=85),
    )


def empty_review(organization_id: int, name: str = "通州区老龄办", year: int = 2026) -> YearReview:
    return YearReview(
        organization_id=organization_id,
        organization_name=name,
        year=year,
        festivals_run=[],
        programs=ProgramFigures(prepared=0, troupes=0, performers=0, sent_upward=0),
        results_above=[],
        awards_by_level={},
        organization_awards=[],
        teams=[],
        events=EventFigures(by_kind={}, performance_venues=0),
        people=PeopleFigures(performers=0, aged_60_plus=0, age_median=None, age_max=None),
    )
