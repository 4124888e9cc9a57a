"""Writing events into the outbox, and draining them for one consumer (no Flask).

:func:`publish` is called by services inside the transaction of their change; :func:`drain`
after the commit, by whoever owns the work (the web worker after its response, a command).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.db import begin_reading, checkpoint_log, redone_work, utcnow
from incidents.outbox.locks import consumer_lock, transaction_lock
from incidents.outbox.models import OutboxEntry

_Found = TypeVar("_Found")


class Event(enum.StrEnum):
    """What happened to a subject."""

    REPORT_SUBMITTED = "report.submitted"  # a new report (an initial one or a follow-up)
    REPORT_AMENDED = "report.amended"  # its content changed
    REPORT_WITHDRAWN = "report.withdrawn"
    REPORT_MOVED = "report.moved"  # the incidents it belongs to changed
    INCIDENT_CHANGED = "incident.changed"  # curated, merged, split, or its reports changed
    PUBLICATION_CHANGED = "publication.changed"  # published, corrected or withdrawn
    MAIL_QUEUED = "mail.queued"  # a message waits to be sent
    NOTIFICATION_CREATED = "notification.created"  # a notification to mail at once


#: Which consumer follows which events. Every event a consumer follows gets a row of its own.
SUBSCRIPTIONS: dict[str, frozenset[Event]] = {
    "dedup": frozenset({Event.REPORT_SUBMITTED, Event.REPORT_AMENDED, Event.REPORT_MOVED}),
    "notify": frozenset(
        {
            Event.REPORT_SUBMITTED,
            Event.REPORT_MOVED,
            Event.INCIDENT_CHANGED,
            Event.PUBLICATION_CHANGED,
            Event.NOTIFICATION_CREATED,
        }
    ),
    "mail": frozenset({Event.MAIL_QUEUED}),
    # The analyst tier follows reports and incidents, the public tier publications.
    "search": frozenset(
        {
            Event.REPORT_SUBMITTED,
            Event.REPORT_AMENDED,
            Event.REPORT_WITHDRAWN,
            Event.REPORT_MOVED,
            Event.INCIDENT_CHANGED,
            Event.PUBLICATION_CHANGED,
        }
    ),
}
#: In ``Session.info`` once entries written by the session are committed: the request (or
#: command) that owns the session drains the outbox.
PENDING = "outbox_pending"
_WRITTEN = "outbox_written"
#: A failing entry is tried this often before it is parked for an operator.
MAX_ATTEMPTS = 5
#: The delay before the second attempt; it doubles with each further one.
FIRST_RETRY = timedelta(seconds=30)

#: What a consumer does with one entry, inside the drain's transaction (which commits it).
Handler = Callable[[Session, OutboxEntry], None]


@dataclass(frozen=True)
class Staged(Generic[_Found]):
    """A handler of up to ``size`` entries at once (the search index: one commit for many
    reports), in up to two steps. :func:`drain` hands it the due entries, oldest first; the
    optional ``prepare`` only reads the database (scoring a report, writing the search
    index), and ``finish`` writes it with what ``prepare`` returned. On SQLite, ``prepare``
    runs in a read snapshot, so requests keep the single write lock meanwhile, and only
    ``finish`` and the acknowledgement hold it; the consumer's drain lock spans both, so what
    only this consumer writes cannot change in between. On PostgreSQL both run in one
    transaction. The entries are acknowledged together once ``finish`` has returned (the
    work done and durable) and the transaction commits; if either step raises, the drain
    takes those entries again one at a time, so that only a failing entry is retried or
    parked. Called as a plain :data:`Handler`, it does one entry."""

    finish: Callable[[Session, Sequence[OutboxEntry], _Found], None]
    #: None: ``finish`` alone, given None.
    prepare: Callable[[Session, Sequence[OutboxEntry]], _Found] | None = None
    size: int = 1

    def __call__(self, session: Session, entry: OutboxEntry) -> None:
        found = self.prepare(session, [entry]) if self.prepare is not None else None
        self.finish(session, [entry], cast(_Found, found))


#: The outbox's insert, run through the connection (see :func:`publish`).
_INSERT = sa.insert(OutboxEntry.metadata.tables[OutboxEntry.__tablename__])


def publish(
    session: Session,
    event: Event,
    subject_type: str,
    subject_ids: Iterable[int],
    *,
    only: str | None = None,
) -> None:
    """Write ``event`` for each of ``subject_ids`` into the session's transaction, once per
    consumer that follows it (``only``: for that one consumer alone, e.g. to have the search
    index read a subject again); the rows are written at once and commit with it."""
    consumers = [
        name
        for name, events in SUBSCRIPTIONS.items()
        if event in events and (only is None or name == only)
    ]
    subjects = list(dict.fromkeys(subject_ids))
    if not consumers or not subjects:
        return
    now = utcnow()
    rows = [
        {
            "consumer": consumer,
            "event": event.value,
            "subject_type": subject_type,
            "subject_id": subject,
            "created_at": now,
        }
        for subject in subjects
        for consumer in consumers
    ]
    # Through the connection: nothing pending in the session needs flushing for these rows.
    session.connection().execute(_INSERT, rows)
    session.info[_WRITTEN] = True


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_WRITTEN, False):
        session.info[PENDING] = True


@sa.event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@dataclass(frozen=True)
class DrainResult:
    """What one drain did: entries processed, entries that failed, entries still waiting."""

    processed: int
    failed: list[tuple[int, str]]
    remaining: int


def drain(
    session: Session,
    consumer: str,
    handle: Handler,
    *,
    limit: int | None = None,
    seconds: float | None = None,
    on_entry: Callable[[float], object] | None = None,
    wait: bool = True,
) -> DrainResult:
    """Process ``consumer``'s waiting entries oldest first, each in its own transaction
    (a :class:`Staged` handler: several in one), until none is due,
    ``limit`` were taken or ``seconds`` have passed.

    One drain per consumer at a time (see :mod:`incidents.outbox.locks`).
    A failure rolls that entry back, records its error and schedules a retry (or parks it
    after :data:`MAX_ATTEMPTS`), and the drain goes on with the next entry. ``on_entry`` is
    told each processed entry's time in milliseconds. With ``wait=False`` (a web worker after
    its response) the drain stops instead of waiting when another drain holds the
    consumer's lock: that drain reads the waiting entries after taking it, so it does this
    drain's work too, and the worker is free for the next request.
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    staged = _staged(handle)
    processed, failed = 0, list[tuple[int, str]]()
    singly = 0  # entries of a failed batch still to be taken one at a time
    while limit is None or processed + len(failed) < limit:
        if deadline is not None and time.monotonic() >= deadline:
            break
        size = staged.size if not singly else 1
        if limit is not None:
            size = min(size, limit - processed - len(failed))
        with consumer_lock(session, consumer, wait=wait) as held, redone_work():
            if not held:
                break
            step = _step(session, consumer, staged, size, wait)
        if step is None:
            break
        singly = max(singly - 1, 0)
        if isinstance(step, _Failure):
            if step.count > 1:
                singly = step.count  # find the failing entry: none is marked done
                continue
            failed.append((step.entry_id, step.message))
            _record_failure(session, step.entry_id, step.message)
            continue
        processed += step.count
        if on_entry is not None:
            for _ in range(step.count):
                on_entry(step.milliseconds / step.count)
    remaining = session.scalar(
        sa.select(sa.func.count()).select_from(_waiting(consumer).subquery())
    )
    session.rollback()
    if processed:
        checkpoint_log(session.get_bind().engine, processed)
    return DrainResult(processed, failed, int(remaining or 0))


