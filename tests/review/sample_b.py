"""Year-in-review values built by hand for the report's text, files and page: the seed's year,
and variations of it."""

from dataclasses import replace
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

OFFICE = "通州区老龄工作委员会办公室"
DISTRICT_FESTIVAL = "首届南通市老年特色文化艺术节·通州区选拔"
CITY_FESTIVAL = "首届南通市老年特色文化艺术节"
PROVINCE_FESTIVAL = "江苏省老年文艺节目展评"
CITY_RESULTS = [
    ("和谐大家园", "万年表歌舞团", "歌舞", AwardTier.second),
    ("茉莉花开", "万年表歌舞团", "舞蹈", AwardTier.third),
    ("长江之歌", "银龄合唱团", "歌舞", AwardTier.third),
    ("天仙配·夫妻双双把家还", "夕阳红戏曲社", "戏曲", AwardTier.excellence),
    ("紫竹调", "金色年华器乐队", "器乐", AwardTier.excellence),
    ("老年颂", "晚晴朗诵队", "朗诵", AwardTier.excellence),
]


def seed_year() -> YearReview:
    """The seed's year: twelve programs prepared, six sent to the city (one second, two
    third, three excellence), 《和谐大家园》 to the province with the dance second prize, the
    organisation award, the 40-member tai chi team, the 24 October exhibition, twenty homes."""
    results = [
        ResultAbove(
            festival_id=2,
            festival_name=CITY_FESTIVAL,
            level=Level.city,
            program_id=100 + index,
            program_title=title,
            troupe_name=troupe,
            category_name=category,
            tier=tier,
        )
        for index, (title, troupe, category, tier) in enumerate(CITY_RESULTS)
    ]
    results.append(
        ResultAbove(
            festival_id=3,
            festival_name=PROVINCE_FESTIVAL,
            level=Level.province,
            program_id=100,
            program_title="和谐大家园",
            troupe_name="万年表歌舞团",
            category_name="舞蹈",
            tier=AwardTier.second,
        )
    )
    return YearReview(
        organization_id=1,
        organization_name=OFFICE,
        year=2026,
        festivals_run=[
            FestivalRun(
                festival_id=1,
                name=DISTRICT_FESTIVAL,
                level=Level.district,
                programs=12,
                rounds=2,
                awards=0,
            )
        ],
        programs=ProgramFigures(prepared=12, troupes=5, performers=90, sent_upward=6),
        results_above=results,
        awards_by_level={
            "city": {"second": 1, "third": 2, "excellence": 3},
            "province": {"second": 1},
        },
        organization_awards=[
            OrganizationAward(
                festival_id=2,
                festival_name=CITY_FESTIVAL,
                level=Level.city,
                tier=AwardTier.organization,
                title="优秀组织奖",
            )
        ],
        teams=[
            TeamYear(
                troupe_id=6,
                name="太极拳展示队",
                kind=TroupeKind.team,
                members=40,
                sessions={"practice": 184, "training": 23, "exhibition": 1},
                attendance_rate=0.953,
            ),
            TeamYear(
                troupe_id=1,
                name="万年表歌舞团",
                kind=TroupeKind.troupe,
                members=18,
                sessions={"performance": 20, "rehearsal": 17},
                attendance_rate=None,
            ),
        ],
        events=EventFigures(
            by_kind={
                "practice": 184,
                "training": 23,
                "exhibition": 1,
                "performance": 21,
                "rehearsal": 17,
                "meeting": 1,
            },
            performance_venues=20,
            exhibitions=[
                Exhibition(
                    title="千名老人太极拳展示",
                    date=date(2026, 10, 24),
                    location="南通市体育会展中心",
                )
            ],
        ),
        people=PeopleFigures(performers=90, aged_60_plus=88, age_median=71.5, age_max=84),
    )


def empty_year(year: int = 2025) -> YearReview:
    """A year with nothing recorded."""
    return YearReview(
        organization_id=1,
        organization_name=OFFICE,
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


def one_program_year() -> YearReview:
    """One troupe, one program sent to the city, a second prize there; nothing else."""
    seed = seed_year()
    return replace(
        empty_year(2026),
        festivals_run=[replace(seed.festivals_run[0], programs=1, rounds=1)],
        programs=ProgramFigures(prepared=1, troupes=1, performers=1, sent_upward=1),
        results_above=[seed.results_above[0]],
        awards_by_level={"city": {"second": 1}},
        people=PeopleFigures(performers=1, aged_60_plus=1, age_median=70.0, age_max=70),
    )


def sample_review(organization_id: int, name: str = "通州区老龄办", year: int = 2026) -> YearReview:
    """The seed's year as ``name``'s, for the page: the tai chi team's attendance 90 %, and the
    sessions month by month (none in January and February, thirty at 90 % from March)."""
    seed = seed_year()
    months = [
        MonthFigures(month=m, sessions=30 if m >= 3 else 0, attendance_rate=0.9 if m >= 3 else None)
        for m in range(1, 13)
    ]
    return replace(
        seed,
        organization_id=organization_id,
        organization_name=name,
        year=year,
        teams=[replace(seed.teams[0], attendance_rate=0.9), *seed.teams[1:]],
        events=replace(seed.events, by_month=months),
    )
