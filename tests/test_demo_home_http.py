"""The demo holds the whole festival of DOMAIN.md, and its home page leads every visitor into
it: the public award lists, and a login for each role that lands on things to do.

Loading the demo takes a few seconds, so one test checks the whole story."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from festival.accounts.models import Organization
from festival.awards.models import Award
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from festival.festivals.models import Festival, FestivalStatus
from festival.judging.models import Round, RoundEntry, RoundStatus
from festival.programs.models import Program
from festival.troupes.models import MemberRole, Membership, Troupe
from tests.html import Page

EN = {"Accept-Language": "en"}


def test_the_demo_holds_the_festival_of_domain_md_and_its_home_leads_into_it(app, client, session):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    festivals = {(f.year, f.level.value): f for f in session.execute(select(Festival)).scalars()}
    district, city = festivals[(2026, "district")], festivals[(2026, "city")]
    province = festivals[(2026, "province")]

    # The district: twelve programs screened in two rounds down to six, sent to the city.
    def programs_of(festival):
        return list(
            session.execute(select(Program).where(Program.festival_id == festival.id)).scalars()
        )

    assert len(programs_of(district)) == 12
    rounds = list(
        session.execute(
            select(Round).where(Round.festival_id == district.id).order_by(Round.position)
        ).scalars()
    )
    assert [(r.name, r.status) for r in rounds] == [
        ("初选", RoundStatus.closed),
        ("复选", RoundStatus.closed),
    ]
    entries = [
        (
            len(session.execute(select(RoundEntry).where(RoundEntry.round_id == r.id)).all()),
            len(
                session.execute(
                    select(RoundEntry).where(
                        RoundEntry.round_id == r.id, RoundEntry.advanced.is_(True)
                    )
                ).all()
            ),
        )
        for r in rounds
    ]
    assert entries == [(12, 8), (8, 6)]
    sent = programs_of(city)
    assert len(sent) == 6 and all(p.recommended_from_id for p in sent)

    # The city: all six win (one second, two third, three excellence prizes), and the district
    # office the excellent organisation award; the province: 《和谐大家园》's second prize.
    city_awards = list(session.execute(select(Award).where(Award.festival_id == city.id)).scalars())
    assert Counter(a.tier.value for a in city_awards) == {
        "second": 1,
        "third": 2,
        "excellence": 3,
        "organization": 1,
    }
    office = session.get(
        Organization, next(a.organization_id for a in city_awards if a.tier.value == "organization")
    )
    assert office.name == "通州区老龄工作委员会办公室"
    # By allocation from the province's round ranked by category, not by hand.
    [provincial] = session.execute(select(Award).where(Award.festival_id == province.id)).scalars()
    assert provincial.tier.value == "second" and provincial.round_id is not None
    assert provincial.category.name == "舞蹈"
    assert session.get(Program, provincial.program_id).title == "和谐大家园"
    # Published under five working days' notice and made final after it: the province's
    # period, from Friday 25 September 2026, skips the National Day holiday.
    assert city.status is province.status is FestivalStatus.final
    assert province.notice_working_days == 5
    assert province.notice_until == datetime(2026, 10, 9, 16, 0, tzinfo=UTC)  # 10-10 00:00 +08

    # The tai chi team: forty members with their coach.
    team = session.execute(select(Troupe).where(Troupe.name == "太极拳展示队")).scalar_one()
    roles = Counter(
        m.role
        for m in session.execute(
            select(Membership).where(Membership.troupe_id == team.id)
        ).scalars()
    )
    assert roles == {MemberRole.member: 39, MemberRole.coach: 1}

    # The 23rd Respect-the-Elderly Day is on the district's public calendar.
    october = Page(client.get(f"/festivals/{district.slug}/calendar?month=2026-10&view=agenda"))
    assert "第23个敬老日（重阳节）庆祝活动" in october.text

    # The home page: the public award lists, and every demo login by role.
    app.config["SHOW_DEMO_LOGINS"] = True
    try:
        home = Page(client.get("/", headers=EN))
    finally:
        app.config["SHOW_DEMO_LOGINS"] = False
    assert home.link(f"Award list of {city.name}").href == f"/festivals/{city.slug}/awards"
    assert home.link(f"Award list of {province.name}").href == f"/festivals/{province.slug}/awards"
    for username, *_ in DEMO_ACCOUNTS:
        assert f"Log in as {username}" in home.buttons

    # Each role lands on its next steps.
    def home_of(username: str) -> Page:
        client.login(username, DEMO_PASSWORD)
        page = Page(client.get("/", headers=EN))
        client.post_form("/logout")
        return page

    district_home = home_of("district")
    assert district_home.has_link(district.name, f"/festivals/{district.id}")
    step = district_home.step(f"6 programs of {district.name} were recommended to the next")
    assert step.urgent is False
    leader_home = home_of("leader")
    assert "Next: 排练" in leader_home.text or "Take the roll of 排练" in " ".join(
        step.text for step in leader_home.steps
    )
    judge_home = home_of("judge1")
    assert "Closed rounds" in judge_home.text and judge_home.has_link("Results")
    admin_home = home_of("admin")
    assert not [step for step in admin_home.steps if "account yet" in step.text]
    assert "Festivals in progress" in admin_home.text
