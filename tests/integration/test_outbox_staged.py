"""A staged handler's costly reading runs outside SQLite's write lock (requests keep writing
meanwhile), its writing inside; one drain per consumer at a time on SQLite too."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.db import is_sqlite
from incidents.outbox.locks import consumer_lock
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Staged, drain

CONSUMER = "staged-test"


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
        result = drain(session, CONSUMER, Staged(prepare, finish, size=2))
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
        result = drain(session, CONSUMER, Staged(prepare, lambda *_: None, size=2))
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
