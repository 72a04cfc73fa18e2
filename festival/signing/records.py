"""The signed record of a published award list: the SHA-256 of its ``.csv`` download and the
site's Ed25519 signature of that digest. Ed25519 is deterministic, so the record is computed
when asked for (the same list and key always give the same record); nothing is stored but the
public keys."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from festival.awards.exports import award_list_csv, award_list_csv_of
from festival.awards.queries import AwardRow
from festival.festivals.models import Festival
from festival.signing.keys import SiteKey, keep_public_key, site_key


@dataclass(frozen=True)
class AwardRecord:
    festival_id: int
    published_at: datetime | None
    awards_sha256: str
    signature: str
    key_id: str


def awards_sha256(session: Session, festival_id: int) -> str:
    """The hex SHA-256 of the published list's ``.csv`` bytes."""
    return hashlib.sha256(award_list_csv(session, festival_id)).hexdigest()


def awards_sha256_of(rows: list[AwardRow]) -> str:
    """The same digest from the list's rows already read (``festival_awards``)."""
    return hashlib.sha256(award_list_csv_of(rows)).hexdigest()


def award_record(
    session: Session, festival: Festival, *, key: SiteKey | None = None
) -> AwardRecord:
    """The festival's award list's digest, signed (the signature is of the hex digest's
    ASCII bytes). Reading requests that show it keep the key's public half first
    (``keys.keep_public_key``), so that anyone can fetch it by ``key_id``."""
    key = key or site_key()
    digest = awards_sha256(session, festival.id)
    return AwardRecord(
        festival_id=festival.id,
        published_at=festival.published_at,
        awards_sha256=digest,
        signature=key.sign(digest.encode("ascii")),
        key_id=key.key_id,
    )


def shown_award_record(session: Session, festival: Festival, *, now: datetime) -> AwardRecord:
    """The record for a reading request: the site's key is kept in ``signing_keys`` first."""
    key = site_key()
    keep_public_key(session, key, now=now)
    return award_record(session, festival, key=key)
