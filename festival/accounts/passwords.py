"""Password hashing with the configured method (slow scrypt in production, fast in tests)."""

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown user) do the same work and answer no."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash() -> str:
    key = "_festival_dummy_password_hash"
    if key not in current_app.extensions:
        current_app.extensions[key] = hash_password("not-a-real-password")
    return current_app.extensions[key]
