"""The signed record of a published award list: its SHA-256 is of the public .csv download's
bytes, its Ed25519 signature verifies with the public key the API serves, it changes when the
list is corrected, and the certificate's verification page and the award list show it."""

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from festival.awards import services
from festival.awards.models import Award
from festival.festivals.models import FestivalStatus
from festival.signing.models import SigningKey
from tests import factories
from tests.public.test_awards_by_category_http import published

NOW = factories.NOW
EN = {"Accept-Language": "en"}
MARKS = {"舞蹈": ["90", "80", "70"], "歌舞": ["95", "85"]}


def _verifies(public_key_b64: str, signature_b64: str, message: bytes) -> bool:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
    try:
        key.verify(base64.b64decode(signature_b64), message)
    except InvalidSignature:
        return False
    return True


def _checked_record(client, festival) -> dict:
    """The record, checked against the public .csv and the served key as a visitor would."""
    response = client.get(f"/api/v1/festivals/{festival.id}/awards/record")
    assert response.status_code == 200, response.get_json()
    record = response.get_json()
    assert set(record) == {"festival_id", "published_at", "awards_sha256", "signature", "key_id"}
    csv_bytes = client.get(f"/festivals/{festival.slug}/awards.csv").get_data()
    assert record["awards_sha256"] == hashlib.sha256(csv_bytes).hexdigest()
    key = client.get(f"/api/v1/keys/{record['key_id']}")
    assert key.status_code == 200
    assert key.get_json()["key_id"] == record["key_id"]
    raw = base64.b64decode(key.get_json()["public_key"])
    assert len(raw) == 32
    assert hashlib.sha256(raw).hexdigest()[:16] == record["key_id"]
    assert _verifies(
        key.get_json()["public_key"], record["signature"], record["awards_sha256"].encode("ascii")
    )
    return record


def test_the_record_signs_the_public_csv_with_the_served_key(app, session, client):
    world = published(session, MARKS)
    record = _checked_record(client, world.festival)
    assert record["festival_id"] == world.festival.id
    assert record["published_at"].startswith(NOW.date().isoformat())
    key = client.get(f"/api/v1/keys/{record['key_id']}").get_json()
    # a signature of anything else does not verify
    assert not _verifies(key["public_key"], record["signature"], b"0" * 64)
    # the same list gives the same record (Ed25519 is deterministic)
    assert client.get(f"/api/v1/festivals/{world.festival.id}/awards/record").get_json() == record
    assert session.scalars(select(SigningKey.key_id)).all() == [record["key_id"]]


def test_the_record_changes_when_the_list_is_corrected(app, session, client):
    world = published(session, MARKS)
    before = _checked_record(client, world.festival)
    # final results (set here directly: finalising is another piece's), then a correction
    world.festival.status = FestivalStatus.final
    world.festival.finalized_at = NOW
    session.commit()
    award = session.scalars(
        select(Award).where(Award.festival_id == world.festival.id, Award.tier == "third")
    ).first()
    services.remove_award(session, award=award, reason="重复颁奖", actor=world.organizer, now=NOW)
    session.commit()
    after = _checked_record(client, world.festival)
    assert after["awards_sha256"] != before["awards_sha256"]
    assert after["signature"] != before["signature"]
    assert after["key_id"] == before["key_id"]


def test_no_record_before_publication_and_no_unknown_key(app, session, client):
    festival = factories.make_festival(session)
    session.commit()
    assert client.get(f"/api/v1/festivals/{festival.id}/awards/record").status_code == 404
    assert client.get("/api/v1/festivals/999999/awards/record").status_code == 404
    assert client.get("/api/v1/keys/0123456789abcdef").status_code == 404


def test_a_replaced_key_stays_verifiable(app, session, client):
    world = published(session, MARKS)
    first = _checked_record(client, world.festival)
    app.extensions.pop("festival_signing_key")
    Path(app.instance_path, "signing_key").unlink()  # a new key is generated on next use
    try:
        second = _checked_record(client, world.festival)
        assert second["key_id"] != first["key_id"]
        old = client.get(f"/api/v1/keys/{first['key_id']}").get_json()
        assert _verifies(old["public_key"], first["signature"], first["awards_sha256"].encode())
    finally:
        app.extensions.pop("festival_signing_key", None)


def test_the_verification_page_and_the_list_show_the_record(app, session, client):
    world = published(session, MARKS)
    record = _checked_record(client, world.festival)
    number = session.scalars(
        select(Award.certificate_number).where(Award.festival_id == world.festival.id)
    ).first()
    html = client.get(f"/certificates/{number}/verify", headers=EN).get_data(as_text=True)
    assert "The award list is signed" in html
    assert record["awards_sha256"] in html
    assert record["signature"] in html
    assert record["key_id"] in html
    assert f"/api/v1/festivals/{world.festival.id}/awards/record" in html
    assert "Ed25519PublicKey" in html  # how to check it
    page = client.get(f"/festivals/{world.festival.slug}/awards", headers=EN)
    text = page.get_data(as_text=True)
    assert record["awards_sha256"] in text
    assert f"/api/v1/festivals/{world.festival.id}/awards/record" in text


def test_the_record_costs_the_same_queries_for_few_and_many_awards(
    app, session, client, count_queries
):
    small = published(session, {"舞蹈": ["90"], "歌舞": ["95"]}, office="甲馆")
    large = published(
        session, {"舞蹈": [str(90 - i) for i in range(12)], "歌舞": ["95", "85"]}, office="乙馆"
    )
    ids = [small.festival.id, large.festival.id]
    client.get(f"/api/v1/festivals/{ids[0]}/awards/record")  # the key is kept
    counts = []
    for festival_id in ids:
        with count_queries() as queries:
            response = client.get(f"/api/v1/festivals/{festival_id}/awards/record")
            assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
