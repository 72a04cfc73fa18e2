"""The eligibility rules of a submission as pure functions (no database)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from festival import create_app
from festival.programs.eligibility import (
    Performer,
    Rules,
    Submission,
    age_on,
    birthday_of_age,
    submission_problems,
)

STARTS_ON = date(2026, 5, 1)
DEADLINE = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
BEFORE_DEADLINE = DEADLINE - timedelta(days=1)
AFTER_DEADLINE = DEADLINE + timedelta(minutes=1)


@pytest.fixture
def english(tmp_path):
    """A request context in English, to turn lazy messages into text."""
    app = create_app({"SECRET_KEY": "t"}, instance_path=str(tmp_path))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def rules(**overrides) -> Rules:
    values = {
        "min_age": 60,
        "starts_on": STARTS_ON,
        "deadline": DEADLINE,
        "is_open": True,
        "may_submit_late": False,
        "category_name": "Dance",
        "category_max_minutes": 8,
        "troupe_name": "Red Maple",
    }
    return Rules(**{**values, **overrides})


def member(
    person_id: int = 1,
    *,
    name: str = "Wang Fang",
    birth_date: date = date(1950, 1, 1),
    is_member: bool = True,
) -> Performer:
    return Performer(id=person_id, name=name, birth_date=birth_date, is_member=is_member)


def problems_of(
    submission=None, *, performers=None, title_taken=False, now=BEFORE_DEADLINE, **rule_overrides
) -> dict[str, list]:
    submission = submission or Submission(title="Spring", duration_minutes=6, performer_ids=[1])
    performers = [member()] if performers is None else performers
    return submission_problems(
        submission, rules(**rule_overrides), performers=performers, title_taken=title_taken, now=now
    )


def texts(problems: dict[str, list], field: str) -> list[str]:
    return [str(message) for message in problems[field]]


# age_on and birthday_of_age


def test_age_on_counts_a_birthday_today_as_a_completed_year():
    assert age_on(date(1966, 5, 1), date(2026, 5, 1)) == 60


def test_age_on_does_not_count_a_birthday_tomorrow():
    assert age_on(date(1966, 5, 2), date(2026, 5, 1)) == 59


def test_age_on_a_leap_day_birth_completes_the_year_on_1_march_in_common_years():
    born = date(1964, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 61
    assert age_on(born, date(2026, 3, 1)) == 62
    assert age_on(born, date(2024, 2, 29)) == 60


def test_birthday_of_age_of_29_february_is_1_march_in_a_common_year():
    assert birthday_of_age(date(1964, 2, 29), 62) == date(2026, 3, 1)


def test_birthday_of_age_of_29_february_stays_in_a_leap_year():
    assert birthday_of_age(date(1964, 2, 29), 60) == date(2024, 2, 29)


def test_birthday_of_age_of_an_ordinary_day_is_the_same_day():
    assert birthday_of_age(date(1966, 5, 1), 60) == date(2026, 5, 1)


# submission_problems, one rule at a time


def test_an_eligible_submission_has_no_problems():
    assert problems_of() == {}


def test_a_performer_who_is_not_a_member_of_the_troupe_is_named(english):
    problems = problems_of(performers=[member(is_member=False)])
    assert set(problems) == {"performer_ids"}
    assert texts(problems, "performer_ids") == ["Wang Fang is not a member of Red Maple."]


def test_a_performer_under_age_is_named_with_age_and_shortfall(english):
    problems = problems_of(performers=[member(birth_date=date(1968, 6, 15))])
    assert set(problems) == {"performer_ids"}
    assert texts(problems, "performer_ids") == [
        "Wang Fang is 57 on May 1, 2026, 3 years under the minimum age of 60 "
        "(turns 60 on June 15, 2028)."
    ]


def test_a_performer_who_turns_the_minimum_age_on_the_first_day_is_eligible():
    assert problems_of(performers=[member(birth_date=date(1966, 5, 1))]) == {}


def test_a_performer_who_turns_the_minimum_age_the_day_after_the_first_day_is_not(english):
    problems = problems_of(performers=[member(birth_date=date(1966, 5, 2))])
    [message] = texts(problems, "performer_ids")
    assert "Wang Fang is 59" in message and "1 year under" in message


def test_the_minimum_age_is_the_festivals_not_a_constant():
    young = member(birth_date=date(1980, 1, 1))
    assert problems_of(performers=[young], min_age=40) == {}
    assert set(problems_of(performers=[young], min_age=50)) == {"performer_ids"}


def test_a_duration_over_the_category_maximum_names_both_numbers(english):
    problems = problems_of(Submission(title="Spring", duration_minutes=9, performer_ids=[1]))
    assert set(problems) == {"duration_minutes"}
    assert texts(problems, "duration_minutes") == [
        "9 minutes is longer than the 8 minutes allowed in Dance."
    ]


def test_a_duration_at_the_category_maximum_is_allowed():
    assert problems_of(Submission(title="Spring", duration_minutes=8, performer_ids=[1])) == {}


def test_a_duration_of_zero_is_refused():
    problems = problems_of(Submission(title="Spring", duration_minutes=0, performer_ids=[1]))
    assert set(problems) == {"duration_minutes"}


def test_a_category_without_a_maximum_allows_up_to_600_minutes():
    long = Submission(title="Spring", duration_minutes=600, performer_ids=[1])
    assert problems_of(long, category_max_minutes=None) == {}
    too_long = Submission(title="Spring", duration_minutes=601, performer_ids=[1])
    assert set(problems_of(too_long, category_max_minutes=None)) == {"duration_minutes"}


def test_a_category_of_another_festival_is_refused_on_category_id():
    problems = problems_of(category_name=None, category_max_minutes=None)
    assert set(problems) == {"category_id"}


def test_after_the_deadline_a_leader_is_refused_on_deadline(english):
    problems = problems_of(now=AFTER_DEADLINE)
    assert set(problems) == {"deadline"}
    assert "The submission deadline" in texts(problems, "deadline")[0]


def test_after_the_deadline_an_organizer_may_still_submit():
    assert problems_of(now=AFTER_DEADLINE, may_submit_late=True) == {}


def test_at_the_deadline_itself_a_submission_is_in_time():
    assert problems_of(now=DEADLINE) == {}


def test_a_title_the_troupe_used_already_is_refused(english):
    problems = problems_of(title_taken=True)
    assert set(problems) == {"title"}
    assert texts(problems, "title") == [
        "Red Maple has already submitted a program called Spring to this festival."
    ]


def test_a_blank_title_is_refused():
    blank = Submission(title="   ", duration_minutes=6, performer_ids=[1])
    assert set(problems_of(blank)) == {"title"}


def test_a_festival_that_is_not_open_is_refused_on_festival_id():
    assert set(problems_of(is_open=False)) == {"festival_id"}


def test_no_performers_is_refused():
    empty = Submission(title="Spring", duration_minutes=6, performer_ids=[])
    assert set(problems_of(empty, performers=[])) == {"performer_ids"}


def test_an_unknown_performer_id_is_named(english):
    problems = problems_of(Submission(title="Spring", duration_minutes=6, performer_ids=[1, 99]))
    assert texts(problems, "performer_ids") == ["There is no person with number 99."]


def test_a_performer_listed_twice_is_refused():
    twice = Submission(title="Spring", duration_minutes=6, performer_ids=[1, 1])
    assert set(problems_of(twice)) == {"performer_ids"}


def test_every_problem_is_reported_at_once(english):
    submission = Submission(title="Spring", duration_minutes=12, performer_ids=[1, 2])
    performers = [
        member(1, name="Li Na", is_member=False),
        member(2, name="Zhao Min", birth_date=date(1970, 1, 1)),
    ]
    problems = problems_of(submission, performers=performers, title_taken=True, now=AFTER_DEADLINE)
    assert set(problems) == {"deadline", "title", "duration_minutes", "performer_ids"}
    performer_messages = texts(problems, "performer_ids")
    assert len(performer_messages) == 2
    assert "Li Na is not a member of Red Maple." in performer_messages
    assert any(m.startswith("Zhao Min is 56") for m in performer_messages)


def test_one_performer_both_outside_the_troupe_and_under_age_gets_two_messages():
    performers = [member(birth_date=date(1970, 1, 1), is_member=False)]
    assert len(problems_of(performers=performers)["performer_ids"]) == 2
