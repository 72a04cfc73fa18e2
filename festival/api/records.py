"""The signed record of a published award list, and the site's public keys that verify it."""

from datetime import datetime

from pydantic import BaseModel

from festival.api.envelope import respond
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.awards.permissions import awards_are_public
from festival.core.clock import utcnow
from festival.core.errors import NotFound
from festival.db import db
from festival.festivals.models import Festival
from festival.signing import keys
from festival.signing.records import shown_award_record


class AwardRecordOut(BaseModel):
    festival_id: int
    published_at: datetime | None
    awards_sha256: str
    signature: str
    key_id: str


class PublicKeyOut(BaseModel):
    key_id: str
    public_key: str


@endpoint(
    "/festivals/<int:festival_id>/awards/record",
    "GET",
    summary="The published award list's SHA-256, signed with the site's Ed25519 key",
    who="anyone once published",
    response=AwardRecordOut,
    errors=(404,),
    public=True,
)
def award_list_record(festival_id: int):
    festival = get_or_404(Festival, festival_id)
    if not awards_are_public(festival):
        raise NotFound()
    record = shown_award_record(db.session, festival, now=utcnow())
    return respond(
        AwardRecordOut(
            festival_id=record.festival_id,
            published_at=record.published_at,
            awards_sha256=record.awards_sha256,
            signature=record.signature,
            key_id=record.key_id,
        )
    )


@endpoint(
    "/keys/<key_id>",
    "GET",
    summary="A public key the site signs with, or once signed with",
    who="anyone",
    response=PublicKeyOut,
    errors=(404,),
    public=True,
)
def signing_key(key_id: str):
    public_key = keys.public_key(db.session, key_id[:32])
    if public_key is None:
        raise NotFound()
    return respond(PublicKeyOut(key_id=key_id, public_key=public_key))
