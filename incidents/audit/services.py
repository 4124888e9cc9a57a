"""Writing audit events. Every state-changing service calls ``record``.

The events form a hash chain: when a transaction that wrote events commits, :func:`seal`
gives each of them the next position and a SHA-256 digest over its columns and the digest
of the event before it. :func:`verify` walks the chain and names the first event that was
edited, deleted or moved. Sealing takes the chain's head under a lock (an advisory lock on
PostgreSQL; the single write lock on SQLite, :func:`incidents.db.begin_writing`), so two
workers never append to the same link; a failed seal fails the commit, and with it the
user's action.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.db import begin_writing, utcnow
from incidents.security.caller import Caller


def record(
    session: Session,
    caller: Caller,
    action: str,
    *,
    subject_type: str,
    subject_ref: str,
    label: str | None = None,
    flush: bool = True,
    **details: Any,
) -> AuditEvent:
    """Append an audit event for ``action`` on a subject, and flush (unless ``flush`` is
    False: a bulk operation flushes once for all its events).

    ``label`` names the actor when it is not a logged-in principal (e.g. a failed login).
    """
    event = AuditEvent(**event_row(caller, action, subject_type, subject_ref, label, details))
    session.add(event)
    session.info[_UNSEALED] = True
    if flush:
        session.flush()
    return event


def event_row(
    caller: Caller,
    action: str,
    subject_type: str,
    subject_ref: str,
    label: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of an audit event (bulk operations insert many at once)."""
    principal = caller.principal
    return {
        "occurred_at": utcnow(),
        "actor_user_id": principal.id if principal else None,
        "actor_organization_id": principal.organization_id if principal else None,
        "actor_label": label or _label(caller),
        "channel": caller.channel,
        "address": caller.address,
        "action": action,
        "subject_type": subject_type,
        "subject_ref": subject_ref,
        "details": details or {},
    }


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many events at once (rows from :func:`event_row`); sealed at commit."""
    if rows:
        session.execute(sa.insert(AuditEvent), rows)
        session.info[_UNSEALED] = True


def _label(caller: Caller) -> str:
    principal = caller.principal
    if principal is None:
        return {"cli": "command line", "system": "platform"}.get(caller.channel, "anonymous")
    return str(getattr(principal, "email", principal.id))


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first, and the events to page on from (None: no more)."""

    events: list[AuditEvent]
    newer: int | None
    older: int | None


def event_page(
    session: Session, *, size: int, before: int | None = None, after: int | None = None
) -> EventPage:
    """The ``size`` newest events, those just older than the event ``before``, or those just
    newer than the event ``after`` (an unknown id counts as none). Keyset paging on (time,
    id), so every depth of the log costs the same."""
    named = before if before is not None else after
    mark = session.get(AuditEvent, named) if named is not None and 0 < named < 2**31 else None
    columns = (AuditEvent.occurred_at, AuditEvent.id)
    key = sa.tuple_(*columns)
    query = sa.select(AuditEvent).limit(size + 1)
    if mark is not None and before is None:  # newer than ``after``: read upwards, then turn
        rows = list(
            session.scalars(query.where(key > (mark.occurred_at, mark.id)).order_by(*columns))
        )
        events = rows[:size][::-1]
        newer = events[0].id if len(rows) > size else None
        return EventPage(events, newer, events[-1].id if events else None)
    if mark is not None:
        query = query.where(key < (mark.occurred_at, mark.id))
    rows = list(session.scalars(query.order_by(*(column.desc() for column in columns))))
    events = rows[:size]
    newer = events[0].id if mark is not None and events else None
    return EventPage(events, newer, events[-1].id if len(rows) > size else None)


# --- the hash chain ---------------------------------------------------------------------------

#: In ``Session.info`` while the session's transaction holds events not yet in the chain.
_UNSEALED = "audit_unsealed"
#: The digest the first event of the chain links to.
GENESIS = "0" * 64
_LOCK_KEY = zlib.crc32(b"audit:chain")
_table = cast(sa.Table, AuditEvent.__table__)
_CONTENT = (
    "occurred_at",
    "actor_user_id",
    "actor_label",
    "actor_organization_id",
    "channel",
    "address",
    "action",
    "subject_type",
    "subject_ref",
    "details",
)
_COLUMNS = [_table.c[name] for name in ("id", "chain_position", "chain_previous", "chain_digest")]
_COLUMNS += [_table.c[name] for name in _CONTENT]
_CHAIN_ORDER = (
    sa.select(*_COLUMNS)
    .where(_table.c.chain_position.is_not(None))
    .order_by(_table.c.chain_position)
    .execution_options(yield_per=1000)
)
_SET_LINK = (
    sa.update(_table)
    .where(_table.c.id == sa.bindparam("row"))
    .values(
        chain_position=sa.bindparam("at"),
        chain_previous=sa.bindparam("after"),
        chain_digest=sa.bindparam("digest"),
    )
)


