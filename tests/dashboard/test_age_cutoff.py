"""The birth-date cutoff the dashboard compares in SQL agrees with the eligibility rule (pure)."""

from datetime import date, timedelta

import pytest

from festival.dashboard.queries import latest_eligible_birth_date
from festival.programs.eligibility import age_on


@pytest.mark.parametrize(
    "starts_on",
    [
        date(2026, 5, 1),
        date(2028, 2, 29),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2027, 12, 31),
    ],
)
@pytest.mark.parametrize("min_age", [0, 55, 60, 61])
def test_cutoff_is_the_last_birth_date_old_enough_by_age_on(starts_on, min_age):
    cutoff = latest_eligible_birth_date(starts_on, min_age)

    assert age_on(cutoff, starts_on) >= min_age
    assert age_on(cutoff + timedelta(days=1), starts_on) < min_age


def test_someone_born_on_29_february_is_old_enough_on_1_march_of_a_common_year():
    assert latest_eligible_birth_date(date(2026, 3, 1), 62) == date(1964, 3, 1)
    assert date(1964, 2, 29) <= latest_eligible_birth_date(date(2026, 3, 1), 62)
    assert date(1964, 2, 29) > latest_eligible_birth_date(date(2026, 2, 28), 62)
