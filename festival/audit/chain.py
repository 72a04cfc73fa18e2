"""The audit log as a hash chain: each entry carries the hash of the one before, so that an
entry edited, removed or slipped in afterwards in the database breaks the chain there.

Linking: when a transaction that added entries commits (the session's ``before_commit``),
its entries are linked in id order after the chain's head (the one ``audit_chain`` row):
``seq`` = head's seq + 1, ``prev_hash`` = head's hash, ``hash`` = SHA-256 (hex) of the
canonical JSON of the entry (``canonical_entry``), and the head moves to it. The head row is
locked (FOR UPDATE) while linking, so concurrent transactions link one at a time, in the
order they commit; ``seq`` has neither gaps nor duplicates.

What the hash covers: id, at (ISO 8601, UTC), actor_id, action, entity_type, entity_id,
changes (keys sorted), organization_id, festival_id, seq and prev_hash, all as written.
``actor_id``, ``organization_id`` and ``festival_id`` are ON DELETE SET NULL, but the
application never deletes users, organisations or festivals (it deactivates and archives
them), so they turn NULL only through a DELETE made by hand in the database. The rule is the
simplest one: ``verify_chain`` recomputes every hash from the stored values, so such a NULL
breaks the link like any other edit; the report then says that an id column is empty, which
points at a deleted row rather than a forged entry. An edited ``changes``, ``action``, ``at``
or ``entity_*`` is always found.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from festival.audit.models import AuditChainHead, AuditEntry
from festival.db import insert_if_absent

HEAD_ID = 1
LINK_BATCH = 500
VERIFY_BATCH = 1000
_UNLINKED = "festival_audit_unlinked"  # session.info: this transaction added entries

ENTRIES = AuditEntry.__table__
HEAD = AuditChainHead.__table__
HASHED = (
    "id",
    "at",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "organization_id",
    "festival_id",
)
FOREIGN_IDS = ("actor_id", "organization_id", "festival_id")


def _iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:  # stored naive as UTC (SQLite)
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def canonical_entry(values: Mapping[str, Any], *, seq: int, prev_hash: str) -> bytes:
    """The bytes an entry's hash is of: compact JSON with sorted keys, UTF-8."""
    document = {name: values[name] for name in HASHED}
    document["at"] = _iso_utc(values["at"])
    document["changes"] = values["changes"] if values["changes"] is not None else {}
    document["seq"] = seq
    document["prev_hash"] = prev_hash
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(values: Mapping[str, Any], *, seq: int, prev_hash: str) -> str:
    return hashlib.sha256(canonical_entry(values, seq=seq, prev_hash=prev_hash)).hexdigest()


# Linking


def _locked_head(session: Session) -> tuple[int, str]:
    """The head's (seq, hash), its row locked until the transaction ends. A database emptied
    by hand has no head row: it is made again from the last linked entry."""
    query = select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID).with_for_update()
    row = session.execute(query).first()
    if row is None:
        last = session.execute(
            select(ENTRIES.c.seq, ENTRIES.c.hash)
            .where(ENTRIES.c.seq.is_not(None))
            .order_by(ENTRIES.c.seq.desc())
            .limit(1)
        ).first()
        insert_if_absent(
            session,
            AuditChainHead,
            {"id": HEAD_ID, "seq": last.seq if last else 0, "hash": last.hash if last else ""},
            key=["id"],
        )
        row = session.execute(query).one()
    return row.seq, row.hash


def link_entries(session: Session) -> int:
    """Link every committed or own entry that has no place in the chain yet, in id order;
    returns how many. Call with everything else of the transaction flushed.

    The head's lock is the last lock the transaction takes: every other row it writes was
    locked by its earlier flushes, and after the head it only writes its own new entries
    (which no one else can see) and the head. So the holder of the head never waits for
    another lock, and two transactions can never wait for each other through it: they queue
    at the head and each holds it only for the few statements of linking and its commit."""
    seq, head_hash = _locked_head(session)
    linked = 0
    while True:
        rows = session.execute(
            select(*ENTRIES.c)
            .where(ENTRIES.c.seq.is_(None))
            .order_by(ENTRIES.c.id)
            .limit(LINK_BATCH)
        ).mappings()
        links = []
        for row in rows:
            seq += 1
            digest = entry_hash(row, seq=seq, prev_hash=head_hash)
            links.append({"_id": row["id"], "seq": seq, "prev_hash": head_hash, "hash": digest})
            head_hash = digest
        if not links:
            break
        session.execute(
            update(ENTRIES)
            .where(ENTRIES.c.id == bindparam("_id"))
            .values(seq=bindparam("seq"), prev_hash=bindparam("prev_hash"), hash=bindparam("hash")),
            links,
        )
        linked += len(links)
    if linked:
        session.execute(update(HEAD).where(HEAD.c.id == HEAD_ID).values(seq=seq, hash=head_hash))
    return linked


