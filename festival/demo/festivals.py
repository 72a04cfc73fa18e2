"""The demo's festivals: the district selection in two rounds, the city festival with its
awards, the provincial evaluation, and the 2027 festival taking programs."""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.awards.recommendations import recommend_program
from festival.awards.services import allocate_awards, create_award, publish
from festival.core.errors import TieAtCutoff
from festival.demo.people import CITY, DISTRICT, PROVINCE, DemoPeople, leader_of
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.services import add_category, close_intake, create_festival, open_festival
from festival.judging.models import RoundEntry
from festival.judging.result_queries import round_results
from festival.judging.scores import save_scores
from festival.judging.scoring import cut_line
from festival.judging.services import add_entries, assign_judge, close_round, create_round
from festival.notice.finality import finalize
from festival.performance.checkin import check_in
from festival.performance.live import confirm
from festival.performance.order import OrderDay, draw, publish_order, running_order
from festival.performance.stage import put_on_stage
from festival.programs.models import Program
from festival.programs.services import submit_program

DISTRICT_FESTIVAL = "首届南通市老年特色文化艺术节·通州区选拔"
CITY_FESTIVAL = "首届南通市老年特色文化艺术节"
PROVINCE_FESTIVAL = "江苏省老年文艺节目展评"
CRITERIA = [("艺术表现", 40), ("编排创意", 30), ("舞台效果", 20), ("精神风貌", 10)]
# How good each program is, out of 100: the judges' scores scatter around it.
QUALITY = {
    "和谐大家园": 93,
    "茉莉花开": 89,
    "长江之歌": 87,
    "天仙配·夫妻双双把家还": 85,
    "紫竹调": 83,
    "老年颂": 81,
    "夕阳红": 79,
    "南通好地方": 77,
    "穆桂英挂帅": 75,
    "步步高": 73,
    "江海渔歌": 71,
    "我骄傲，我是中国人": 69,
}
NEXT_FESTIVAL = "2027年通州区老年文艺汇演"
# The city's and the province's allocations, each category's ranking by itself: (tier,
# count, share) and each tier's minimum score.
CITY_TIERS = [("second", 1, None), ("third", 1, None), ("excellence", None, Decimal(1))]
CITY_MINIMUMS = {"second": Decimal(90), "third": Decimal(86)}
PROVINCE_TIERS = [("first", 1, None), ("second", 1, None), ("third", 1, None)]
PROVINCE_MINIMUMS = {"first": Decimal(96)}
# name, maximum minutes
CATEGORIES = [("歌舞", 8), ("舞蹈", 8), ("戏曲", 10), ("器乐", 8), ("朗诵", 6)]
# troupe, title, category, minutes, performers
DISTRICT_PROGRAMS = [
    ("万年表歌舞团", "和谐大家园", "歌舞", 7, 12),
    ("万年表歌舞团", "茉莉花开", "舞蹈", 6, 8),
    ("万年表歌舞团", "夕阳红", "歌舞", 5, 10),
    ("万年表歌舞团", "江海渔歌", "舞蹈", 6, 8),
    ("银龄合唱团", "长江之歌", "歌舞", 5, 20),
    ("银龄合唱团", "南通好地方", "歌舞", 4, 18),
    ("夕阳红戏曲社", "天仙配·夫妻双双把家还", "戏曲", 9, 2),
    ("夕阳红戏曲社", "穆桂英挂帅", "戏曲", 10, 4),
    ("金色年华器乐队", "紫竹调", "器乐", 5, 6),
    ("金色年华器乐队", "步步高", "器乐", 4, 8),
    ("晚晴朗诵队", "老年颂", "朗诵", 5, 6),
    ("晚晴朗诵队", "我骄傲，我是中国人", "朗诵", 6, 8),
]


@dataclass
class DemoFestivals:
    """The festivals that the year's schedules refer to."""

    district: Festival
    city: Festival
    next_festival: Festival


