"""Every schedule test reads its messages in English (``english_messages`` in tests/conftest)."""

import pytest


@pytest.fixture(autouse=True)
def _schedule_messages_in_english(english_messages):
    yield
