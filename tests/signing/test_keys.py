"""The site's signing key: generated once into the instance folder (mode 0600), the same key
for every worker even when they start at once, or given by FESTIVAL_SIGNING_KEY as PEM or as
the base64 of the raw 32 bytes."""

import base64
import hashlib
import stat
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from festival.signing import keys


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def test_the_instance_key_is_generated_once_and_only_its_owner_reads_it(tmp_path):
    first = keys.instance_private_key(tmp_path)
    key_file = tmp_path / "signing_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = keys.instance_private_key(tmp_path)
    assert _raw_public(again) == _raw_public(first)
    assert [path.name for path in tmp_path.iterdir()] == ["signing_key"]  # no temporary left


def test_workers_starting_at_once_share_one_key(tmp_path):
    found: list[bytes] = []
    start = threading.Barrier(8)

    def worker():
        start.wait()
        found.append(_raw_public(keys.instance_private_key(tmp_path / "instance")))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len(set(found)) == 1
    assert [path.name for path in (tmp_path / "instance").iterdir()] == ["signing_key"]


@pytest.mark.parametrize("form", ["pem", "base64"])
def test_the_key_may_come_from_the_environment(tmp_path, monkeypatch, form):
    private = Ed25519PrivateKey.generate()
    if form == "pem":
        value = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    else:
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        value = base64.b64encode(raw).decode()
    monkeypatch.setenv("FESTIVAL_SIGNING_KEY", value)
    site = keys.load_site_key(Flask(__name__, instance_path=str(tmp_path / "instance")))
    assert site.public_raw == _raw_public(private)
    assert site.key_id == hashlib.sha256(site.public_raw).hexdigest()[:16]
    assert not (tmp_path / "instance").exists()  # nothing generated


@pytest.mark.parametrize("value", ["not a key", base64.b64encode(b"short").decode()])
def test_a_malformed_key_in_the_environment_stops_the_start(value):
    with pytest.raises(ValueError, match="FESTIVAL_SIGNING_KEY"):
        keys.parse_private_key(value)
