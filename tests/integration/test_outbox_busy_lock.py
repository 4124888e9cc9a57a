"""A web worker's drain after its response never waits for another process's drain of the
same consumer on PostgreSQL: that process picks the entries up (it reads them after taking
the lock), and the worker is free for its next request."""

from __future__ import annotations

import time
import zlib

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.db import is_sqlite
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import drain


def test_a_busy_consumer_is_left_to_its_drainer(app: Flask, database_url: str) -> None:
    if is_sqlite(database_url):
        pytest.skip("SQLite has one write lock, always waited for; the advisory lock is PG's")
    engine = app.extensions["incidents"].database.engine
    seen: list[int] = []
    with Session(engine) as session:
        session.add(
            OutboxEntry(
                consumer="busy-test", event="report.submitted", subject_type="report", subject_id=1
            )
        )
        session.commit()
    key = zlib.crc32(b"outbox:busy-test")
    try:
        with engine.connect() as holder, Session(engine) as session:
            holder.begin()
            holder.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
            started = time.monotonic()
            result = drain(session, "busy-test", lambda _s, e: seen.append(e.id), wait=False)
            assert time.monotonic() - started < 2
            assert (result.processed, result.remaining, seen) == (0, 1, [])
            holder.rollback()
            result = drain(session, "busy-test", lambda _s, e: seen.append(e.id), wait=False)
            assert (result.processed, result.remaining, len(seen)) == (1, 0, 1)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.delete(OutboxEntry).where(OutboxEntry.consumer == "busy-test"))