@dataclass(frozen=True)
class _Done:
    count: int
    milliseconds: float


@dataclass(frozen=True)
class _Failure:
    entry_id: int
    count: int
    message: str


def _staged(handle: Handler) -> Staged[Any]:
    if isinstance(handle, Staged):
        return handle
    return Staged(lambda session, entries, _: handle(session, entries[0]))


def _step(
    session: Session, consumer: str, staged: Staged[Any], size: int, wait: bool
) -> _Done | _Failure | None:
    """Take up to ``size`` due entries and do them: None if none is due (or the lock is
    another process's)."""
    # A read snapshot begins a transaction: one the caller left open is kept whole.
    reading = (
        session.get_bind().dialect.name == "sqlite"
        and staged.prepare is not None
        and not session.in_transaction()
    )
    if reading:
        begin_reading(session)
    elif not transaction_lock(session, consumer, wait=wait):
        session.rollback()
        return None
    due = {"consumer": consumer, "now": utcnow(), "size": size}
    entries = list(session.scalars(_DUE, due))
    if not entries:
        session.rollback()
        return None
    entry_id, started = entries[0].id, time.perf_counter()
    try:
        found = staged.prepare(session, entries) if staged.prepare is not None else None
        if reading:  # the write transaction: the same entries, still not done
            ids = [entry.id for entry in entries]
            session.rollback()
            entries = list(
                session.scalars(
                    _waiting(consumer).where(OutboxEntry.id.in_(ids)).order_by(OutboxEntry.id)
                )
            )
            if not entries:  # pragma: no cover - the drain lock makes this one's alone
                session.rollback()
                return _Done(0, 0.0)
        staged.finish(session, entries, found)
        done_at = utcnow()
        for entry in entries:
            entry.done_at = done_at
        session.commit()
    except Exception as error:
        session.rollback()
        return _Failure(entry_id, len(entries), f"{type(error).__name__}: {error}")
    return _Done(len(entries), (time.perf_counter() - started) * 1000)


