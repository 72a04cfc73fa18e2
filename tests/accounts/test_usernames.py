"""The one form of a username (pure): look-alike spellings are one name."""

import pytest

from festival.accounts.usernames import normalize_username


@pytest.mark.parametrize(
    "spelling",
    [
        "kelly",
        "KELLY",
        "\u212aelly",  # KELVIN SIGN for K
        "ｋｅｌｌｙ",  # fullwidth, as a Chinese input method types it
        "ＫＥＬＬＹ",
        "\u3000kelly ",  # ideographic and ordinary spaces around it
    ],
)
def test_look_alike_spellings_of_a_username_are_one_name(spelling):
    assert normalize_username(spelling) == "kelly"


@pytest.mark.parametrize("text", ["Straße", "ﬀ", "ǅ", "Ｗａｎｇ.Ｘｉｕ", "e\u0301"])
def test_a_normalised_username_stays_as_it_is_when_normalised_again(text):
    once = normalize_username(text)

    assert normalize_username(once) == once
