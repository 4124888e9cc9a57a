"""A batched consumer takes several due entries in one transaction and acknowledges them
together only after its work is done; a failing batch is taken again entry by entry, so a
good entry is never held back and only the failing one is retried."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Batched, drain

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


def test_entries_are_handled_in_batches_oldest_first(engine: sa.Engine) -> None:
    _queue(engine, range(1, 8))
    calls: list[list[int]] = []
    handle = Batched(lambda _s, entries: calls.append([e.subject_id for e in entries]), size=3)
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
    handle = Batched(lambda _s, entries: calls.append([e.subject_id for e in entries]), size=3)
    with Session(engine) as session:
        result = drain(session, CONSUMER, handle, limit=4)
    assert calls == [[1, 2, 3], [4]]
    assert (result.processed, result.remaining) == (4, 1)


def test_a_failing_batch_is_taken_again_entry_by_entry(engine: sa.Engine) -> None:
    _queue(engine, range(1, 6))
    calls: list[list[int]] = []

    def handle_many(_session: Session, entries: Sequence[OutboxEntry]) -> None:
        calls.append([entry.subject_id for entry in entries])
        if any(entry.subject_id == 3 for entry in entries):
            raise RuntimeError("subject 3 cannot be indexed")

    with Session(engine) as session:
        result = drain(session, CONSUMER, Batched(handle_many, size=4))
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

    def handle_many(_session: Session, entries: Sequence[OutboxEntry]) -> None:
        attempts.append(len(entries))
        raise SystemError("the process died mid-batch")

    with Session(engine) as session:
        result = drain(session, CONSUMER, Batched(handle_many, size=10))
    assert attempts == [2, 1, 1]  # the batch, then each entry alone
    assert (result.processed, len(result.failed)) == (0, 2)
    assert _done(engine) == {1: False, 2: False}
