"""One drain per consumer at a time, whichever process drains.

On PostgreSQL an advisory lock taken inside each of the drain's transactions; on SQLite a
file lock beside the database, held across the read snapshot and the short write of a
:class:`~incidents.outbox.services.Staged` handler, so that what the handler read before
taking the database's write lock is still what it writes after (only its own consumer
changes what it reads).
"""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

_IN_MEMORY: dict[tuple[int, str], threading.Lock] = {}
_GUARD = threading.Lock()


def transaction_lock(session: Session, consumer: str, *, wait: bool = True) -> bool:
    """Take ``consumer``'s lock on PostgreSQL until the session's transaction ends; False if
    ``wait`` is off and another process holds it. True at once on SQLite (see
    :func:`consumer_lock`)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"outbox:{consumer}".encode())
    if wait:
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
        return True
    return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(key))))


@contextmanager
def consumer_lock(session: Session, consumer: str, *, wait: bool = True) -> Iterator[bool]:
    """Hold ``consumer``'s drain lock on SQLite while the block runs; yields False (and
    holds nothing) if ``wait`` is off and another drain holds it. Yields True at once on
    PostgreSQL, whose lock is :func:`transaction_lock`.

    Raises OSError if the lock file beside the database cannot be opened.
    """
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield True
        return
    path = bind.engine.url.database
    if path in (None, "", ":memory:"):  # one process: a lock of this process
        with _GUARD:
            lock = _IN_MEMORY.setdefault((id(bind.engine), consumer), threading.Lock())
        if not lock.acquire(blocking=wait):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
        return
    with open(f"{path}-outbox-{consumer}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True  # closing the file releases the lock
