"""Rate-limit counts in a SQLite file: what the login throttling and the API limits count,
shared by every worker process of one machine with nothing to install.

``INCIDENTS_RATELIMIT_STORAGE_URL=sqlite:////abs/path/ratelimits.db`` (the default, in the
instance folder) selects it; it registers the ``sqlite`` scheme with ``limits`` when imported.
It keeps fixed windows (Flask-Limiter's default strategy), one row per key, in its own file,
so counting never waits on the database's write lock. Counts are not worth an fsync: a power
cut may forget the last ones. Several machines share Redis (``redis://host:6379``) instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from urllib.parse import unquote, urlparse

from limits.storage import Storage

#: Expired windows are deleted once this many counts have been made in a process.
PURGE_EVERY = 1_000

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counts ("
    "key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"
)
_INCREMENT = """
INSERT INTO counts (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :now + :expiry ELSE expires END
RETURNING count
"""


class SqliteCounters(Storage):
    """A ``limits`` storage in one SQLite file (``sqlite:///relative`` or
    ``sqlite:////absolute``); each thread of each process has its own connection.

    Raises ValueError for a URL that names no file.
    """

    STORAGE_SCHEME: list[str] | None = ["sqlite"]  # noqa: RUF012 - as ``limits`` declares it

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        path = unquote(urlparse(uri).path).removeprefix("/")
        if not path or path == ":memory:":
            raise ValueError(f"{uri!r} names no file: rate-limit counts are shared through one")
        self.path = path
        self._local = threading.local()
        self._made = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection; a process forked from another opens its own."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # A folder removed meanwhile is made again: counts are never worth an error.
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(_SCHEMA)
            local.connection, local.pid = connection, os.getpid()
        found: sqlite3.Connection = local.connection
        return found

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to ``key``'s window (a new one of ``expiry`` seconds if it ended)."""
        now = time.time()
        connection = self._connection()
        # fetchall: the statement runs to its end, so its write transaction ends here too
        [row] = connection.execute(
            _INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}
        ).fetchall()
        self._made += 1
        if self._made % PURGE_EVERY == 0:
            connection.execute("DELETE FROM counts WHERE expires <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        rows = (
            self._connection()
            .execute("SELECT count FROM counts WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchall()
        )
        return int(rows[0][0]) if rows else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        rows = (
            self._connection()
            .execute("SELECT expires FROM counts WHERE key = ? AND expires > ?", (key, now))
            .fetchall()
        )
        return float(rows[0][0]) if rows else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counts").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counts WHERE key = ?", (key,))