def make_festivals(
    session: Session, *, people: DemoPeople, rng: random.Random, now: datetime
) -> DemoFestivals:
    """The four festivals, their programs, rounds and awards, each made at its own moment
    (the 2027 festival ``now``)."""
    organizations, users, members_of = people.organizations, people.users, people.members_of
    by_name = people.troupes
    district_office = users["district"]
    festival = _demo_festival(
        session,
        name=DISTRICT_FESTIVAL,
        organization=organizations[DISTRICT],
        year=2026,
        starts_on=date(2026, 5, 20),
        deadline=datetime(2026, 4, 30, 17, 0),  # noqa: DTZ001 (local time)
        actor=district_office,
        created=datetime(2026, 4, 8, 1, 0, tzinfo=UTC),
    )
    categories = {category.name: category for category in festival.categories}
    for index, (troupe, title, category, minutes, size) in enumerate(DISTRICT_PROGRAMS):
        submit_program(
            session,
            festival=festival,
            troupe=by_name[troupe],
            category_id=categories[category].id,
            title=title,
            duration_minutes=minutes,
            performer_ids=[p.id for p in members_of[troupe][:size]],
            may_submit_late=False,
            actor=users[leader_of(troupe)] if leader_of(troupe) else district_office,
            now=datetime(2026, 4, 15, 2, 0, tzinfo=UTC) + timedelta(hours=index * 7),
        )
    city = _demo_festival(
        session,
        name=CITY_FESTIVAL,
        organization=organizations[CITY],
        year=2026,
        starts_on=date(2026, 6, 18),
        deadline=datetime(2026, 6, 5, 17, 0),  # noqa: DTZ001
        actor=users["city"],
        created=datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
    )
    province = _demo_festival(
        session,
        name=PROVINCE_FESTIVAL,
        organization=organizations[PROVINCE],
        year=2026,
        starts_on=date(2026, 9, 20),
        deadline=datetime(2026, 9, 1, 17, 0),  # noqa: DTZ001
        actor=users["province"],
        created=datetime(2026, 5, 6, 1, 0, tzinfo=UTC),
    )
    judges = [users[f"judge{n}"] for n in range(1, 6)]
    # The district screens twelve programs in two rounds down to six, the first by video
    # (网络初评): each judge's sheet shows the troupes' videos.
    first = _demo_round(
        session,
        festival,
        "初选",
        by_video=True,
        advance=8,
        judges=judges,
        rng=rng,
        actor=district_office,
        opened=datetime(2026, 5, 6, 1, 0, tzinfo=UTC),
    )
    second = _demo_round(
        session,
        festival,
        "复选",
        advance=6,
        judges=judges,
        rng=rng,
        actor=district_office,
        opened=datetime(2026, 5, 13, 1, 0, tzinfo=UTC),
        previous=first,
        performance_day=True,
    )
    recommended_at = datetime(2026, 5, 25, 1, 0, tzinfo=UTC)
    for program in _advanced(session, second):
        recommend_program(
            session,
            program=program,
            target=city,
            category_id=None,
            actor=district_office,
            now=recommended_at,
        )
    # The city judges the six, ranked by category; 《和谐大家园》 goes on to the province.
    city_round = _demo_round(
        session,
        city,
        "市级评审",
        advance=None,
        advance_titles=["和谐大家园"],
        ranking="by_category",
        judges=judges,
        rng=rng,
        actor=users["city"],
        opened=datetime(2026, 6, 18, 1, 0, tzinfo=UTC),
    )
    # The province evaluates song and dance (歌舞) with the dance category (舞蹈).
    provincial_dance = next(c for c in province.categories if c.name == "舞蹈")
    for program in _advanced(session, city_round):
        recommend_program(
            session,
            program=program,
            target=province,
            category_id=provincial_dance.id,
            actor=users["city"],
            now=datetime(2026, 7, 2, 1, 0, tzinfo=UTC),
        )
    # All six win at the city, each category's ranking its own tiers: a second prize from
    # 90 points, a third from 86, an excellence award for the rest (one second, two third,
    # three excellence); the district office wins the excellent organisation award.
    city_awards_at = datetime(2026, 6, 22, 1, 0, tzinfo=UTC)
    allocate_awards(
        session,
        festival=city,
        round_id=city_round.id,
        tiers=CITY_TIERS,
        minimums=CITY_MINIMUMS,
        by_category=True,
        actor=users["city"],
        now=city_awards_at,
    )
    create_award(
        session,
        festival=city,
        tier="organization",
        organization_id=organizations[DISTRICT].id,
        title="优秀组织奖",
        actor=users["city"],
        now=city_awards_at,
    )
    _publish_and_finalize(session, city, actor=users["city"], now=city_awards_at)
    # The province evaluates by category; its first prizes go from 96 points, so the dance
    # category's first prize stays vacant (空缺) and its allocation gives 《和谐大家园》 the
    # dance-category second prize.
    province_round = _demo_round(
        session,
        province,
        "省级展评",
        advance=None,
        advance_titles=[],
        ranking="by_category",
        judges=judges,
        rng=rng,
        actor=users["province"],
        opened=datetime(2026, 9, 20, 1, 0, tzinfo=UTC),
    )
    province_awards_at = datetime(2026, 9, 25, 1, 0, tzinfo=UTC)
    allocate_awards(
        session,
        festival=province,
        round_id=province_round.id,
        tiers=PROVINCE_TIERS,
        minimums=PROVINCE_MINIMUMS,
        by_category=True,
        actor=users["province"],
        now=province_awards_at,
    )
    # Five working days from Friday 25 September: the National Day holiday does not count.
    _publish_and_finalize(session, province, actor=users["province"], now=province_awards_at)
    next_festival = _demo_festival(
        session,
        name=NEXT_FESTIVAL,
        organization=organizations[DISTRICT],
        year=2027,
        starts_on=date(2027, 5, 18),
        deadline=datetime(2027, 3, 31, 17, 0),  # noqa: DTZ001 (local time)
        actor=district_office,
        created=now,
    )
    return DemoFestivals(district=festival, city=city, next_festival=next_festival)


