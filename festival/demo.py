"""The demo festival of DOMAIN.md: organisations, accounts, troupes and their members, the
festivals with their programs, rounds and awards, and the year's schedules (the tai chi team's
training, the Golden Autumn tour, rehearsals for 2027).

Every part is created through the same services that the pages use, so the demo obeys the
real rules.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Level, Organization, Role, User
from festival.accounts.services import create_organization, create_user
from festival.awards.services import allocate_awards, create_award, publish
from festival.core.errors import TieAtCutoff
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.services import add_category, create_festival, open_festival
from festival.judging.queries import round_results
from festival.judging.scoring import cut_line
from festival.judging.services import (
    add_entries,
    assign_judge,
    close_round,
    create_round,
    recommend_program,
    save_scores,
)
from festival.programs.models import Program
from festival.programs.services import submit_program
from festival.schedules.models import EventKind
from festival.schedules.recurrence import Repeat, rule_from_repeat
from festival.schedules.services import (
    DEFAULT_UID_DOMAIN,
    EventDetails,
    cancel_occurrences,
    change_occurrence,
    create_event,
    create_tour,
    record_attendance,
)
from festival.schedules.tours import TourStop
from festival.troupes.models import Gender, MemberRole, Membership, Person, Troupe, TroupeKind

DEMO_PASSWORD = "festival-demo"  # noqa: S105  (published on the demo's home page on purpose)

PROVINCE = "江苏省老龄工作委员会办公室"
CITY = "南通市老龄工作委员会办公室"
DISTRICT = "崇川区老龄工作委员会办公室"
OTHER_DISTRICT = "通州区老龄工作委员会办公室"

# username, display name, role, organisation
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.admin, None),
    ("district", "崇川区老龄办 王主任", Role.organizer, DISTRICT),
    ("city", "南通市老龄办 李科长", Role.organizer, CITY),
    ("province", "江苏省老龄办 赵处长", Role.organizer, PROVINCE),
    ("judge1", "评委 陈老师", Role.judge, None),
    ("judge2", "评委 刘老师", Role.judge, None),
    ("judge3", "评委 孙老师", Role.judge, None),
    ("judge4", "评委 周老师", Role.judge, None),
    ("judge5", "评委 吴老师", Role.judge, None),
    ("leader", "万年表歌舞团 张团长", Role.leader, DISTRICT),
    ("taichi", "太极拳展示队 钱教练", Role.leader, DISTRICT),
    ("choir", "银龄合唱团 郑团长", Role.leader, DISTRICT),
]

# What each demo account shows best, for the demo's home page.
DEMO_HINTS = {
    "admin": _l("Accounts and organisations; every festival"),
    "district": _l(
        "The district selection: twelve programs screened in two rounds down to "
        "six; the 2027 festival taking programs"
    ),
    "city": _l("The city festival: six programs judged, the awards published"),
    "province": _l("The provincial evaluation: 《和谐大家园》 wins a second prize"),
    "judge1": _l("Score sheets and the results of the rounds this judge scored"),
    "leader": _l(
        "万年表歌舞团: programs, the Golden Autumn tour of twenty nursing homes, rehearsals"
    ),
    "taichi": _l(
        "The 40-member tai chi team: daily practice, weekly training with "
        "attendance, the 24 October exhibition"
    ),
    "choir": _l("银龄合唱团 and its programs"),
}
for _number in range(2, 6):
    DEMO_HINTS[f"judge{_number}"] = DEMO_HINTS["judge1"]

# troupe name, kind, leader username, number of members
DEMO_TROUPES = [
    ("万年表歌舞团", TroupeKind.troupe, "leader", 18),
    ("银龄合唱团", TroupeKind.troupe, "choir", 24),
    ("夕阳红戏曲社", TroupeKind.troupe, "leader", 10),
    ("金色年华器乐队", TroupeKind.troupe, None, 8),
    ("晚晴朗诵队", TroupeKind.troupe, None, 8),
    ("太极拳展示队", TroupeKind.team, "taichi", 40),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "秀英",
    "桂英",
    "玉兰",
    "建国",
    "国华",
    "淑珍",
    "凤英",
    "志强",
    "桂兰",
    "秀兰",
    "建华",
    "德明",
    "春梅",
    "海燕",
    "丽华",
    "文华",
    "金凤",
    "永康",
    "素芬",
    "爱国",
    "美华",
    "卫东",
    "月娥",
    "福生",
    "翠英",
    "宝华",
    "雪梅",
    "振华",
    "惠芳",
    "长林",
]


DISTRICT_FESTIVAL = "首届南通市老年特色文化艺术节·崇川区选拔"
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
NEXT_FESTIVAL = "2027年崇川区老年文艺汇演"
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


ZONE = "Asia/Shanghai"
SHANGHAI = ZoneInfo(ZONE)
TAICHI_TEAM = "太极拳展示队"
TOUR_TROUPE = "万年表歌舞团"
TRAINING_GROUND = "崇川区文化馆广场"
EXHIBITION_DAY = date(2026, 10, 24)
# The nursing homes (敬老院) of twenty towns that the Golden Autumn tour visits, in order.
GOLDEN_AUTUMN_HOMES = [
    f"{district}{town}敬老院"
    for district, towns in [
        (
            "通州区",
            [
                "石港镇",
                "西亭镇",
                "二甲镇",
                "骑岸镇",
                "刘桥镇",
                "平潮镇",
                "兴仁镇",
                "十总镇",
                "川姜镇",
                "东社镇",
                "三余镇",
                "五接镇",
            ],
        ),
        (
            "海门区",
            ["常乐镇", "悦来镇", "四甲镇", "余东镇", "正余镇", "包场镇", "临江镇", "三星镇"],
        ),
    ]
    for town in towns
]


def demo_is_loaded(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is not None


def load_demo(session: Session, *, now: datetime) -> dict[str, int]:
    """Add the demo data to an empty database; returns what was created, by kind."""
    organizations = {}
    for name, level, parent in [
        (PROVINCE, Level.province, None),
        (CITY, Level.city, PROVINCE),
        (DISTRICT, Level.district, CITY),
        (OTHER_DISTRICT, Level.district, CITY),
    ]:
        organizations[name] = create_organization(
            session,
            name=name,
            level=level,
            parent_id=organizations[parent].id if parent else None,
            actor=None,
            now=now,
        )

    users = {}
    for username, display_name, role, organization in DEMO_ACCOUNTS:
        users[username] = create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            display_name=display_name,
            role=role,
            organization_id=organizations[organization].id if organization else None,
            actor=None,
            now=now,
        )

    rng = random.Random(2026)
    members_of: dict[str, list[Person]] = {}
    troupes = []
    for name, kind, leader, size in DEMO_TROUPES:
        troupe = Troupe(
            name=name,
            kind=kind,
            organization_id=organizations[DISTRICT].id,
            leader_id=users[leader].id if leader else None,
            created_at=now,
        )
        session.add(troupe)
        troupes.append(troupe)
        members = [_demo_person(rng, now) for _ in range(size)]
        session.add_all(members)
        members_of[name] = members
        session.flush()
        for index, person in enumerate(members):
            role = MemberRole.coach if kind is TroupeKind.team and index == 0 else MemberRole.member
            session.add(Membership(troupe_id=troupe.id, person_id=person.id, role=role))
    # A few singers of the choir also dance: one person may belong to several troupes.
    dancers = next(t for t in troupes if t.name == "万年表歌舞团")
    for singer in members_of["银龄合唱团"][:4]:
        session.add(Membership(troupe_id=dancers.id, person_id=singer.id))
    session.flush()
    people_made = sum(len(members) for members in members_of.values())

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
    by_name = {troupe.name: troupe for troupe in troupes}
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
            actor=users[_leader_of(troupe)] if _leader_of(troupe) else district_office,
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
    # The district screens twelve programs in two rounds down to six.
    first = _demo_round(
        session,
        festival,
        "初选",
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
    # The city judges the six; 《和谐大家园》 goes on to the province.
    city_round = _demo_round(
        session,
        city,
        "市级评审",
        advance=1,
        judges=judges,
        rng=rng,
        actor=users["city"],
        opened=datetime(2026, 6, 18, 1, 0, tzinfo=UTC),
    )
    for program in _advanced(session, city_round):
        recommend_program(
            session,
            program=program,
            target=province,
            category_id=None,
            actor=users["city"],
            now=datetime(2026, 7, 2, 1, 0, tzinfo=UTC),
        )
    # All six win at the city; the district office wins the excellent organisation award.
    city_awards_at = datetime(2026, 6, 22, 1, 0, tzinfo=UTC)
    allocate_awards(
        session,
        festival=city,
        round_id=city_round.id,
        tiers=[("second", 1), ("third", 2), ("excellence", 3)],
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
    publish(session, festival=city, notice_days=7, actor=users["city"], now=city_awards_at)
    # The province gives 《和谐大家园》 the dance-category second prize.
    provincial_entry = session.execute(
        select(Program).where(Program.festival_id == province.id)
    ).scalar_one()
    province_awards_at = datetime(2026, 9, 25, 1, 0, tzinfo=UTC)
    create_award(
        session,
        festival=province,
        tier="second",
        program_id=provincial_entry.id,
        title="舞蹈类节目二等奖",
        actor=users["province"],
        now=province_awards_at,
    )
    publish(
        session, festival=province, notice_days=7, actor=users["province"], now=province_awards_at
    )
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
    schedules = _demo_schedules(
        session,
        users=users,
        troupes=by_name,
        members_of=members_of,
        district=festival,
        city=city,
        next_festival=next_festival,
        now=now,
    )
    return {
        "organizations": len(organizations),
        "users": len(users),
        "troupes": len(troupes),
        "people": people_made,
        "festivals": 4,
        "programs": len(DISTRICT_PROGRAMS),
        "rounds": 3,
        "awards": 8,
        **schedules,
    }


def _demo_schedules(
    session: Session,
    *,
    users: dict[str, User],
    troupes: dict[str, Troupe],
    members_of: dict[str, list[Person]],
    district: Festival,
    city: Festival,
    next_festival: Festival,
    now: datetime,
) -> dict[str, int]:
    """The year's schedules of DOMAIN.md, each write at the moment it would have been made
    (so that attendance is taken after its session, whatever the real clock says); the 2027
    festival, made ``now``, gets its event ``now`` too."""
    domain = (
        current_app.config.get("CALENDAR_UID_DOMAIN", DEFAULT_UID_DOMAIN)
        if has_app_context()
        else DEFAULT_UID_DOMAIN
    )
    team, taichi = troupes[TAICHI_TEAM], users["taichi"]
    events = []

    # Tai chi: every member practises every day, the team trains together every Saturday,
    # and on 24 October it shows its form at the city's thousand-elder exhibition.
    planned = _at(date(2026, 4, 25), 10)
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="个人练习",
                kind=EventKind.practice,
                starts_at=_at(date(2026, 5, 1), 6, 30),
                ends_at=_at(date(2026, 5, 1), 7, 30),
                location="各自家中或附近公园",
                notes="每天坚持个人训练：二十四式太极拳完整练习两遍。",
                rule=rule_from_repeat(Repeat(freq="daily", until=date(2026, 10, 31)), SHANGHAI),
            ),
            troupe=team,
            zone=ZONE,
            actor=taichi,
            now=planned,
            uid_domain=domain,
        )
    )
    weekly = create_event(
        session,
        details=EventDetails(
            title="每周集中训练",
            kind=EventKind.training,
            starts_at=_at(date(2026, 5, 2), 9),
            ends_at=_at(date(2026, 5, 2), 11),
            location=TRAINING_GROUND,
            notes="全队集中训练，统一动作和队形；请穿统一服装和平底鞋。",
            rule=rule_from_repeat(
                Repeat(freq="weekly", weekdays=("SA",), until=date(2026, 10, 31)), SHANGHAI
            ),
        ),
        troupe=team,
        zone=ZONE,
        actor=taichi,
        now=planned,
        uid_domain=domain,
    )
    events.append(weekly)
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="千名老人太极拳展示",
                kind=EventKind.exhibition,
                starts_at=_at(EXHIBITION_DAY, 9),
                ends_at=_at(EXHIBITION_DAY, 11, 30),
                location="南通市体育会展中心",
                is_public=True,
                notes="全市千名老人太极拳展示，本队以40人方队参加；8:15在体育场东门集合。",
            ),
            troupe=team,
            zone=ZONE,
            actor=taichi,
            now=_at(date(2026, 8, 20), 15),
            uid_domain=domain,
        )
    )
    # No training on the Mid-Autumn and National Day holidays, nor on the exhibition's morning;
    # on 17 October the square hosts the Double Ninth (敬老日) celebration until noon.
    cancel_occurrences(
        session,
        event=weekly,
        days=[date(2026, 9, 26), date(2026, 10, 3)],
        actor=taichi,
        now=_at(date(2026, 9, 15), 20),
    )
    cancel_occurrences(
        session, event=weekly, days=[EXHIBITION_DAY], actor=taichi, now=_at(date(2026, 10, 10), 12)
    )
    change_occurrence(
        session,
        event=weekly,
        day=date(2026, 10, 17),
        starts_at=_at(date(2026, 10, 17), 14),
        ends_at=_at(date(2026, 10, 17), 16),
        actor=taichi,
        now=_at(date(2026, 10, 12), 19),
    )
    # The coach takes the roll at the last eight trainings before the exhibition.
    cancelled = {row.occurrence_at.astimezone(SHANGHAI).date() for row in weekly.cancellations}
    roll_days = []
    day = EXHIBITION_DAY - timedelta(days=7)
    while len(roll_days) < 8:
        if day not in cancelled:
            roll_days.append(day)
        day -= timedelta(days=7)
    attendance_rng = random.Random(1024)
    members = members_of[TAICHI_TEAM]
    for number, day in enumerate(sorted(roll_days)):
        present, absent = [], []
        for index, person in enumerate(members):
            # The coach never misses; one member was in hospital in late August.
            away = index != 0 and (
                attendance_rng.random() < 0.06 or (index == len(members) - 1 and number < 2)
            )
            (absent if away else present).append(person.id)
        record_attendance(
            session,
            event=weekly,
            day=day,
            present_ids=present,
            absent_ids=absent,
            actor=taichi,
            now=_at(day, 18),
        )

    # The 23rd Respect-the-Elderly Day (敬老日, the Double Ninth, 18 October 2026): the district
    # celebrates on the square the day before, which moves the team's Saturday training.
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="第23个敬老日（重阳节）庆祝活动",
                kind=EventKind.performance,
                starts_at=_at(date(2026, 10, 17), 9),
                ends_at=_at(date(2026, 10, 17), 12),
                location=TRAINING_GROUND,
                is_public=True,
                notes="区老龄办主办，各老年文艺团体参加展演；太极拳展示队当天下午训练。",
            ),
            festival=district,
            zone=district.timezone,
            actor=users["district"],
            now=_at(date(2026, 9, 28), 10),
            uid_domain=domain,
        )
    )

    # Golden Autumn service month: the deployment meeting of the city festival, then a tour
    # of consolation performances, one nursing home a day.
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="金秋送情活动部署会",
                kind=EventKind.meeting,
                starts_at=_at(date(2026, 9, 8), 14, 30),
                ends_at=_at(date(2026, 9, 8), 16, 30),
                location="南通市行政中心第三会议室",
                is_public=True,
                notes="市老龄办会同民政、文广旅、卫健等十余个部门部署金秋送情敬老月活动。",
            ),
            festival=city,
            zone=city.timezone,
            actor=users["city"],
            now=_at(date(2026, 9, 1), 9),
            uid_domain=domain,
        )
    )
    first_stop = date(2026, 9, 10)
    events.extend(
        create_tour(
            session,
            troupe=troupes[TOUR_TROUPE],
            title="金秋送情慰问演出",
            kind=EventKind.performance,
            stops=[
                TourStop(first_stop + timedelta(days=n), home)
                for n, home in enumerate(GOLDEN_AUTUMN_HOMES)
            ],
            start_time=time(14, 30),
            end_time=time(16, 0),
            notes="节目有《和谐大家园》《茉莉花开》《夕阳红》等，约一小时；13:30在团部集合乘车。",
            is_public=True,
            zone=ZONE,
            actor=users["leader"],
            now=_at(date(2026, 9, 8), 18),
            uid_domain=domain,
        )
    )

    # Towards the 2027 festival: the dancers rehearse twice a week through the winter, with
    # a break for the Spring Festival; the district office calls its troupes together.
    rehearsal = create_event(
        session,
        details=EventDetails(
            title="排练",
            kind=EventKind.rehearsal,
            starts_at=_at(date(2026, 11, 3), 14),
            ends_at=_at(date(2026, 11, 3), 16),
            location="崇川区老年大学排练厅",
            notes="排练2027年汇演的新节目。",
            rule=rule_from_repeat(
                Repeat(freq="weekly", weekdays=("TU", "TH"), until=date(2027, 4, 30)), SHANGHAI
            ),
        ),
        troupe=troupes[TOUR_TROUPE],
        zone=ZONE,
        actor=users["leader"],
        now=_at(date(2026, 10, 27), 10),
        uid_domain=domain,
    )
    events.append(rehearsal)
    cancel_occurrences(
        session,
        event=rehearsal,
        days=[date(2027, 2, 9), date(2027, 2, 11)],
        actor=users["leader"],
        now=_at(date(2026, 11, 20), 10),
    )
    # The hall is taken on 10 December; that week's Thursday rehearsal moves to Friday.
    change_occurrence(
        session,
        event=rehearsal,
        day=date(2026, 12, 10),
        starts_at=_at(date(2026, 12, 11), 14),
        ends_at=_at(date(2026, 12, 11), 16),
        actor=users["leader"],
        now=_at(date(2026, 11, 20), 10, 5),
    )
    events.append(
        create_event(
            session,
            details=EventDetails(
                title="2027年崇川区老年文艺汇演动员会",
                kind=EventKind.meeting,
                starts_at=_at(date(2026, 12, 16), 14, 30),
                ends_at=_at(date(2026, 12, 16), 16),
                location="崇川区老龄办会议室",
                is_public=True,
                notes="各团队负责人参加：汇演安排、节目类别和报送时间。",
            ),
            festival=next_festival,
            zone=next_festival.timezone,
            actor=users["district"],
            now=now,
            uid_domain=domain,
        )
    )
    return {"events": len(events), "sessions with attendance": len(roll_days)}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall time in Shanghai, as the aware UTC datetime that services take."""
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


