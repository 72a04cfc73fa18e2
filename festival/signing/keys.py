"""The site's Ed25519 signing key: from ``FESTIVAL_SIGNING_KEY`` (PEM, or the base64 of the
raw 32 bytes), else ``instance/signing_key`` (PEM, mode 0600), generated there on first use
like the secret key. Its public half is kept in ``signing_keys``, so that what a replaced key
signed stays verifiable."""

import base64
import binascii
import contextlib
import hashlib
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app
from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from festival.signing.models import SigningKey

ENVIRONMENT_VARIABLE = "FESTIVAL_SIGNING_KEY"
KEY_FILE = "signing_key"
_EXTENSION = "festival_signing_key"
_loading = threading.Lock()


@dataclass(frozen=True)
class SiteKey:
    private_key: Ed25519PrivateKey
    public_raw: bytes

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_raw)

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    def sign(self, message: bytes) -> str:
        """The base64 Ed25519 signature of ``message``."""
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def key_id_of(public_raw: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _site_key(private_key: Ed25519PrivateKey) -> SiteKey:
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SiteKey(private_key, raw)


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM private key, or the base64 of the raw 32-byte private key."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{ENVIRONMENT_VARIABLE} must be an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} is neither PEM nor base64") from None
    if len(raw) != 32:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must hold 32 bytes, not {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def instance_private_key(instance: Path) -> Ed25519PrivateKey:
    """Read the key generated on first use, or generate it now. Two workers starting at once
    each write a complete temporary file and link it into place without overwriting: the
    first link wins, and both read back the winner's key (never a half-written file)."""
    key_file = instance / KEY_FILE
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        temporary = instance / f".{KEY_FILE}.{os.getpid()}.{threading.get_ident()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(_pem(Ed25519PrivateKey.generate()))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another worker's key is in place
                os.link(temporary, key_file)  # never overwrites
        finally:
            temporary.unlink(missing_ok=True)
    return parse_private_key(key_file.read_text())


def load_site_key(app: Flask) -> SiteKey:
    """The app's key: from the environment (or config) if given, else from the instance."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE) or app.config.get("SIGNING_KEY")
    if configured:
        return _site_key(parse_private_key(configured))
    return _site_key(instance_private_key(Path(app.instance_path)))


def site_key() -> SiteKey:
    """The current app's key, loaded (or generated) once per process."""
    app = current_app._get_current_object()
    key = app.extensions.get(_EXTENSION)
    if key is None:
        with _loading:
            key = app.extensions.get(_EXTENSION)
            if key is None:
                key = app.extensions[_EXTENSION] = load_site_key(app)
    return key


def keep_public_key(session: Session, key: SiteKey, *, now: datetime) -> None:
    """Keep ``key``'s public half in ``signing_keys``, so that what it signs stays verifiable
    after the key is replaced. One read when it is there already; else it is added on a
    connection of its own, committed at once (a page that only reads never commits its own
    session), and two requests adding it at once make one row. Call it from reading requests:
    on SQLite a writing one holds the database, which the second connection would wait for."""
    known = session.execute(
        select(SigningKey.key_id).where(SigningKey.key_id == key.key_id)
    ).first()
    if known is not None:
        return
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with engine.begin() as connection:
        insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
        connection.execute(
            insert(SigningKey)
            .values(key_id=key.key_id, public_key=key.public_key_b64, created_at=now)
            .on_conflict_do_nothing(index_elements=["key_id"])
        )


def public_key(session: Session, key_id: str) -> str | None:
    """The base64 raw public key of ``key_id``, if the site ever signed with it."""
    return session.execute(
        select(SigningKey.public_key).where(SigningKey.key_id == key_id)
    ).scalar_one_or_none()