def _adds_entries(session: Session) -> bool:
    return any(isinstance(instance, AuditEntry) for instance in session.new)


def _note_new_entries(session: Session, _flush_context, _instances) -> None:
    if _adds_entries(session):
        session.info[_UNLINKED] = True


def _link_before_commit(session: Session) -> None:
    # Entries flushed earlier in the transaction, or still pending (the commit flushes them).
    if not (session.info.get(_UNLINKED) or _adds_entries(session)):
        return
    if session.in_nested_transaction():
        return  # a savepoint: the outer commit links
    session.flush()  # every other write first: the head is the last lock taken
    link_entries(session)
    session.info.pop(_UNLINKED, None)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_UNLINKED, None)


def init_app(_app: Flask) -> None:
    """Link new entries at every commit of the application's sessions (registered once)."""
    for name, listener in (
        ("before_flush", _note_new_entries),
        ("before_commit", _link_before_commit),
        ("after_rollback", _forget),
        ("after_commit", _forget),
    ):
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


# Verifying


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold: ``problem`` is one of ``missing`` (no
    entry has this seq: one was deleted), ``prev_hash`` (the entry does not point at the one
    before), ``content`` (the entry is not what was hashed), ``unlinked`` (an entry outside
    the chain), ``head`` (entries after the last one were deleted)."""

    seq: int | None
    entry_id: int | None
    problem: str
    empty_ids: tuple[str, ...] = ()  # NULL id columns of a ``content`` break

    def describe(self) -> str:
        """In English, for the command line and the logs."""
        where = f"seq {self.seq}" + (f", entry id {self.entry_id}" if self.entry_id else "")
        text = {
            "missing": "no entry has this place in the chain: an entry was deleted",
            "prev_hash": "prev_hash is not the hash of the entry before",
            "content": "the entry's content differs from what was hashed "
            "(id, at, actor, action, entity, changes, organisation or festival was edited)",
            "unlinked": "the entry was written outside the chain (added in the database)",
            "head": "the last entries of the chain were deleted",
        }[self.problem]
        if self.empty_ids:
            text += "; empty: " + ", ".join(self.empty_ids) + " (a deleted row it named?)"
        return f"{where}: {text}"


@dataclass(frozen=True)
class ChainReport:
    count: int  # entries verified before the break, or all of them
    broken: BrokenLink | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(session: Session, *, batch: int = VERIFY_BATCH) -> ChainReport:
    """Walk the chain in seq order, ``batch`` entries at a time, and report the first broken
    link, if any."""
    expected, prev_hash, count = 1, "", 0
    while True:
        rows = (
            session.execute(
                select(*ENTRIES.c)
                .where(ENTRIES.c.seq >= expected)
                .order_by(ENTRIES.c.seq)
                .limit(batch)
            )
            .mappings()
            .all()
        )
        for row in rows:
            if row["seq"] != expected:
                return ChainReport(count, BrokenLink(expected, None, "missing"))
            if row["prev_hash"] != prev_hash:
                return ChainReport(count, BrokenLink(row["seq"], row["id"], "prev_hash"))
            if entry_hash(row, seq=row["seq"], prev_hash=prev_hash) != row["hash"]:
                empty = tuple(name for name in FOREIGN_IDS if row[name] is None)
                return ChainReport(count, BrokenLink(row["seq"], row["id"], "content", empty))
            prev_hash, expected, count = row["hash"], expected + 1, count + 1
        if len(rows) < batch:
            break
    head = session.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID)).first()
    if head is not None and (head.seq, head.hash) != (count, prev_hash):
        return ChainReport(count, BrokenLink(count + 1, None, "head"))
    unlinked = session.execute(
        select(ENTRIES.c.id).where(ENTRIES.c.seq.is_(None)).order_by(ENTRIES.c.id).limit(1)
    ).scalar()
    if unlinked is not None:
        return ChainReport(count, BrokenLink(None, unlinked, "unlinked"))
    return ChainReport(count, None)