def digest_of(position: int, previous: str, row: Any) -> str:
    """The SHA-256 (hex) of one event at ``position`` after the event whose digest is
    ``previous``, over a canonical JSON form of its columns (as read from the database)."""
    content: dict[str, Any] = {name: getattr(row, name) for name in _CONTENT}
    content["occurred_at"] = row.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    content["position"] = position
    content["previous"] = previous
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The last sealed event: its position and digest (publish it to anchor the chain)."""

    position: int
    digest: str


# Read on every commit that wrote events: built once.
_HEAD = (
    sa.select(_table.c.chain_position, _table.c.chain_digest)
    .where(_table.c.chain_position.is_not(None))
    .order_by(_table.c.chain_position.desc())
    .limit(1)
)
_UNCHAINED = sa.select(*_COLUMNS).where(_table.c.chain_position.is_(None)).order_by(_table.c.id)


def chain_head(session: Session) -> ChainHead:
    """The head of the chain (position 0 and the genesis digest while it is empty)."""
    row = session.execute(_HEAD).first()
    return ChainHead(0, GENESIS) if row is None else ChainHead(row[0], row[1])


def unsealed_count(session: Session) -> int:
    """Events outside the chain (none, unless written past :func:`record`/:func:`insert_events`)."""
    count = session.scalar(sa.select(sa.func.count()).where(_table.c.chain_position.is_(None)))
    return int(count or 0)


def seal(session: Session) -> int:
    """Append every event not yet in the chain to it, in the order they were written, and
    return how many. Takes the chain's lock until the transaction ends. Flushes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
    else:
        begin_writing(session.connection())
    head = chain_head(session)
    rows = session.execute(_UNCHAINED).all()
    position, previous, updates = head.position, head.digest, []
    for row in rows:
        position += 1
        digest = digest_of(position, previous, row)
        updates.append({"row": row.id, "at": position, "after": previous, "digest": digest})
        previous = digest
    if updates:
        session.execute(_SET_LINK, updates)
    return len(updates)


@sa.event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    if session.info.pop(_UNSEALED, False):
        session.flush()
        seal(session)


@sa.event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_UNSEALED, None)


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain breaks: the event (its id, or None when one is missing), its
    position, and what is wrong."""

    event_id: int | None
    position: int
    problem: str


@dataclass(frozen=True)
class ChainState:
    """What :func:`verify` found: the events checked, the head, and the first break."""

    checked: int
    head: ChainHead
    broken: BrokenLink | None
    unsealed: int


def verify(session: Session, *, anchors: Iterable[ChainHead] = ()) -> ChainState:
    """Walk the chain from its start and return the first broken link: an edited event (its
    digest no longer matches its columns), a deleted one (a gap in the positions or a link to
    a digest that is not the previous event's), or reordered ones. ``anchors`` are published
    heads: each must still be in the chain with the same digest (catches a cut-off tail)."""
    expected = {anchor.position: anchor.digest for anchor in anchors}
    position, previous, broken = 0, GENESIS, None
    rows = session.execute(_CHAIN_ORDER)
    try:
        for row in rows:
            position += 1
            broken = _check(row, position, previous, expected)
            if broken is not None:
                break
            previous = row.chain_digest
    finally:
        rows.close()  # a server-side cursor on PostgreSQL
    if broken is None and expected and max(expected) > position:
        broken = BrokenLink(None, max(expected), "a published head is missing: events were cut")
    unsealed = session.scalar(sa.select(sa.func.count()).where(_table.c.chain_position.is_(None)))
    return ChainState(position, ChainHead(position, previous), broken, int(unsealed or 0))


def _check(row: Any, position: int, previous: str, anchors: dict[int, str]) -> BrokenLink | None:
    if row.chain_position != position:
        return BrokenLink(
            row.id,
            position,
            f"event at position {position} is missing (next is {row.chain_position})",
        )
    if row.chain_previous != previous:
        return BrokenLink(
            row.id,
            position,
            "links to a digest that is not the previous event's "
            "(an event before it was deleted, inserted or moved)",
        )
    if digest_of(position, previous, row) != row.chain_digest:
        return BrokenLink(row.id, position, "its content does not match its digest (edited)")
    if position in anchors and anchors[position] != row.chain_digest:
        return BrokenLink(row.id, position, "its digest differs from the published head")
    return None
