"""A large, consistent world for benchmarks: ``python -m bench data --programs N``.

For N = 10,000: about 100 organisations (a province, its cities, their districts), 2,000
troupes and 50 tai chi teams with a leader account each, 30,000 people, this year's
festival with N programs in one open round that 9 judges have scored completely, last
year's festival with a closed round and its published awards, and for every team a year of
daily practice and weekly training (with cancellations, moved sessions, attendance and the
team's calendar feed).

The bulk rows are written with SQLAlchemy Core ``insert()`` executemany in batches, with
explicit ids (the sequences are moved past them on PostgreSQL). The few writes whose rules
are worth keeping in one place go through the services: festivals, categories, rounds,
judges, closing last year's round, its awards and their publication.
"""

import math
import random
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from festival.accounts.models import Level, Organization, Role, User
from festival.audit.models import AuditEntry
from festival.awards.services import allocate_awards, create_award, publish
from festival.core.errors import TieAtCutoff
from festival.demo.people import GIVEN, SURNAMES  # the demo's names, for the same look
from festival.festivals.models import Festival
from festival.festivals.services import (
    add_category,
    close_intake,
    create_festival,
    open_festival,
)
from festival.judging import scoring
from festival.judging.models import Conflict, JudgeTotal, Round, RoundEntry, Score
from festival.judging.result_queries import round_results
from festival.judging.services import assign_judge, close_round, create_round
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.schedules import recurrence, recurrence_rules
from festival.schedules.feeds import SELECTOR_LENGTH
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventKind,
    EventOverride,
)
from festival.schedules.services import DEFAULT_UID_DOMAIN
from festival.troupes.models import Gender, MemberRole, Membership, Person, Troupe, TroupeKind

BENCH_PASSWORD = "festival-bench"  # noqa: S105  (benchmark accounts on a scratch database)
ORGANIZER = "bench-organizer"
ADMIN = "bench-admin"
JUDGE_PREFIX = "bench-judge"
BATCH = 5_000
ZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(ZONE)
# The moment the world is seen from: every row was written before it.
NOW = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)
CREATED = datetime(2025, 5, 6, 1, 0, tzinfo=UTC)

PROVINCE = "基准省老龄工作委员会办公室"
CRITERIA = [("艺术表现", 40), ("编排创意", 30), ("舞台效果", 20), ("精神风貌", 10)]
# name, maximum minutes, share of the programs (in percent)
CATEGORIES = [("歌舞", 8, 35), ("舞蹈", 8, 25), ("戏曲", 10, 15), ("器乐", 8, 15), ("朗诵", 6, 10)]
TROUPE_PREFIXES = [
    "银龄",
    "夕阳红",
    "金色年华",
    "晚晴",
    "常青",
    "松鹤",
    "百合",
    "红枫",
    "桑榆",
    "福寿",
]
TROUPE_STYLES = ["歌舞团", "合唱团", "戏曲社", "器乐队", "朗诵队", "舞蹈队"]
TITLES = [
    "和谐大家园",
    "茉莉花开",
    "长江之歌",
    "天仙配",
    "紫竹调",
    "老年颂",
    "夕阳红",
    "南通好地方",
    "穆桂英挂帅",
    "步步高",
    "江海渔歌",
    "我骄傲，我是中国人",
    "映山红",
    "红梅赞",
    "在希望的田野上",
    "我和我的祖国",
    "春江花月夜",
    "彩云追月",
    "花好月圆",
    "喜洋洋",
    "东方红",
    "梁祝",
    "二泉映月",
    "黄河颂",
    "太湖美",
    "沂蒙山小调",
    "洗衣歌",
    "康定情歌",
    "草原之夜",
    "绣金匾",
    "十送红军",
    "游击队之歌",
    "唱支山歌给党听",
    "歌唱祖国",
    "走进新时代",
    "好日子",
    "最美夕阳红",
    "金梭和银梭",
    "难忘今宵",
    "今天是你的生日",
]
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Sizes:
    """How many of each thing a world of ``programs`` programs has (10,000 is the reference)."""

    programs: int
    cities: int
    districts_per_city: int
    troupes: int
    troupe_members: int
    teams: int
    team_members: int
    judges: int
    last_year_programs: int
    conflicts: int

    @property
    def organizations(self) -> int:
        return 1 + self.cities * (1 + self.districts_per_city)