def _publish_and_finalize(session: Session, festival: Festival, *, actor, now: datetime) -> None:
    """Published under a notice period of five working days, with no objection raised, and
    made final the morning after it ended."""
    publish(session, festival=festival, notice_working_days=5, actor=actor, now=now)
    finalize(
        session, festival=festival, actor=actor, now=festival.notice_until + timedelta(hours=9)
    )


def _demo_round(
    session: Session,
    festival: Festival,
    name: str,
    *,
    advance: int | None,
    advance_titles: list[str] | None = None,
    ranking: str = "overall",
    judges: list[User],
    rng: random.Random,
    actor: User,
    opened: datetime,
    previous=None,
    performance_day: bool = False,
    by_video: bool = False,
):
    """A closed round in which every judge scored every program around its quality. Before
    its first round the office closes the festival to submissions, as offices do. Without
    ``advance`` the programs titled ``advance_titles`` advance."""
    if previous is None and festival.status is FestivalStatus.open:
        close_intake(session, festival=festival, actor=actor, now=opened)
    round_ = create_round(
        session,
        festival=festival,
        name=name,
        aggregation="trimmed_mean",
        criteria=[{"name": n, "max_score": m, "weight": 1} for n, m in CRITERIA],
        advance_count=advance,
        ranking=ranking,
        by_video=by_video,
        actor=actor,
        now=opened,
    )
    for judge in judges:
        assign_judge(session, round_=round_, user_id=judge.id, actor=actor, now=opened)
    if previous is None:
        program_ids = list(
            session.execute(
                select(Program.id).where(Program.festival_id == festival.id).order_by(Program.id)
            ).scalars()
        )
    else:
        program_ids = [p.id for p in _advanced(session, previous)]
    add_entries(session, round_=round_, program_ids=program_ids, actor=actor, now=opened)
    session.refresh(round_, ["criteria"])
    programs = {
        p.id: p
        for p in session.execute(select(Program).where(Program.id.in_(program_ids))).scalars()
    }
    sheets: dict[tuple[int, int], dict[str, str]] = {}
    for judge in judges:
        for program_id in program_ids:
            quality = (
                Decimal(QUALITY[programs[program_id].title]) + Decimal(rng.randint(-15, 15)) / 10
            )
            values = {}
            for criterion in round_.criteria:
                raw = criterion.max_score * quality / 100
                half_points = (raw * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
                values[str(criterion.id)] = str(min(criterion.max_score, half_points))
            sheets[judge.id, program_id] = values
    if performance_day:
        _perform(session, round_, judges, sheets, actor=actor, day=opened + timedelta(days=1))
    else:
        for offset, judge in enumerate(judges):
            for program_id in program_ids:
                save_scores(
                    session,
                    round_=round_,
                    program_id=program_id,
                    judge=judge,
                    values=sheets[judge.id, program_id],
                    now=opened + timedelta(days=1, minutes=offset),
                )
    closed = opened + timedelta(days=2)
    if advance is None:
        chosen = [pid for pid, p in programs.items() if p.title in (advance_titles or [])]
        close_round(session, round_=round_, advance_program_ids=chosen, actor=actor, now=closed)
        return round_
    try:
        close_round(session, round_=round_, advance_program_ids=None, actor=actor, now=closed)
    except TieAtCutoff:
        ranks = {i.program_id: i.rank for i in round_results(session, round_).items}
        cut = cut_line(ranks, advance)
        tied = sorted(cut.tied, key=lambda pid: -QUALITY[programs[pid].title])
        close_round(
            session,
            round_=round_,
            advance_program_ids=cut.advancing + tied[: cut.places_left],
            actor=actor,
            now=closed,
        )
    return round_


DEMO_DRAW_SEED = "20260513"
DEMO_STAGE = "通州区文化馆剧场"


def _perform(
    session: Session,
    round_,
    judges: list[User],
    sheets: dict[tuple[int, int], dict[str, str]],
    *,
    actor: User,
    day: datetime,
) -> None:
    """The round on stage: the running order drawn from a recorded seed and published, every
    troupe checked in, then each program on stage in turn, scored and confirmed by every judge
    on their tablet."""
    draw(session, round_=round_, seed=DEMO_DRAW_SEED, by_category=False, actor=actor, now=day)
    # The festival's calendar shows the day it is held: the day of the round on stage.
    local = day.astimezone(ZoneInfo(round_.festival.timezone))
    publish_order(
        session,
        round_=round_,
        published=True,
        actor=actor,
        now=day,
        day=OrderDay(on=local.date(), starts=time(9, 0), ends=time(12, 30), location=DEMO_STAGE),
    )
    order = running_order(session, round_.id)
    for row in order:
        check_in(
            session,
            round_=round_,
            program_id=row.program_id,
            actor=actor,
            now=day + timedelta(minutes=row.position),
        )
    for row in order:
        on_stage_at = day + timedelta(hours=1, minutes=10 * row.position)
        put_on_stage(
            session, round_=round_, program_id=row.program_id, actor=actor, now=on_stage_at
        )
        for offset, judge in enumerate(judges, start=1):
            scored_at = on_stage_at + timedelta(minutes=5, seconds=10 * offset)
            save_scores(
                session,
                round_=round_,
                program_id=row.program_id,
                judge=judge,
                values=sheets[judge.id, row.program_id],
                now=scored_at,
            )
            confirm(session, round_, row.program_id, judge, scored_at + timedelta(seconds=5))
    put_on_stage(session, round_=round_, program_id=None, actor=actor, now=day + timedelta(hours=4))


def _advanced(session: Session, round_) -> list[Program]:
    return list(
        session.execute(
            select(Program)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .where(RoundEntry.round_id == round_.id, RoundEntry.advanced.is_(True))
            .order_by(RoundEntry.final_rank, Program.id)
        ).scalars()
    )


def _demo_festival(
    session: Session,
    *,
    name: str,
    organization: Organization,
    year: int,
    starts_on: date,
    deadline: datetime,
    actor: User,
    created: datetime,
) -> Festival:
    festival = create_festival(
        session,
        name=name,
        level=organization.level,
        organization_id=organization.id,
        year=year,
        starts_on=starts_on,
        ends_on=starts_on,
        submission_deadline=deadline,
        description="由通州区老龄工作委员会办公室会同区文化、广电、体育、老干部局主办。",
        actor=actor,
        now=created,
    )
    for category, minutes in CATEGORIES:
        add_category(
            session,
            festival=festival,
            name=category,
            max_duration_minutes=minutes,
            actor=actor,
            now=created,
        )
    session.refresh(festival, ["categories"])
    open_festival(session, festival=festival, actor=actor, now=created)
    assert festival.status is FestivalStatus.open
    return festival
