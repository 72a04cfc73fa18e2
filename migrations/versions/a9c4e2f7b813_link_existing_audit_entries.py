"""link the audit entries written before the hash chain, in id order

Revision ID: a9c4e2f7b813
Revises: ffac9830d92d
Create Date: 2026-12-07 12:20:00

Every entry that has no place in the chain yet (all of them, on a database that had entries
before ffac9830d92d) is linked in id order after the chain's head, a batch at a time, and the
head moves to the last. The hash is computed here by a frozen copy of
``festival.audit.chain.entry_hash`` as it was at this revision (a test checks that the two
agree), so a later change to the application's code cannot change what this migration did.
Nothing to undo on downgrade: the links stay valid.
"""

import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import festival.db

revision = "a9c4e2f7b813"
down_revision = "ffac9830d92d"
branch_labels = None
depends_on = None

BATCH = 1000

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("at", festival.db.UTCDateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("changes", sa.JSON),
    sa.column("organization_id", sa.Integer),
    sa.column("festival_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
head = sa.table(
    "audit_chain",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("hash", sa.String),
)


def entry_hash(row, seq, prev_hash):
    """Frozen: SHA-256 hex of the compact, key-sorted JSON of the entry and its link."""
    at = row["at"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    document = {
        "id": row["id"],
        "at": at.astimezone(UTC).isoformat(),
        "actor_id": row["actor_id"],
        "action": row["action"],
        "entity_type": row["entity_type"],
        "entity_id": row["entity_id"],
        "changes": row["changes"] if row["changes"] is not None else {},
        "organization_id": row["organization_id"],
        "festival_id": row["festival_id"],
        "seq": seq,
        "prev_hash": prev_hash,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def upgrade():
    connection = op.get_bind()
    current = connection.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).first()
    if current is None:
        connection.execute(head.insert().values(id=1, seq=0, hash=""))
        seq, prev_hash = 0, ""
    else:
        seq, prev_hash = current.seq, current.hash
    last_id = 0
    while True:
        rows = (
            connection.execute(
                sa.select(entries)
                .where(entries.c.seq.is_(None), entries.c.id > last_id)
                .order_by(entries.c.id)
                .limit(BATCH)
            )
            .mappings()
            .all()
        )
        if not rows:
            break
        links = []
        for row in rows:
            seq += 1
            digest = entry_hash(row, seq, prev_hash)
            links.append({"_id": row["id"], "seq": seq, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
            last_id = row["id"]
        connection.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam("_id"))
            .values(
                seq=sa.bindparam("seq"),
                prev_hash=sa.bindparam("prev_hash"),
                hash=sa.bindparam("hash"),
            ),
            links,
        )
    connection.execute(head.update().where(head.c.id == 1).values(seq=seq, hash=prev_hash))


def downgrade():
    pass
