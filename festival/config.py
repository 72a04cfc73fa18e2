"""Configuration: defaults, then ``instance/config.py``, then the environment, then tests."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # A pooled database connection idle this long is tested before use (festival.db).
    "DATABASE_PING_AFTER_IDLE_SECONDS": 10.0,
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_Hans_CN", "en"],
    "DEFAULT_TIMEZONE": "Asia/Shanghai",
    # Uploads (spreadsheets) may be 5 MB; the multipart envelope needs a little more.
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    "API_MAX_BODY_BYTES": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    "WTF_CSRF_TIME_LIMIT": None,
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    "API_TOKEN_DAYS": 90,
    "SHOW_DEMO_LOGINS": False,
    # How many reverse proxies (nginx, a load balancer) stand in front and set X-Forwarded-*.
    "TRUSTED_PROXIES": 0,
    # The site's address as visitors reach it (https://festival.example.org, with any path
    # prefix): every absolute URL (certificates, QR codes, feed links) is built from it, never
    # from the request's Host header (festival.web.external_urls). FESTIVAL_BASE_URL.
    "BASE_URL": None,
    # Strict-Transport-Security on answers over HTTPS (behind TRUSTED_PROXIES, as the proxy's
    # X-Forwarded-Proto says): true sends HSTS_DEFAULT, false nothing, a string itself.
    "HSTS": True,
    # The domain in every calendar event's UID: set it to the site's own domain once, before
    # the first event, and never change it (calendar apps key events by UID).
    "CALENDAR_UID_DOMAIN": "festival.invalid",
    # Issue 25 (b): a program's video and backing track at most this large (tus uploads), and
    # an upload that received no byte for this long is removed (by the workers, hourly).
    "MEDIA_MAX_VIDEO_BYTES": 1024 * 1024 * 1024,
    "MEDIA_MAX_TRACK_BYTES": 50 * 1000 * 1000,
    "MEDIA_UPLOAD_EXPIRY_HOURS": 24,
    # The upload widget sends the file in pieces of this size (a cut costs at most one piece).
    "MEDIA_UPLOAD_CHUNK_BYTES": 8 * 1024 * 1024,
    # Issue 25 (a): where media bytes live: "local" (MEDIA_STORAGE_PATH, else the instance
    # folder's media/) or "s3" (MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT_URL for MinIO and the like,
    # MEDIA_S3_REGION; credentials from the environment as boto3 reads them). A media file's
    # signed address lives this long.
    "MEDIA_STORAGE": "local",
    "MEDIA_STORAGE_PATH": None,
    "MEDIA_S3_BUCKET": None,
    "MEDIA_S3_ENDPOINT_URL": None,
    "MEDIA_S3_REGION": None,
    "MEDIA_URL_SECONDS": 4 * 60 * 60,
}


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
        Path(app.instance_path) / "festival.sqlite"
    )
    app.config.from_pyfile("config.py", silent=True)
    # FESTIVAL_SECRET_KEY -> SECRET_KEY, FESTIVAL_SHOW_DEMO_LOGINS=true -> True, ...
    app.config.from_prefixed_env("FESTIVAL")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the embedded database's home
    if app.config.get("BASE_URL"):
        app.config["BASE_URL"] = canonical_base_url(app.config["BASE_URL"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def canonical_base_url(value: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash; anything else stops the start."""
    parts = urlsplit(str(value).strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise ValueError(
            f"FESTIVAL_BASE_URL must look like https://festival.example.org, not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _instance_secret_key(instance: Path) -> str:
    """Read the key generated on first start, or generate it now (never a constant in git)."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
