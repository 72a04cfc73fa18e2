"""Messages rendered in these tests' own app context read in English (requests made through
the test client choose their language as usual)."""

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def english_messages(request):
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    with force_locale("en"):
        yield
