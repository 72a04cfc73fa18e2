"""The demo's people: organisations, accounts, troupes and their members."""

import random
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import Level, Organization, Role, User
from festival.accounts.services import create_organization, create_user
from festival.troupes.models import Gender, MemberRole, Membership, Person, Troupe, TroupeKind

DEMO_PASSWORD = "festival-demo"  # noqa: S105  (published on the demo's home page on purpose)

PROVINCE = "江苏省老龄工作委员会办公室"
CITY = "南通市老龄工作委员会办公室"
DISTRICT = "通州区老龄工作委员会办公室"
OTHER_DISTRICT = "崇川区老龄工作委员会办公室"

# username, display name, role, organisation
DEMO_ACCOUNTS = [
    ("admin", "系统管理员", Role.admin, None),
    ("district", "通州区老龄办 王主任", Role.organizer, DISTRICT),
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


@dataclass
class DemoPeople:
    """What the rest of the demo builds on, by name."""

    organizations: dict[str, Organization]
    users: dict[str, User]
    troupes: dict[str, Troupe]
    members_of: dict[str, list[Person]]
    people_made: int


def make_people(session: Session, *, rng: random.Random, now: datetime) -> DemoPeople:
    """The four offices, the demo accounts, the troupes and their members."""
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
    return DemoPeople(
        organizations=organizations,
        users=users,
        troupes={troupe.name: troupe for troupe in troupes},
        members_of=members_of,
        people_made=people_made,
    )


def leader_of(troupe_name: str) -> str | None:
    return next(leader for name, _kind, leader, _size in DEMO_TROUPES if name == troupe_name)


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
