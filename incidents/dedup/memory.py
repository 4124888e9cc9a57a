"""What a process remembers of a dedup store from one placement to the next.

Scoring a report reads the document frequency of every word of its candidates and their
features; the next report's candidates are mostly the same reports and words. The store's
generation (:meth:`SqlStore.generation`, a number that changes with every report stored or
removed, by anyone) says whether what was read is still exact. A placement that stored a
report hands what it read, counted with its own report, to the next placement once its
transaction commits, and only if the generation moved by its own writes alone; a rollback,
another writer or a store made again (its generation starts at a random number) leaves the
next placement to read afresh. Placements of one database run one at a time (the outbox's
consumer lock), so one placement's memory is not changed while it is read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

from incidents.dedup.sql_store import SqlStore
from incidents.dedup.store import CachedReads, Reads

#: Beyond this many remembered key counts, or reports' features, a process starts afresh.
MAX_COUNTS = 200_000
MAX_REPORTS = 5_000

_INFO = "dedup.remembered"


@dataclass
class _Memory:
    generation: int | None = None
    reads: Reads = field(default_factory=Reads)


@dataclass
class _Handover:
    """What a placement hands over when its transaction commits."""

    database: str
    generation: int | None
    store: SqlStore
    reads: Reads
    transaction: SessionTransaction
    committed: bool = False


_memories: dict[str, _Memory] = {}
_lock = threading.Lock()


def remembered_reads(session: Session) -> CachedReads:
    """A store over ``session`` that starts with what earlier placements read, if it is still
    exact for the store as it is; call :func:`hand_over` once the placement has written."""
    store = SqlStore(session)
    generation = store.generation()
    with _lock:
        memory = _memories.get(_database(session))
        known = memory.reads if memory is not None and memory.generation == generation else None
    return CachedReads(store, known, generation=generation)


def hand_over(session: Session, reads: CachedReads) -> None:
    """Remember what ``reads`` read and wrote once ``session``'s transaction commits (a
    placement that wrote nothing through it hands nothing over)."""
    store = reads.store
    if not isinstance(store, SqlStore) or not store.writes:
        return
    transaction = session.get_transaction()  # the root one
    if transaction is None:  # pragma: no cover - a placement writes in a transaction
        return
    previous = session.info.get(_INFO)
    if previous is not None and previous.transaction is transaction:
        session.info.pop(_INFO)  # two placements in one transaction: neither is handed over
        return
    session.info[_INFO] = _Handover(
        _database(session), reads.generation, store, reads.read, transaction
    )


def _database(session: Session) -> str:
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    return engine.url.render_as_string(hide_password=True)


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    handover = session.info.get(_INFO)
    if handover is not None:
        handover.committed = True


@sa.event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    handover = session.info.get(_INFO)
    if handover is None or handover.transaction is not transaction:
        return
    session.info.pop(_INFO)
    if handover.committed:
        _remember(handover)


def _remember(handover: _Handover) -> None:
    store = handover.store
    # Only this placement's writes moved the generation since it began reading.
    exact = handover.generation is not None and store.written == handover.generation + store.writes
    with _lock:
        memory = _memories.get(handover.database)
        if not exact:
            _memories.pop(handover.database, None)
            return
        if memory is None or memory.generation != handover.generation:
            memory = _memories[handover.database] = _Memory()
        counts, features = memory.reads.counts, memory.reads.features
        if (
            len(counts) + len(handover.reads.counts) > MAX_COUNTS
            or len(features) + len(handover.reads.features) > MAX_REPORTS
        ):
            counts.clear()
            features.clear()
        counts.update(handover.reads.counts)
        features.update(handover.reads.features)
        memory.generation = store.written
