"""Group age rules (pure, service and HTTP tests): a category may require only a share of a
program's performers (e.g. two thirds of a group dance) to reach the festival's minimum age on
its first day; at least share × performers, rounded up, must."""

import html
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.core.errors import ValidationFailed
from festival.festivals import services as festivals
from festival.festivals.models import Category
from festival.programs.eligibility import Submission, performers_needed, submission_problems
from festival.programs.models import Program
from festival.programs.services import submit_program
from tests import factories
from tests.checks import refusal as error_of
from tests.programs.test_eligibility import BEFORE_DEADLINE, english, member, rules  # noqa: F401

NOW = factories.NOW
EN = {"Accept-Language": "en"}
OLD, YOUNG = date(1950, 1, 1), date(1970, 1, 1)  # 76 and 56 on 2026-05-01


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# The rule (pure)


@pytest.mark.parametrize(
    ("share", "performers", "needed"),
    [("0.67", 10, 7), ("0.67", 3, 3), ("0.5", 3, 2), ("0.5", 4, 2), ("1", 5, 5), ("0.01", 1, 1)],
)
def test_performers_needed_is_the_share_rounded_up(share, performers, needed):
    assert performers_needed(Decimal(share), performers) == needed


def group(young: int, total: int):
    people = [
        member(i, name=f"P{i:02d}", birth_date=YOUNG if i <= young else OLD)
        for i in range(1, total + 1)
    ]
    return Submission(title="Spring", duration_minutes=6, performer_ids=[p.id for p in people]), (
        people
    )


def test_a_share_lets_some_performers_be_under_age(english):  # noqa: F811
    submission, people = group(3, 10)  # 7 of 10 reach 60: two thirds (0.67 → 7) do
    problems = submission_problems(
        submission,
        rules(min_age_share=Decimal("0.67")),
        performers=people,
        title_taken=False,
        now=BEFORE_DEADLINE,
    )
    assert problems == {}


def test_too_many_under_age_says_how_many_and_the_share_required(english):  # noqa: F811
    submission, people = group(4, 10)
    problems = submission_problems(
        submission,
        rules(min_age_share=Decimal("0.67")),
        performers=people,
        title_taken=False,
        now=BEFORE_DEADLINE,
    )
    assert [str(m) for m in problems["performer_ids"]] == [
        "4 of 10 performers are under the minimum age of 60 on May 1, 2026; Dance needs at "
        "least 67 % of them (7) to reach it."
    ]


def test_without_a_share_every_under_age_performer_is_named(english):  # noqa: F811
    submission, people = group(2, 3)
    problems = submission_problems(
        submission, rules(), performers=people, title_taken=False, now=BEFORE_DEADLINE
    )
    messages = [str(m) for m in problems["performer_ids"]]
    assert len(messages) == 2 and messages[0].startswith("P01 is 56 on May 1, 2026")


# Categories and submissions (service)


def test_add_category_stores_the_share_to_two_places(session):
    festival = factories.make_festival(session, categories=())
    made = festivals.add_category(
        session,
        festival=festival,
        name="广场舞",
        max_duration_minutes=None,
        min_age_share=Decimal(2) / 3,
        actor=None,
        now=NOW,
    )
    assert made.min_age_share == Decimal("0.67")
    plain = festivals.add_category(
        session, festival=festival, name="独唱", max_duration_minutes=None, actor=None, now=NOW
    )
    session.expire_all()
    assert session.get(Category, plain.id).min_age_share == Decimal(1)


@pytest.mark.parametrize("share", [0, "0.001", "-0.5", "1.01", 2, "abc", "NaN", "Infinity"])
def test_add_category_refuses_a_share_outside_0_to_1(session, share):
    festival = factories.make_festival(session, categories=())
    with pytest.raises(ValidationFailed) as refused:
        festivals.add_category(
            session,
            festival=festival,
            name="广场舞",
            max_duration_minutes=None,
            min_age_share=share,
            actor=None,
            now=NOW,
        )
    assert set(refused.value.fields) == {"min_age_share"}
    assert session.execute(select(Category.id)).first() is None


def group_dance(session, *, young: int, total: int, share="0.67"):
    festival = factories.make_festival(session, categories=())
    category = festivals.add_category(
        session,
        festival=festival,
        name="广场舞",
        max_duration_minutes=None,
        min_age_share=share,
        actor=None,
        now=NOW,
    )
    troupe = factories.make_troupe(session, organization=festival.organization)
    people = [
        factories.make_person(session, troupe=troupe, birth_date=YOUNG if i < young else OLD)
        for i in range(total)
    ]
    return festival, category, troupe, people


