"""A batched consumer takes several due entries in one transaction and acknowledges them
together only after its work is done; a failing batch is taken again entry by entry, so a
good entry is never held back and only the failing one is retried. A staged consumer's
reading runs outside SQLite's write lock (requests keep writing meanwhile), its writing
inside; one drain per consumer at a time on SQLite too."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents import db as db_module
from incidents.db import is_sqlite
from incidents.outbox.locks import consumer_lock
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Staged, drain

CONSUMER = "batch-test"


@pytest.fixture
def engine(app: Flask) -> Iterator[sa.Engine]:
    found: sa.Engine = app.extensions["incidents"].database.engine
    yield found
    with found.begin() as connection:
        connection.execute(sa.delete(OutboxEntry).where(OutboxEntry.consumer == CONSUMER))


def _queue(engine: sa.Engine, subjects: Sequence[int]) -> None:
    with Session(engine) as session:
        session.add_all(
            OutboxEntry(
                consumer=CONSUMER, event="report.submitted", subject_type="report", subject_id=each
            )
            for each in subjects
        )
        session.commit()


def _done(engine: sa.Engine) -> dict[int, bool]:
    with Session(engine) as session:
        rows = session.execute(
            sa.select(OutboxEntry.subject_id, OutboxEntry.done_at).where(
                OutboxEntry.consumer == CONSUMER
            )
        )
        return {subject: done is not None for subject, done in rows}


def _recorder(calls: list[list[int]]) -> Callable[[Session, Sequence[OutboxEntry], None], None]:
    def record(_session: Session, entries: Sequence[OutboxEntry], _found: None) -> None:
        calls.append([entry.subject_id for entry in entries])

    return record


def test_entries_are_handled_in_batches_oldest_first(engine: sa.Engine) -> None:
    _queue(engine, range(1, 8))
    calls: list[list[int]] = []
    handle: Staged[None] = Staged(
        lambda _s, entries, _: calls.append([e.subject_id for e in entries]), size=3
    )
    times: list[float] = []
    with Session(engine) as session:
        result = drain(session, CONSUMER, handle, on_entry=times.append)
    assert calls == [[1, 2, 3], [4, 5, 6], [7]]
    assert (result.processed, result.failed, result.remaining) == (7, [], 0)
    assert len(times) == 7
    assert all(_done(engine).values())


def test_a_limit_takes_no_more_entries_than_asked(engine: sa.Engine) -> None:
    _queue(engine, range(1, 6))
    calls: list[list[int]] = []
    handle: Staged[None] = Staged(
        lambda _s, entries, _: calls.append([e.subject_id for e in entries]), size=3
    )
    with Session(engine) as session:
        result = drain(session, CONSUMER, handle, limit=4)
    assert calls == [[1, 2, 3], [4]]
    assert (result.processed, result.remaining) == (4, 1)


def test_a_failing_batch_is_taken_again_entry_by_entry(engine: sa.Engine) -> None:
    _queue(engine, range(1, 6))
    calls: list[list[int]] = []

    def handle_many(_session: Session, entries: Sequence[OutboxEntry], _found: None) -> None:
        calls.append([entry.subject_id for entry in entries])
        if any(entry.subject_id == 3 for entry in entries):
            raise RuntimeError("subject 3 cannot be indexed")

    with Session(engine) as session:
        result = drain(session, CONSUMER, Staged(handle_many, size=4))
    # The batch failed as a whole: nothing of it counted as done; then one at a time.
    assert calls == [[1, 2, 3, 4], [1], [2], [3], [4], [5]]
    assert result.processed == 4
    assert [error for _, error in result.failed] == ["RuntimeError: subject 3 cannot be indexed"]
    assert _done(engine) == {1: True, 2: True, 3: False, 4: True, 5: True}
    with Session(engine) as session:
        failing = session.scalars(
            sa.select(OutboxEntry).where(
                OutboxEntry.consumer == CONSUMER, OutboxEntry.subject_id == 3
            )
        ).one()
        assert failing.attempts == 1
        assert failing.retry_at is not None  # waits, then is tried again


def test_work_that_fails_after_part_of_a_batch_acknowledges_nothing(engine: sa.Engine) -> None:
    """A crash (here: an error) after the handler did part of the batch's work leaves every
    entry of the batch waiting: the next drain does the work again (it is idempotent)."""
    _queue(engine, [1, 2])
    attempts: list[int] = []

    def handle_many(_session: Session, entries: Sequence[OutboxEntry], _found: None) -> None:
        attempts.append(len(entries))
        raise SystemError("the process died mid-batch")

    with Session(engine) as session:
        result = drain(session, CONSUMER, Staged(handle_many, size=10))
    assert attempts == [2, 1, 1]  # the batch, then each entry alone
    assert (result.processed, len(result.failed)) == (0, 2)
    assert _done(engine) == {1: False, 2: False}


def _write_elsewhere(engine: sa.Engine, subject: int) -> None:
    """What a request does meanwhile: a write in its own connection, which gives up after
    half a second if the database's write lock is held."""
    with engine.connect() as connection:
        if is_sqlite(engine.url):
            connection.exec_driver_sql("PRAGMA busy_timeout=500")
        connection.execute(
            sa.insert(OutboxEntry).values(
                consumer="staged-other",
                event="report.submitted",
                subject_type="report",
                subject_id=subject,
                created_at=sa.func.current_timestamp(),
            )
        )
        connection.commit()
        if is_sqlite(engine.url):
            connection.exec_driver_sql("PRAGMA busy_timeout=30000")