def _waiting(consumer: str) -> sa.Select[OutboxEntry]:
    return sa.select(OutboxEntry).where(
        OutboxEntry.consumer == consumer,
        OutboxEntry.done_at.is_(None),
        OutboxEntry.parked_at.is_(None),
    )


#: A consumer's due entries, oldest first: parameters ``consumer``, ``now`` and ``size``
#: (built once: it is read before every step of every drain).
_DUE = (
    sa.select(OutboxEntry)
    .where(
        OutboxEntry.consumer == sa.bindparam("consumer"),
        OutboxEntry.done_at.is_(None),
        OutboxEntry.parked_at.is_(None),
        sa.or_(OutboxEntry.retry_at.is_(None), OutboxEntry.retry_at <= sa.bindparam("now")),
    )
    .order_by(OutboxEntry.id)
    .limit(sa.bindparam("size", type_=sa.Integer()))
)


def _record_failure(session: Session, entry_id: int, message: str) -> None:
    entry = session.get(OutboxEntry, entry_id)
    if entry is None:  # pragma: no cover - entries are never deleted
        return
    now = utcnow()
    entry.attempts += 1
    entry.error = message[:2000]
    if entry.attempts >= MAX_ATTEMPTS:
        entry.parked_at = now
    else:
        entry.retry_at = now + FIRST_RETRY * 2 ** (entry.attempts - 1)
    session.commit()


@dataclass(frozen=True)
class Backlog:
    """One consumer's state: entries waiting, the oldest one's time, and entries parked."""

    consumer: str
    waiting: int
    oldest_at: datetime | None
    retrying: int
    parked: int


def backlog(session: Session) -> list[Backlog]:
    """Every consumer's backlog (consumers with no entries at all included)."""
    waiting_rows = session.execute(
        sa.select(
            OutboxEntry.consumer,
            sa.func.count(),
            sa.func.min(OutboxEntry.created_at),
            sa.func.count(OutboxEntry.retry_at),
        )
        .where(OutboxEntry.done_at.is_(None), OutboxEntry.parked_at.is_(None))
        .group_by(OutboxEntry.consumer)
    )
    waiting = {row[0]: (row[1], row[2], row[3]) for row in waiting_rows}
    parked_rows = session.execute(
        sa.select(OutboxEntry.consumer, sa.func.count())
        .where(OutboxEntry.parked_at.is_not(None), OutboxEntry.done_at.is_(None))
        .group_by(OutboxEntry.consumer)
    )
    parked = {row[0]: row[1] for row in parked_rows}
    names = sorted({*SUBSCRIPTIONS, *waiting, *parked})
    return [
        Backlog(
            name,
            waiting.get(name, (0, None, 0))[0],
            waiting.get(name, (0, None, 0))[1],
            waiting.get(name, (0, None, 0))[2],
            parked.get(name, 0),
        )
        for name in names
    ]


def parked_entries(session: Session, consumer: str | None = None) -> list[OutboxEntry]:
    """The parked entries (of one consumer), oldest first, with their errors."""
    query = sa.select(OutboxEntry).where(
        OutboxEntry.parked_at.is_not(None), OutboxEntry.done_at.is_(None)
    )
    if consumer is not None:
        query = query.where(OutboxEntry.consumer == consumer)
    return list(session.scalars(query.order_by(OutboxEntry.id)))


def retry_parked(session: Session, consumer: str | None = None) -> int:
    """Put parked entries (of one consumer) back in line; returns how many. Flushes."""
    query = (
        sa.update(OutboxEntry)
        .where(OutboxEntry.parked_at.is_not(None), OutboxEntry.done_at.is_(None))
        .values(parked_at=None, retry_at=None, attempts=0)
    )
    if consumer is not None:
        query = query.where(OutboxEntry.consumer == consumer)
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)