def sizes_for(programs: int) -> Sizes:
    scale = programs / 10_000
    return Sizes(
        programs=programs,
        cities=max(1, round(9 * scale)),
        districts_per_city=10,
        troupes=max(2, programs // 5),
        troupe_members=14,
        teams=max(1, round(50 * scale)),
        team_members=30,
        judges=9,
        last_year_programs=max(10, programs // 10),
        conflicts=max(1, programs // 200),
    )


@dataclass
class BenchWorld:
    """What the benchmark needs to find its way around the generated data."""

    sizes: Sizes
    festival_id: int
    round_id: int
    criterion_ids: list[int]
    category_ids: list[int]
    last_year_festival_id: int
    last_year_slug: str
    last_year_round_id: int
    organizer: str
    judges: list[str]
    team_id: int
    team_leader: str
    team_feed_secret: str
    score_program_id: int  # a program the first judge may score (no conflict of interest)
    province_name: str
    rows: dict[str, int] = field(default_factory=dict)


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Bulk inserts in batches, counting rows per table; ids handed out from max(id) + 1."""

    def __init__(self, session: Session):
        self.session = session
        self.rows: Counter[str] = Counter()
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def next_id(self, model) -> int:
        table: Table = model.__table__
        return self.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1

    def insert(self, model, rows: Iterable[dict]) -> None:
        table: Table = model.__table__
        for batch in _batches(rows, BATCH):
            self.session.execute(insert(table), batch)
            self.rows[table.name] += len(batch)
        if self.postgresql and "id" in table.c and table.c.id.autoincrement:
            # Explicit ids do not move the sequence: move it past them for later inserts.
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall time in Shanghai as the aware UTC datetime that the columns take."""
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


# Scores are given in half points; one Decimal per value, shared by every row that has it.
_HALVES = {n: Decimal(n) / 2 for n in range(0, 2 * 1000 + 1)}


class _Judging:
    """Judge biases and program qualities, so that rankings look like real ones."""

    def __init__(self, rng: random.Random, judge_count: int):
        self.rng = rng
        self.bias = [rng.uniform(-3, 3) for _ in range(judge_count)]

    def values(self, quality: float, judge_index: int, maxima: list[int]) -> list[Decimal]:
        mood = quality + self.bias[judge_index] + self.rng.uniform(-2, 2)
        values = []
        for maximum in maxima:
            raw = maximum * (mood + self.rng.uniform(-3, 3)) / 100
            halves = min(2 * maximum, max(0, round(raw * 2)))
            values.append(_HALVES[halves])
        return values


def generate(
    session: Session,
    *,
    programs: int,
    password_hash: str,
    uid_domain: str = DEFAULT_UID_DOMAIN,
    seed: int = 2026,
) -> BenchWorld:
    """Add the benchmark world to a migrated database (the caller commits)."""
    sizes = sizes_for(programs)
    rng = random.Random(seed)
    out = _Writer(session)
    organizations = _organizations(out, sizes)
    province_id = organizations["province"]
    districts = organizations["districts"]
    users = _accounts(out, password_hash, province_id, sizes.judges)
    troupes = _troupes(out, rng, sizes, districts, password_hash)
    members = _people(out, rng, sizes, troupes)
    organizer = session.get(User, users["organizer"])
    judges = [session.get(User, judge_id) for judge_id in users["judges"]]

    last_year, last_round, _ = _festival(
        out,
        rng,
        sizes.last_year_programs,
        troupes=troupes["troupes"],
        members=members,
        organizer=organizer,
        judges=judges,
        province_id=province_id,
        year=2025,
        created=datetime(2025, 6, 1, 1, 0, tzinfo=UTC),
        deadline=date(2025, 8, 31),
        starts_on=date(2025, 10, 18),
        round_opened=datetime(2025, 9, 10, 1, 0, tzinfo=UTC),
        conflicts=0,
        leaders=troupes["leaders"],
    )
    _close_and_award(
        session,
        rng,
        festival=last_year,
        round_=last_round,
        organizer=organizer,
        districts=districts[: sizes.cities],
    )

    festival, round_, program_ids = _festival(
        out,
        rng,
        sizes.programs,
        troupes=troupes["troupes"],
        members=members,
        organizer=organizer,
        judges=judges,
        province_id=province_id,
        year=2026,
        created=datetime(2026, 9, 1, 1, 0, tzinfo=UTC),
        deadline=date(2026, 11, 15),
        starts_on=date(2026, 12, 20),
        round_opened=datetime(2026, 11, 18, 1, 0, tzinfo=UTC),
        conflicts=sizes.conflicts,
        leaders=troupes["leaders"],
    )
    conflicted = set(
        session.execute(
            select(Conflict.program_id).where(
                Conflict.round_id == round_.id, Conflict.judge_id == judges[0].id
            )
        ).scalars()
    )

    team_id, secret = _schedules(
        out,
        rng,
        teams=troupes["teams"],
        members=members,
        leaders=troupes["leaders"],
        uid_domain=uid_domain,
    )
    session.flush()
    round_.criteria  # noqa: B018  (loaded while the session is open)
    return BenchWorld(
        sizes=sizes,
        festival_id=festival.id,
        round_id=round_.id,
        criterion_ids=[c.id for c in round_.criteria],
        category_ids=[c.id for c in festival.categories],
        last_year_festival_id=last_year.id,
        last_year_slug=last_year.slug,
        last_year_round_id=last_round.id,
        organizer=ORGANIZER,
        judges=[judge.username for judge in judges],
        team_id=team_id,
        team_leader=troupes["leader_names"][team_id],
        team_feed_secret=secret,
        score_program_id=next(pid for pid in program_ids if pid not in conflicted),
        province_name=PROVINCE,
        rows=row_counts(session),
    )


def _organizations(out: _Writer, sizes: Sizes) -> dict:
    """A province, its cities and ten districts under each city."""
    first = out.next_id(Organization)
    province = first
    rows = [
        {
            "id": province,
            "name": PROVINCE,
            "level": Level.province,
            "parent_id": None,
            "created_at": CREATED,
        }
    ]
    cities, districts = [], []
    next_id = first + 1
    for city_number in range(1, sizes.cities + 1):
        city = next_id
        next_id += 1
        cities.append(city)
        rows.append(
            {
                "id": city,
                "name": f"基准省第{city_number}市老龄工作委员会办公室",
                "level": Level.city,
                "parent_id": province,
                "created_at": CREATED,
            }
        )
        for district_number in range(1, sizes.districts_per_city + 1):
            districts.append(next_id)
            rows.append(
                {
                    "id": next_id,
                    "name": f"基准省第{city_number}市第{district_number}区老龄工作委员会办公室",
                    "level": Level.district,
                    "parent_id": city,
                    "created_at": CREATED,
                }
            )
            next_id += 1
    out.insert(Organization, rows)
    return {"province": province, "cities": cities, "districts": districts}


def _user_row(
    user_id: int, username: str, display_name: str, role: Role, organization_id, password_hash: str
) -> dict:
    return {
        "id": user_id,
        "username": username,
        "password_hash": password_hash,
        "display_name": display_name,
        "role": role,
        "organization_id": organization_id,
        "is_active": True,
        "session_nonce": secrets.token_urlsafe(12),
        "created_at": CREATED,
    }


def _accounts(out: _Writer, password_hash: str, province_id: int, judge_count: int) -> dict:
    """The admin, the province's organizer and the judges."""
    first = out.next_id(User)
    rows = [
        _user_row(first, ADMIN, "基准 系统管理员", Role.admin, None, password_hash),
        _user_row(
            first + 1, ORGANIZER, "基准省老龄办 赵处长", Role.organizer, province_id, password_hash
        ),
    ]
    judges = []
    for number in range(1, judge_count + 1):
        judges.append(first + 1 + number)
        rows.append(
            _user_row(
                first + 1 + number,
                f"{JUDGE_PREFIX}{number}",
                f"评委 {SURNAMES[number]}老师",
                Role.judge,
                None,
                password_hash,
            )
        )
    out.insert(User, rows)
    out.insert(
        AuditEntry,
        [
            {
                "at": CREATED,
                "actor_id": None,
                "action": "create_user",
                "entity_type": "user",
                "entity_id": row["id"],
                "changes": {"username": row["username"], "role": row["role"].value},
                "organization_id": row["organization_id"],
                "festival_id": None,
            }
            for row in rows
        ],
    )
    return {"admin": first, "organizer": first + 1, "judges": judges}


def _troupes(
    out: _Writer, rng: random.Random, sizes: Sizes, districts: list[int], password_hash: str
) -> dict:
    """Troupes and teams spread over the districts, each with its leader's account."""
    first_user, first_troupe = out.next_id(User), out.next_id(Troupe)
    users, rows, audit = [], [], []
    troupes, teams, organization_of, leader_names = [], [], {}, {}
    total = sizes.troupes + sizes.teams
    for index in range(total):
        troupe_id, user_id = first_troupe + index, first_user + index
        district = districts[index % len(districts)]
        if index < sizes.troupes:
            name = (
                f"{TROUPE_PREFIXES[index % len(TROUPE_PREFIXES)]}"
                f"{TROUPE_STYLES[(index // len(TROUPE_PREFIXES)) % len(TROUPE_STYLES)]}"
                f"{index + 1:04d}"
            )
            kind = TroupeKind.troupe
            troupes.append(troupe_id)
        else:
            name = f"{TROUPE_PREFIXES[index % len(TROUPE_PREFIXES)]}太极拳展示队{index + 1:04d}"
            kind = TroupeKind.team
            teams.append(troupe_id)
        username = f"bench-leader{index + 1:05d}"
        leader_names[troupe_id] = username
        organization_of[troupe_id] = district
        users.append(
            _user_row(
                user_id,
                username,
                f"{name} {rng.choice(SURNAMES)}团长",
                Role.leader,
                district,
                password_hash,
            )
        )
        rows.append(
            {
                "id": troupe_id,
                "name": name,
                "kind": kind,
                "organization_id": district,
                "leader_id": user_id,
                "created_at": CREATED,
            }
        )
        audit.append(
            {
                "at": CREATED,
                "actor_id": user_id,
                "action": "create_troupe",
                "entity_type": "troupe",
                "entity_id": troupe_id,
                "changes": {"name": name},
                "organization_id": district,
                "festival_id": None,
            }
        )
    out.insert(User, users)
    out.insert(Troupe, rows)
    out.insert(AuditEntry, audit)
    return {
        "troupes": troupes,
        "teams": teams,
        "organization_of": organization_of,
        "leaders": {
            troupe_id: first_user + index for index, troupe_id in enumerate(troupes + teams)
        },
        "leader_names": leader_names,
    }


def _people(out: _Writer, rng: random.Random, sizes: Sizes, troupes: dict) -> dict[int, list[int]]:
    """Each troupe's and team's members (a team's first member is its coach); a few people
    belong to two troupes. Returns troupe id → member ids, coach first."""
    first = out.next_id(Person)
    people, memberships = [], []
    members: dict[int, list[int]] = {}
    next_id = first
    for troupe_id, size, kind in [
        (t, sizes.troupe_members, TroupeKind.troupe) for t in troupes["troupes"]
    ] + [(t, sizes.team_members, TroupeKind.team) for t in troupes["teams"]]:
        ids = list(range(next_id, next_id + size))
        next_id += size
        members[troupe_id] = ids
        for position, person_id in enumerate(ids):
            people.append(
                {
                    "id": person_id,
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "birth_date": date(
                        rng.randint(1942, 1964), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    "gender": rng.choice([Gender.female, Gender.female, Gender.male]),
                    "phone": "139" + f"{rng.randrange(10**8):08d}",
                    "created_at": CREATED,
                }
            )
            memberships.append(
                {
                    "troupe_id": troupe_id,
                    "person_id": person_id,
                    "role": MemberRole.coach
                    if kind is TroupeKind.team and position == 0
                    else MemberRole.member,
                    "joined_on": date(2025, rng.randint(1, 5), rng.randint(1, 28)),
                }
            )
    # One troupe in twenty shares two singers with the next troupe.
    plain = troupes["troupes"]
    for index in range(0, len(plain) - 1, 20):
        here, there = plain[index], plain[index + 1]
        for person_id in members[here][:2]:
            memberships.append(
                {
                    "troupe_id": there,
                    "person_id": person_id,
                    "role": MemberRole.member,
                    "joined_on": date(2025, 6, 1),
                }
            )
            members[there] = [*members[there], person_id]
    out.insert(Person, people)
    out.insert(Membership, memberships)
    return members


def _festival(
    out: _Writer,
    rng: random.Random,
    count: int,
    *,
    troupes: list[int],
    members: dict[int, list[int]],
    organizer: User,
    judges: list[User],
    province_id: int,
    year: int,
    created: datetime,
    deadline: date,
    starts_on: date,
    round_opened: datetime,
    conflicts: int,
    leaders: dict[int, int],
) -> tuple[Festival, Round, list[int]]:
    """A festival of the province with ``count`` programs, all entered in its first round,
    which every judge has scored completely (except their conflicts of interest)."""
    session = out.session
    festival = create_festival(
        session,
        name=f"{year}年基准省老年文艺节目展评",
        level=Level.province,
        organization_id=province_id,
        year=year,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=1),
        submission_deadline=datetime.combine(deadline, time(17, 0)),
        description="基准测试数据：全省各市、区老年文艺团队报送的节目。",
        actor=organizer,
        now=created,
    )
    for name, minutes, _share in CATEGORIES:
        add_category(
            session,
            festival=festival,
            name=name,
            max_duration_minutes=minutes,
            actor=organizer,
            now=created,
        )
    session.refresh(festival, ["categories"])
    open_festival(session, festival=festival, actor=organizer, now=created)
    categories = [(c.id, c.max_duration_minutes) for c in festival.categories]
    shares = [share for _name, _minutes, share in CATEGORIES]

    # Programs: a few per troupe, each troupe's titles distinct; one in a hundred came late
    # and was entered by the organizer.
    per_troupe = math.ceil(count / len(troupes))
    offset = rng.randrange(len(troupes))
    first_program = out.next_id(Program)
    programs, performers, audit = [], [], []
    titles: dict[int, list[str]] = {}
    deadline_at = festival.submission_deadline
    for index in range(count):
        troupe_id = troupes[(offset + index) % len(troupes)]
        own_titles = titles.setdefault(
            troupe_id, rng.sample(TITLES, min(per_troupe + 1, len(TITLES)))
        )
        title = own_titles.pop()
        category_id, max_minutes = rng.choices(categories, weights=shares)[0]
        late = rng.random() < 0.01
        submitted_at = (
            _between(rng, deadline_at, deadline_at + timedelta(days=2))
            if late
            else _between(rng, created + timedelta(days=1), deadline_at)
        )
        program_id = first_program + index
        submitter = organizer.id if late else leaders[troupe_id]
        programs.append(
            {
                "id": program_id,
                "festival_id": festival.id,
                "category_id": category_id,
                "troupe_id": troupe_id,
                "title": title,
                "duration_minutes": rng.randint(3, max_minutes),
                "status": ProgramStatus.screening,
                "is_late": late,
                "recommended_from_id": None,
                "submitted_by_id": submitter,
                "submitted_at": submitted_at,
                "updated_at": submitted_at,
                "version": 1,
            }
        )
        pool = members[troupe_id]
        for person_id in rng.sample(pool, rng.randint(2, min(8, len(pool)))):
            performers.append({"program_id": program_id, "person_id": person_id})
        audit.append(
            {
                "at": submitted_at,
                "actor_id": submitter,
                "action": "submit_program",
                "entity_type": "program",
                "entity_id": program_id,
                "changes": {"title": title, "late": late},
                "organization_id": festival.organization_id,
                "festival_id": festival.id,
            }
        )
    out.insert(Program, programs)
    out.insert(ProgramPerformer, performers)
    out.insert(AuditEntry, audit)
    program_ids = [row["id"] for row in programs]
    quality = {row["id"]: rng.uniform(60, 96) for row in programs}
    del programs, performers, audit

    close_intake(session, festival=festival, actor=organizer, now=round_opened)
    round_ = create_round(
        session,
        festival=festival,
        name="初评",
        aggregation="trimmed_mean",
        criteria=[{"name": n, "max_score": m, "weight": 1} for n, m in CRITERIA],
        advance_count=max(1, count // 10),
        actor=organizer,
        now=round_opened,
    )
    for judge in judges:
        assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=round_opened)
    session.refresh(round_, ["criteria"])
    criteria = [(c.id, c.name, int(c.max_score)) for c in round_.criteria]
    first_entry = out.next_id(RoundEntry)
    entries = {pid: first_entry + index for index, pid in enumerate(program_ids)}
    out.insert(
        RoundEntry,
        (
            {
                "id": entry_id,
                "round_id": round_.id,
                "program_id": pid,
                "advanced": False,
                "final_score": None,
                "final_rank": None,
            }
            for pid, entry_id in entries.items()
        ),
    )
    out.insert(
        AuditEntry,
        [
            {
                "at": round_opened,
                "actor_id": organizer.id,
                "action": "add_entries",
                "entity_type": "round",
                "entity_id": round_.id,
                "changes": {"program_ids": program_ids},
                "organization_id": festival.organization_id,
                "festival_id": festival.id,
            }
        ],
    )
    # Conflicts of interest: the judge gave no scores to that program.
    conflict_pairs = {
        (judges[n % len(judges)].id, pid)
        for n, pid in enumerate(rng.sample(program_ids, conflicts))
    }
    out.insert(
        Conflict,
        [
            {
                "round_id": round_.id,
                "judge_id": judge_id,
                "program_id": pid,
                "reason": "与该节目团队同属一个单位",
                "declared_by_id": organizer.id,
                "declared_at": round_opened,
            }
            for judge_id, pid in sorted(conflict_pairs)
        ],
    )
    judging = _Judging(rng, len(judges))
    maxima = [maximum for _, _, maximum in criteria]
    judge_ids = [judge.id for judge in judges]
    criterion_ids = [criterion_id for criterion_id, _, _ in criteria]

    def sheets_given() -> Iterator[tuple[int, int, int, datetime]]:
        # Every judge's sheet of every program: (judge index, judge id, program id, saved at).
        for judge_index, judge_id in enumerate(judge_ids):
            day = round_opened + timedelta(days=1 + judge_index % 5)
            for number, pid in enumerate(program_ids):
                if (judge_id, pid) not in conflict_pairs:
                    yield judge_index, judge_id, pid, day + timedelta(seconds=number * 7)

    totals: list[dict] = []  # what save_scores keeps beside the scores (every weight is 1)

    def scores() -> Iterator[dict]:
        for judge_index, judge_id, pid, at in sheets_given():
            entry_id = entries[pid]
            values = judging.values(quality[pid], judge_index, maxima)
            totals.append(
                {
                    "entry_id": entry_id,
                    "judge_id": judge_id,
                    "units": sum(int(value * 100) * 100 for value in values),
                }
            )
            for criterion_id, value in zip(criterion_ids, values, strict=True):
                yield {
                    "entry_id": entry_id,
                    "judge_id": judge_id,
                    "criterion_id": criterion_id,
                    "value": value,
                    "updated_at": at,
                }

    def sheets() -> Iterator[dict]:
        # The audit entry save_scores writes once per judge and program.
        common = {
            "action": "save_scores",
            "entity_type": "round",
            "entity_id": round_.id,
            "organization_id": festival.organization_id,
            "festival_id": festival.id,
        }
        for _judge_index, judge_id, pid, at in sheets_given():
            yield {"at": at, "actor_id": judge_id, "changes": {"program_id": pid}, **common}

    out.insert(Score, scores())
    out.insert(JudgeTotal, totals)
    per_entry: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for total in totals:
        per_entry[total["entry_id"]][total["judge_id"]] = scoring.from_units(total["units"])
    entry_table = RoundEntry.__table__
    for batch in _batches(
        (
            {
                "entry": entry_id,
                "score": scoring.aggregate(by_judge, round_.aggregation.value).score,
                "count": len(by_judge),
            }
            for entry_id, by_judge in per_entry.items()
        ),
        BATCH,
    ):
        session.execute(
            update(entry_table)
            .where(entry_table.c.id == bindparam("entry"))
            .values(score=bindparam("score"), judge_count=bindparam("count")),
            batch,
        )
    out.insert(AuditEntry, sheets())
    return festival, round_, program_ids


def _close_and_award(
    session: Session,
    rng: random.Random,
    *,
    festival: Festival,
    round_: Round,
    organizer: User,
    districts: list[int],
) -> None:
    """Close last year's round (deciding a tie at the cut line as an organizer would), give
    its prizes down the ranking, an award to a few districts, and publish the list."""
    closed = datetime(2025, 9, 25, 1, 0, tzinfo=UTC)
    try:
        close_round(session, round_=round_, advance_program_ids=None, actor=organizer, now=closed)
    except TieAtCutoff:
        ranks = {item.program_id: item.rank for item in round_results(session, round_).items}
        cut = scoring.cut_line(ranks, round_.advance_count)
        close_round(
            session,
            round_=round_,
            actor=organizer,
            now=closed,
            advance_program_ids=cut.advancing + sorted(cut.tied)[: cut.places_left],
        )
    ranks = sorted(
        rank
        for rank in session.execute(
            select(RoundEntry.final_rank).where(RoundEntry.round_id == round_.id)
        ).scalars()
        if rank is not None
    )
    # Tier sizes as planned, each grown until it does not split programs of equal rank.
    tiers, position = [], 0
    for tier, share in (("first", 0.01), ("second", 0.02), ("third", 0.03), ("excellence", 0.06)):
        end = min(position + max(1, round(share * len(ranks))), len(ranks))
        while position < end < len(ranks) and ranks[end] == ranks[end - 1]:
            end += 1
        tiers.append((tier, end - position))
        position = end
    awarded = datetime(2025, 10, 20, 1, 0, tzinfo=UTC)
    allocate_awards(
        session, festival=festival, round_id=round_.id, tiers=tiers, actor=organizer, now=awarded
    )
    for district_id in districts:
        create_award(
            session,
            festival=festival,
            tier="organization",
            organization_id=district_id,
            title="优秀组织奖",
            actor=organizer,
            now=awarded,
        )
    publish(session, festival=festival, notice_days=7, actor=organizer, now=awarded)


def _first_weekday_on_or_after(day: date, code: str) -> date:
    return day + timedelta(days=(WEEKDAY_CODES.index(code) - day.weekday()) % 7)


def _schedules(
    out: _Writer,
    rng: random.Random,
    *,
    teams: list[int],
    members: dict[int, list[int]],
    leaders: dict[int, int],
    uid_domain: str,
) -> tuple[int, str]:
    """For every team: a year of daily practice and weekly training with cancellations
    (Spring Festival, National Day) and two changed sessions, an exhibition and a meeting,
    the roll of every weekly training, and the team's feed with the version its writes
    made. Returns the first team's id and its feed's secret."""
    first_event = out.next_id(Event)
    events, cancellations, overrides, attendance, feeds, audit = [], [], [], [], [], []
    secret_of_first = ""
    event_id = first_event
    for number, team_id in enumerate(teams):
        leader = leaders[team_id]
        roll = members[team_id]
        created_at = datetime(2025, 11, 10, 2, number % 60, tzinfo=UTC)
        # Daily practice, 6:30 to 8:15 in steps by team, for a year.
        practice_start = datetime.combine(
            date(2025, 11, 24), time(6, 30 + 15 * (number % 2)), SHANGHAI
        ) + timedelta(minutes=30 * (number % 3))
        practice_rule = recurrence_rules.normalize_rule(
            recurrence_rules.rule_from_repeat(
                recurrence_rules.Repeat(freq="daily", until=date(2026, 11, 23)), SHANGHAI
            ),
            practice_start,
        )
        practice = list(recurrence.occurrence_starts(practice_start, practice_rule))
        # Weekly training on the team's day, 52 sessions.
        weekday = ("SA", "SU", "WE")[number % 3]
        first_day = _first_weekday_on_or_after(date(2025, 11, 24), weekday)
        training_start = datetime.combine(first_day, time(9 + number % 2, 0), SHANGHAI)
        training_rule = recurrence_rules.normalize_rule(
            recurrence_rules.rule_from_repeat(
                recurrence_rules.Repeat(
                    freq="weekly", weekdays=(weekday,), until=first_day + timedelta(weeks=51)
                ),
                SHANGHAI,
            ),
            training_start,
        )
        training = list(recurrence.occurrence_starts(training_start, training_rule))
        training_length = timedelta(hours=2)
        location = f"第{number + 1}训练场"

        spring = {s for s in training if date(2026, 2, 14) <= s.date() <= date(2026, 2, 23)}
        national = {s for s in training if date(2026, 10, 1) <= s.date() <= date(2026, 10, 7)}
        spring_practice = [
            s for s in practice if date(2026, 2, 16) <= s.date() <= date(2026, 2, 18)
        ]
        moved, renamed = training[20], training[40]
        spring_at = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)
        moved_at = _local(moved.date() - timedelta(days=3), 19)
        renamed_at = _local(renamed.date() - timedelta(days=2), 20)
        national_at = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
        exhibition_at = datetime(2026, 8, 20, 7, 0, tzinfo=UTC)
        meeting_at = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)

        practice_id, training_id = event_id, event_id + 1
        exhibition_id, meeting_id = event_id + 2, event_id + 3
        event_id += 4
        exhibition_day = date(2026, 10, 24)
        meeting_day = date(2026, 11, 25)

        def uid() -> str:
            return f"event-{rng.getrandbits(128):032x}@{uid_domain}"

        events += [
            _event(
                practice_id,
                uid(),
                team_id,
                "个人练习",
                EventKind.practice,
                practice_start,
                timedelta(hours=1),
                "各自家中或附近公园",
                practice_rule,
                sequence=1,
                created_at=created_at,
                updated_at=spring_at,
                notes="每天坚持个人训练：二十四式太极拳完整练习两遍。",
            ),
            _event(
                training_id,
                uid(),
                team_id,
                "每周集中训练",
                EventKind.training,
                training_start,
                training_length,
                location,
                training_rule,
                sequence=4,
                created_at=created_at,
                updated_at=national_at,
                notes="全队集中训练，统一动作和队形；请穿统一服装和平底鞋。",
            ),
            _event(
                exhibition_id,
                uid(),
                team_id,
                "千名老人太极拳展示",
                EventKind.exhibition,
                datetime.combine(exhibition_day, time(9), SHANGHAI),
                timedelta(hours=2, minutes=30),
                "市体育会展中心",
                None,
                sequence=0,
                created_at=exhibition_at,
                updated_at=exhibition_at,
                is_public=True,
                notes="全市千名老人太极拳展示，本队以方队参加；8:15在东门集合。",
            ),
            _event(
                meeting_id,
                uid(),
                team_id,
                "年度总结会",
                EventKind.meeting,
                datetime.combine(meeting_day, time(14, 30), SHANGHAI),
                timedelta(hours=1, minutes=30),
                "区老年大学会议室",
                None,
                sequence=0,
                created_at=meeting_at,
                updated_at=meeting_at,
                notes="总结一年训练，评选全勤队员。",
            ),
        ]
        cancelled = sorted(spring | national)
        for start in cancelled:
            cancellations.append(
                {
                    "event_id": training_id,
                    "occurrence_at": start.astimezone(UTC),
                    "created_at": spring_at if start in spring else national_at,
                }
            )
        for start in spring_practice:
            cancellations.append(
                {
                    "event_id": practice_id,
                    "occurrence_at": start.astimezone(UTC),
                    "created_at": spring_at,
                }
            )
        # One session moved to the afternoon (the square was taken); one moved indoors (rain).
        moved_to = datetime.combine(moved.date(), time(14, 30), SHANGHAI)
        overrides += [
            {
                "event_id": training_id,
                "occurrence_at": moved.astimezone(UTC),
                "starts_at": moved_to.astimezone(UTC),
                "ends_at": (moved_to + training_length).astimezone(UTC),
                "title": None,
                "location": None,
                "sequence": 2,
                "updated_at": moved_at,
            },
            {
                "event_id": training_id,
                "occurrence_at": renamed.astimezone(UTC),
                "starts_at": renamed.astimezone(UTC),
                "ends_at": (renamed + training_length).astimezone(UTC),
                "title": "室内集中训练",
                "location": "区体育馆二楼",
                "sequence": 3,
                "updated_at": renamed_at,
            },
        ]
        held_on = {moved: moved_to}
        for start in training:
            if start in spring or start in national:
                continue
            held = held_on.get(start, start)
            recorded_at = _local(held.date(), 18)
            for position, person_id in enumerate(roll):
                attendance.append(
                    {
                        "event_id": training_id,
                        "occurrence_at": start.astimezone(UTC),
                        "person_id": person_id,
                        "present": position == 0 or rng.random() < 0.9,
                        "recorded_by_id": leader,
                        "recorded_at": recorded_at,
                    }
                )
        secret = secrets.token_urlsafe(32)
        secret_of_first = secret_of_first or secret
        # Four events created, two cancellations (one on each series), spring and national
        # day, two changed sessions: nine writes, the last one the meeting.
        feeds.append(
            {
                "troupe_id": team_id,
                "festival_id": None,
                "secret": secret,
                "selector": secret[:SELECTOR_LENGTH],
                "version": 9,
                "changed_at": meeting_at,
                "body_version": None,
                "etag": None,
                "created_at": created_at,
                "rotated_at": None,
            }
        )
        for at, action, subject, changes in [
            (
                created_at,
                "create_event",
                practice_id,
                {"title": "个人练习", "rrule": practice_rule},
            ),
            (
                created_at,
                "create_event",
                training_id,
                {"title": "每周集中训练", "rrule": training_rule},
            ),
            (
                spring_at,
                "cancel_occurrences",
                training_id,
                {"occurrences": [s.astimezone(UTC).isoformat() for s in sorted(spring)]},
            ),
            (
                spring_at,
                "cancel_occurrences",
                practice_id,
                {"occurrences": [s.astimezone(UTC).isoformat() for s in spring_practice]},
            ),
            (
                moved_at,
                "change_occurrence",
                training_id,
                {
                    "occurrence": moved.astimezone(UTC).isoformat(),
                    "starts_at": moved_to.astimezone(UTC).isoformat(),
                },
            ),
            (
                exhibition_at,
                "create_event",
                exhibition_id,
                {"title": "千名老人太极拳展示", "rrule": None},
            ),
            (
                renamed_at,
                "change_occurrence",
                training_id,
                {
                    "occurrence": renamed.astimezone(UTC).isoformat(),
                    "starts_at": renamed.astimezone(UTC).isoformat(),
                },
            ),
            (
                national_at,
                "cancel_occurrences",
                training_id,
                {"occurrences": [s.astimezone(UTC).isoformat() for s in sorted(national)]},
            ),
            (meeting_at, "create_event", meeting_id, {"title": "年度总结会", "rrule": None}),
        ]:
            audit.append(
                {
                    "at": at,
                    "actor_id": leader,
                    "action": action,
                    "entity_type": "event",
                    "entity_id": subject,
                    "changes": changes,
                    "organization_id": None,
                    "festival_id": None,
                }
            )
    organization_of = dict(
        out.session.execute(
            select(Troupe.id, Troupe.organization_id).where(Troupe.id.in_(teams))
        ).all()
    )
    team_of = {row["id"]: row["troupe_id"] for row in events}
    for row in audit:
        row["organization_id"] = organization_of[team_of[row["entity_id"]]]
    out.insert(Event, events)
    out.insert(EventCancellation, cancellations)
    out.insert(EventOverride, overrides)
    out.insert(Attendance, attendance)
    out.insert(CalendarFeed, feeds)
    out.insert(AuditEntry, audit)
    return teams[0], secret_of_first


def _event(
    event_id: int,
    uid: str,
    troupe_id: int,
    title: str,
    kind: EventKind,
    starts_at: datetime,
    length: timedelta,
    location: str,
    rule: str | None,
    *,
    sequence: int,
    created_at: datetime,
    updated_at: datetime,
    notes: str = "",
    is_public: bool = False,
) -> dict:
    """An events row, with the end of its last occurrence worked out as the service does."""
    return {
        "id": event_id,
        "uid": uid,
        "troupe_id": troupe_id,
        "festival_id": None,
        "title": title,
        "kind": kind,
        "starts_at": starts_at.astimezone(UTC),
        "ends_at": (starts_at + length).astimezone(UTC),
        "timezone": ZONE,
        "location": location,
        "notes": notes,
        "is_public": is_public,
        "rrule": rule,
        "series_ends_at": (recurrence.last_start(starts_at, rule) + length).astimezone(UTC),
        "sequence": sequence,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def analyze(session: Session) -> None:
    """On PostgreSQL, VACUUM ANALYZE the new rows now, as autovacuum would in the minutes after
    a bulk load: the planner gets statistics (without them it plans for empty tables) and no
    autovacuum runs beside the measurements. SQLite keeps no statistics unless asked, and a
    production database there never is."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.commit()
    engine = session.get_bind()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table of the schema."""
    from festival.db import db

    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def database_is_empty(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is None


def empty_database(session: Session) -> None:
    """Delete every row of every table of the schema (not the Alembic revision)."""
    from festival.db import db

    tables = list(reversed(db.metadata.sorted_tables))
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        session.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
        session.commit()
        session.expunge_all()  # no object of a deleted row may stand for a new one
        return
    # Organisations under organisations: unhook them first (their key restricts deletes).
    session.execute(text("UPDATE organizations SET parent_id = NULL"))
    for table in tables:
        session.execute(table.delete())
    session.commit()
    session.expunge_all()  # no object of a deleted row may stand for a new one
