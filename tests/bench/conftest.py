"""A benchmark world of 50 programs on the test database."""

import pytest

from bench.data import BENCH_PASSWORD, generate
from festival.accounts.passwords import hash_password


@pytest.fixture
def world(session):
    built = generate(session, programs=50, password_hash=hash_password(BENCH_PASSWORD))
    session.commit()
    return built