def test_prepare_reads_while_others_write_and_finish_writes_what_it_found(
    engine: sa.Engine,
) -> None:
    _queue(engine, [1, 2, 3])
    written: list[tuple[int, str]] = []

    def prepare(session: Session, entries: Sequence[OutboxEntry]) -> list[int]:
        _write_elsewhere(engine, entries[0].subject_id)  # refused if the drain held the lock
        return [entry.subject_id for entry in entries]

    def finish(session: Session, entries: Sequence[OutboxEntry], found: list[int]) -> None:
        assert found == [entry.subject_id for entry in entries]
        written.extend((subject, "finished") for subject in found)

    with Session(engine) as session:
        result = drain(session, CONSUMER, Staged(finish, prepare=prepare, size=2))
    assert (result.processed, result.failed, result.remaining) == (3, [], 0)
    assert written == [(1, "finished"), (2, "finished"), (3, "finished")]
    with engine.begin() as connection:
        others = connection.execute(
            sa.delete(OutboxEntry)
            .where(OutboxEntry.consumer == "staged-other")
            .returning(OutboxEntry.subject_id)
        )
        assert sorted(each for (each,) in others) == [1, 3]


def test_a_failing_prepare_is_retried_like_any_failure(engine: sa.Engine) -> None:
    _queue(engine, [1, 2])

    def prepare(session: Session, entries: Sequence[OutboxEntry]) -> None:
        if any(entry.subject_id == 1 for entry in entries):
            raise OverflowError("date value out of range")

    with Session(engine) as session:
        result = drain(session, CONSUMER, Staged(lambda *_: None, prepare=prepare, size=2))
    assert result.processed == 1
    assert [message for _, message in result.failed] == ["OverflowError: date value out of range"]


def test_a_drain_after_a_response_leaves_a_busy_consumer_to_its_drainer(
    engine: sa.Engine,
) -> None:
    """SQLite: the consumer's lock is a file lock beside the database (PostgreSQL's advisory
    lock: test_outbox_busy_lock.py)."""
    if not is_sqlite(engine.url):
        pytest.skip("PostgreSQL's advisory lock is tested in test_outbox_busy_lock.py")
    _queue(engine, [1])
    seen: list[int] = []
    with Session(engine) as holder, consumer_lock(holder, CONSUMER) as held:
        assert held
        with Session(engine) as session:
            started = time.monotonic()
            result = drain(session, CONSUMER, lambda _s, e: seen.append(e.id), wait=False)
            assert time.monotonic() - started < 2
            assert (result.processed, result.remaining, seen) == (0, 1, [])
    with Session(engine) as session:
        result = drain(session, CONSUMER, lambda _s, e: seen.append(e.id), wait=False)
    assert (result.processed, result.remaining, len(seen)) == (1, 0, 1)


def test_the_work_is_written_as_work_that_is_redone_if_lost(engine: sa.Engine) -> None:
    if not is_sqlite(engine.url):
        pytest.skip("SQLite's synchronous level; PostgreSQL commits as it is configured")
    _queue(engine, [1])
    levels: list[int] = []

    def handle(session: Session, _entry: OutboxEntry) -> None:
        session.execute(sa.update(OutboxEntry).where(OutboxEntry.id < 0).values(error=""))
        levels.append(int(session.scalar(sa.text("PRAGMA synchronous")) or 0))

    with Session(engine) as session:
        assert drain(session, CONSUMER, handle).processed == 1
    assert levels == [1]  # NORMAL: see incidents.db.redone_work


def test_the_log_is_copied_into_the_database_once_enough_work_is_done(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's write-ahead log is copied by the drain that did the ``CHECKPOINT_AFTER``-th
    entry, after its work, not by a later commit somebody waits for."""
    if not is_sqlite(engine.url):
        pytest.skip("SQLite's write-ahead log; PostgreSQL checkpoints on its own")
    monkeypatch.setitem(db_module._uncopied, engine, 0)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == (
            db_module.AUTOCHECKPOINT_PAGES
        )
    _queue(engine, range(1, db_module.CHECKPOINT_AFTER))
    with Session(engine) as session:
        processed = drain(session, CONSUMER, lambda _s, _e: None).processed
    assert processed == db_module.CHECKPOINT_AFTER - 1
    assert db_module._uncopied[engine] == db_module.CHECKPOINT_AFTER - 1
    _queue(engine, [db_module.CHECKPOINT_AFTER])
    with Session(engine) as session:
        assert drain(session, CONSUMER, lambda _s, _e: None).processed == 1
    assert db_module._uncopied[engine] == 0
    # The database file alone (the log ignored) holds every entry's acknowledgement.
    path = engine.url.database
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as main_file:
        done = main_file.execute(
            "SELECT count(*) FROM outbox_entries WHERE consumer = ? AND done_at IS NOT NULL",
            (CONSUMER,),
        ).fetchone()
    assert done == (db_module.CHECKPOINT_AFTER,)
