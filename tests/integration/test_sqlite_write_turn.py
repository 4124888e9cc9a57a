"""SQLite transactions read side by side and write one at a time (``incidents.db``): a
transaction reads from a snapshot until its first write, then takes its turn through a lock
file beside the database, held from BEGIN IMMEDIATE to its end, never by a read snapshot or a
background writer, handed on as soon as it is given back, never waited for past
``WRITE_TURN_WAIT``."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents import db
from incidents.db import background_writes, begin_reading, create_engine, redone_work


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    yield engine
    engine.dispose()


def taken(engine: sa.Engine) -> bool:
    """Whether some connection holds the write turn (tried from a descriptor of our own)."""
    descriptor = os.open(f"{engine.url.database}-write.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_a_write_transaction_holds_the_turn_until_it_ends(engine: sa.Engine) -> None:
    for end in (Session.commit, Session.rollback, Session.close):
        session = Session(engine)
        session.execute(sa.text("INSERT INTO notes (text) VALUES ('x')"))
        assert taken(engine)
        end(session)
        assert not taken(engine), end.__name__
        session.close()
    reading = Session(engine)
    begin_reading(reading)
    assert reading.scalar(sa.text("SELECT count(*) FROM notes")) == 1
    assert not taken(engine)  # a read snapshot leaves the turn to writers
    reading.close()


def test_a_transaction_reads_beside_a_writer_and_takes_the_turn_at_its_first_write(
    engine: sa.Engine,
) -> None:
    writer = Session(engine)
    writer.execute(sa.text("INSERT INTO notes (text) VALUES ('first')"))
    reader = Session(engine)
    started = time.monotonic()
    assert reader.scalar(sa.text("SELECT count(*) FROM notes")) == 0  # no wait for the writer
    assert time.monotonic() - started < 0.5
    writer.commit()
    assert reader.scalar(sa.text("SELECT count(*) FROM notes")) == 0  # one snapshot
    assert not taken(engine)
    reader.execute(sa.text("INSERT INTO notes (text) VALUES ('second')"))  # no "locked"
    assert taken(engine)
    # From its first write on it sees what others committed, as on PostgreSQL.
    assert reader.scalar(sa.text("SELECT count(*) FROM notes")) == 2
    reader.commit()
    assert not taken(engine)
    writer.close()
    reader.close()


def test_a_select_that_would_lock_rows_takes_the_turn(engine: sa.Engine) -> None:
    """``FOR UPDATE`` (left out of SQLite's SQL) makes the transaction a writing one, so what
    it read stays true until it ends, as the row lock promises on PostgreSQL."""
    notes = sa.table("notes", sa.column("id"), sa.column("text"))
    with Session(engine) as session:
        session.execute(sa.select(notes).with_for_update())
        assert taken(engine)


def test_a_savepoint_takes_the_turn_and_a_transaction_that_never_ran_holds_nothing(
    engine: sa.Engine,
) -> None:
    with Session(engine) as session:
        session.connection()  # begun, but nothing ran yet
        assert not taken(engine)
        assert session.scalar(sa.text("SELECT count(*) FROM notes")) == 0
        with session.begin_nested():  # its SAVEPOINT, not the INSERT, ends the snapshot
            session.execute(sa.text("INSERT INTO notes (text) VALUES ('kept')"))
            assert taken(engine)
        session.commit()
        assert not taken(engine)
    with Session(engine) as session:
        assert session.scalar(sa.text("SELECT text FROM notes")) == "kept"


def test_a_transaction_whose_connection_was_lost_ends_cleanly(engine: sa.Engine) -> None:
    """A statement cut short (Ctrl-C in a command, a killed query) invalidates the connection:
    closing the session gives the turn back and raises nothing."""
    session = Session(engine)
    session.execute(sa.text("INSERT INTO notes (text) VALUES ('x')"))
    session.connection().invalidate()
    session.close()
    assert not taken(engine)
    with Session(engine) as again:
        assert again.scalar(sa.text("SELECT count(*) FROM notes")) == 0


def test_a_background_writer_takes_no_turn(engine: sa.Engine) -> None:
    """The outbox worker's writes (``flask outbox work``) wait on SQLite's busy handler, so a
    burst of web writes delays them rather than the web answers."""
    with background_writes(), Session(engine) as session:
        session.execute(sa.text("INSERT INTO notes (text) VALUES ('placed')"))
        assert not taken(engine)
        session.commit()
    with Session(engine) as session:
        session.execute(sa.text("INSERT INTO notes (text) VALUES ('filed')"))
        assert taken(engine)


def test_a_writer_waits_for_its_turn_and_gets_it_when_it_is_given_back(
    engine: sa.Engine,
) -> None:
    first = Session(engine)
    first.execute(sa.text("INSERT INTO notes (text) VALUES ('first')"))
    done: dict[str, float] = {}

    def second() -> None:
        with Session(engine) as session:
            started = time.monotonic()
            session.execute(sa.text("INSERT INTO notes (text) VALUES ('second')"))
            done["waited"], done["at"] = time.monotonic() - started, time.monotonic()
            session.commit()

    writer = threading.Thread(target=second)
    writer.start()
    time.sleep(0.45)
    assert "waited" not in done  # still waiting: the first writer has the turn
    given_back = time.monotonic()
    first.commit()
    writer.join(timeout=10)
    assert done["waited"] >= 0.45
    # Handed on at once (SQLite's own busy handler, 0.45 s into its wait, would try again at
    # 0.528 s: its sleeps are 50-100 ms long by then).
    assert done["at"] - given_back < 0.05
    with engine.connect() as connection:
        notes = connection.exec_driver_sql("SELECT text FROM notes ORDER BY id").scalars()
        assert list(notes) == ["first", "second"]
    first.close()


def test_a_turn_held_too_long_is_left_to_sqlite(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WRITE_TURN_WAIT", 0.2)
    # A lock file held by something that is not writing (a stuck tool, say).
    stranger = os.open(f"{engine.url.database}-write.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(stranger, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with Session(engine) as session:
            session.execute(sa.text("INSERT INTO notes (text) VALUES ('anyway')"))
            session.commit()
        assert 0.2 <= time.monotonic() - started < 5
    finally:
        os.close(stranger)


def _synchronous(session: Session) -> int:
    """The connection's ``synchronous`` level (1 NORMAL, 2 FULL), read after a write."""
    session.execute(sa.text("INSERT INTO notes (text) VALUES ('x')"))
    return int(session.scalar(sa.text("PRAGMA synchronous")) or 0)


def test_work_that_is_redone_if_lost_commits_without_waiting_for_the_disk(
    engine: sa.Engine,
) -> None:
    engine = create_engine(str(engine.url), pool_size=1, max_overflow=0)  # one connection for all
    try:
        with Session(engine) as session, session.begin():
            assert _synchronous(session) == 2  # FULL: a filing is kept on power loss
        with redone_work(), Session(engine) as session, session.begin():
            assert _synchronous(session) == 1  # NORMAL: the outbox's work
        with Session(engine) as session, session.begin():
            assert _synchronous(session) == 2  # the same connection is FULL again
    finally:
        engine.dispose()
