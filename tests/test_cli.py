"""The commands: create-user and demo."""

from datetime import timedelta

from sqlalchemy import func, select

from festival.accounts.models import LoginAttempt, Organization, Role, User
from festival.core.clock import utcnow
from festival.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from festival.troupes.models import Membership, Person, Troupe, TroupeKind


def test_create_user_with_password_option(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "boss", "--role", "admin", "--password", "a long password"]
    )
    assert result.exit_code == 0, result.output
    user = session.execute(select(User).where(User.username == "boss")).scalar_one()
    assert user.role is Role.admin
    assert user.password_hash != "a long password"


def test_create_user_prompts_for_the_password_twice(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "prompted", "--role", "judge"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert session.execute(select(User).where(User.username == "prompted")).scalar_one()


def test_create_user_reports_problems_and_stores_nothing(app, session):
    result = app.test_cli_runner().invoke(
        args=["create-user", "x", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "username" in result.output and "password" in result.output
    assert session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_demo_loads_the_district_of_domain_md(app, session, client):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "festival-demo" in result.output
    names = set(session.execute(select(Organization.name)).scalars())
    assert {
        "江苏省老龄工作委员会办公室",
        "南通市老龄工作委员会办公室",
        "通州区老龄工作委员会办公室",
    } <= names
    troupes = {t.name: t for t in session.execute(select(Troupe)).scalars()}
    assert "万年表歌舞团" in troupes
    taichi = troupes["太极拳展示队"]
    assert taichi.kind is TroupeKind.team
    team_size = session.execute(
        select(func.count()).select_from(Membership).where(Membership.troupe_id == taichi.id)
    ).scalar_one()
    assert team_size == 40
    in_several = session.execute(
        select(Person.id)
        .join(Membership)
        .group_by(Person.id)
        .having(func.count(Membership.troupe_id) > 1)
    ).all()
    assert in_several, "some performers belong to more than one troupe"
    for username, *_ in DEMO_ACCOUNTS:
        client.login(username, DEMO_PASSWORD)
        client.post_form("/logout")


def test_demo_if_empty_leaves_a_database_with_data_alone(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    users = session.execute(select(func.count()).select_from(User)).scalar_one()
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0
    assert "not loaded" in again.output
    assert session.execute(select(func.count()).select_from(User)).scalar_one() == users
    assert runner.invoke(args=["demo"]).exit_code != 0


def test_home_page_lists_demo_logins_only_when_configured(app, client):
    app.config["SHOW_DEMO_LOGINS"] = True
    try:
        shown = client.get("/").get_data(as_text=True)
    finally:
        app.config["SHOW_DEMO_LOGINS"] = False
    assert "演示账号" in shown and DEMO_PASSWORD in shown and "judge1" in shown
    hidden = client.get("/").get_data(as_text=True)
    assert DEMO_PASSWORD not in hidden


def test_forget_login_attempts_keeps_the_recent_ones(app, session):
    now = utcnow()
    session.add_all(
        [
            LoginAttempt(
                username="old",
                address="1.2.3.4",
                attempted_at=now - timedelta(days=40),
                succeeded=False,
            ),
            LoginAttempt(
                username="new",
                address="1.2.3.4",
                attempted_at=now - timedelta(days=1),
                succeeded=False,
            ),
        ]
    )
    session.commit()
    result = app.test_cli_runner().invoke(args=["forget-login-attempts", "--days", "30"])
    assert "Removed 1 " in result.output
    session.expire_all()
    assert [a.username for a in session.query(LoginAttempt)] == ["new"]


def test_demo_screens_twelve_programs_down_to_six_and_recommends_them(app, session):
    from festival.festivals.models import Festival
    from festival.judging.models import Round
    from festival.programs.models import Program

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    festivals = {
        f.level.value: f for f in session.execute(select(Festival)).scalars() if f.year == 2026
    }
    district, city, province = festivals["district"], festivals["city"], festivals["province"]
    rounds = (
        session.execute(
            select(Round).where(Round.festival_id == district.id).order_by(Round.position)
        )
        .scalars()
        .all()
    )
    assert [r.name for r in rounds] == ["初选", "复选"]
    assert [r.status.value for r in rounds] == ["closed", "closed"]
    at_city = session.execute(select(Program).where(Program.festival_id == city.id)).scalars().all()
    assert len(at_city) == 6
    assert all(p.recommended_from.festival_id == district.id for p in at_city)
    [at_province] = (
        session.execute(select(Program).where(Program.festival_id == province.id)).scalars().all()
    )
    assert at_province.title == "和谐大家园"
    assert at_province.troupe.name == "万年表歌舞团"
    assert at_province.recommended_from.festival_id == city.id