def submit(session, festival, category, troupe, people):
    return submit_program(
        session,
        festival=festival,
        troupe=troupe,
        category_id=category.id,
        title="扇舞",
        duration_minutes=6,
        performer_ids=[p.id for p in people],
        may_submit_late=False,
        actor=factories.make_user(session, role="admin"),
        now=NOW,
    )


def test_submit_program_takes_a_group_with_two_thirds_of_age(session):
    festival, category, troupe, people = group_dance(session, young=3, total=10)
    assert submit(session, festival, category, troupe, people).id


def test_submit_program_refuses_a_group_with_too_few_of_age(session, english_messages):
    festival, category, troupe, people = group_dance(session, young=4, total=10)
    with pytest.raises(ValidationFailed) as refused:
        submit(session, festival, category, troupe, people)
    (message,) = refused.value.fields["performer_ids"]
    assert str(message).startswith("4 of 10 performers are under the minimum age of 60")
    assert "广场舞 needs at least 67 % of them (7)" in str(message)


# Through the API and the pages


def test_api_adds_a_category_with_a_share_and_submissions_follow_it(session, api):
    festival = factories.make_festival(session, categories=())
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    troupe = factories.make_troupe(session, organization=festival.organization)
    people = [
        factories.make_person(session, troupe=troupe, birth_date=YOUNG if i < 4 else OLD)
        for i in range(10)
    ]
    session.commit()
    as_organizer = api.as_user(organizer)
    response = as_organizer.post(
        f"/api/v1/festivals/{festival.id}/categories",
        json={"name": "广场舞", "min_age_share": 0.67},
    )
    assert response.status_code == 201, response.get_json()
    category = response.get_json()
    assert Decimal(category["min_age_share"]) == Decimal("0.67")
    shown = api.get(f"/api/v1/festivals/{festival.id}").get_json()["categories"]
    assert [Decimal(c["min_age_share"]) for c in shown] == [Decimal("0.67")]
    plain = as_organizer.post(f"/api/v1/festivals/{festival.id}/categories", json={"name": "独唱"})
    assert Decimal(plain.get_json()["min_age_share"]) == 1
    error = error_of(
        as_organizer.post(
            f"/api/v1/festivals/{festival.id}/categories",
            json={"name": "合唱", "min_age_share": 0},
        ),
        422,
        "validation_error",
    )
    assert "min_age_share" in error["fields"]

    body = {
        "title": "扇舞",
        "category_id": category["id"],
        "troupe_id": troupe.id,
        "duration_minutes": 6,
        "performer_ids": [p.id for p in people],  # 4 of 10 under age: 6 < 7
    }
    error = error_of(
        as_organizer.post(f"/api/v1/festivals/{festival.id}/programs", json=body),
        422,
        "validation_error",
    )
    assert error["fields"]["performer_ids"] == [
        "4 of 10 performers are under the minimum age of 60 on May 1, 2026; 广场舞 needs at "
        "least 67 % of them (7) to reach it."
    ]
    body["performer_ids"] = [p.id for p in people[1:]]  # 3 of 9 under age
    refused_again = as_organizer.post(f"/api/v1/festivals/{festival.id}/programs", json=body)
    assert refused_again.status_code == 422  # 0.67 × 9 = 6.03 → 7 needed, 6 of age
    body["performer_ids"] = [p.id for p in people[2:]]  # 2 of 8 under age: 6 ≥ ceil(5.36) = 6
    assert (
        as_organizer.post(f"/api/v1/festivals/{festival.id}/programs", json=body).status_code == 201
    )


def test_category_form_takes_a_percentage_and_the_list_shows_it(client, session):
    festival = factories.make_festival(session, categories=("独唱",))
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    session.commit()
    client.login(organizer.username)
    page = text(client.get(f"/festivals/{festival.id}", headers=EN))
    assert "Performers of the minimum age (%)" in page
    assert "of the performers of the minimum age" not in page  # 独唱: 100 %, not shown
    added = client.post_form(
        f"/festivals/{festival.id}/categories",
        {"name": "广场舞", "min_age_share": "67"},
        headers=EN,
    )
    assert added.status_code == 302, text(added)
    stored = session.execute(select(Category).where(Category.name == "广场舞")).scalar_one()
    assert stored.min_age_share == Decimal("0.67")
    page = text(client.get(f"/festivals/{festival.id}", headers=EN))
    assert "at least 67 % of the performers of the minimum age" in page
    refused = client.post_form(
        f"/festivals/{festival.id}/categories",
        {"name": "合唱", "min_age_share": "0"},
        headers=EN,
    )
    assert refused.status_code == 422
    assert (
        "Enter the share of performers who must reach the minimum age: more than 0 % and at "
        "most 100 % (e.g. 67 % for two thirds)." in text(refused)
    )
    assert session.execute(select(Program.id)).first() is None
    assert not session.execute(select(Category).where(Category.name == "合唱")).first()