def _demo_round(
    session: Session,
    festival: Festival,
    name: str,
    *,
    advance: int,
    judges: list[User],
    rng: random.Random,
    actor: User,
    opened: datetime,
    previous=None,
):
    """A closed round in which every judge scored every program around its quality."""
    round_ = create_round(
        session,
        festival=festival,
        name=name,
        aggregation="trimmed_mean",
        criteria=[{"name": n, "max_score": m, "weight": 1} for n, m in CRITERIA],
        advance_count=advance,
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
    for offset, judge in enumerate(judges):
        for program_id in program_ids:
            quality = (
                Decimal(QUALITY[programs[program_id].title]) + Decimal(rng.randint(-15, 15)) / 10
            )
            values = {}
            for criterion in round_.criteria:
                raw = criterion.max_score * quality / 100
                half_points = (raw * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
                values[str(criterion.id)] = str(min(criterion.max_score, half_points))
            save_scores(
                session,
                round_=round_,
                program_id=program_id,
                judge=judge,
                values=values,
                now=opened + timedelta(days=1, minutes=offset),
            )
    closed = opened + timedelta(days=2)
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


def _advanced(session: Session, round_) -> list[Program]:
    from festival.judging.models import RoundEntry

    return list(
        session.execute(
            select(Program)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .where(RoundEntry.round_id == round_.id, RoundEntry.advanced.is_(True))
            .order_by(RoundEntry.final_rank, Program.id)
        ).scalars()
    )


def _leader_of(troupe_name: str) -> str | None:
    return next(leader for name, _kind, leader, _size in DEMO_TROUPES if name == troupe_name)


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
        description="由崇川区老龄工作委员会办公室会同区文化、广电、体育、老干部局主办。",
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


def _demo_person(rng: random.Random, now: datetime) -> Person:
    birth = date(rng.randint(1942, 1962), rng.randint(1, 12), rng.randint(1, 28))
    gender = rng.choice([Gender.female, Gender.female, Gender.male])
    phone = "139" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return Person(
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        birth_date=birth,
        gender=gender,
        phone=phone,
        created_at=now,
    )


def find_organization(session: Session, name: str) -> Organization | None:
    return session.execute(
        select(Organization).where(Organization.name == name)
    ).scalar_one_or_none()
