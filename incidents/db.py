"""Database plumbing shared by every model: the declarative base, naming, engines.

Pure SQLAlchemy (no Flask), so models and services can be used from a CLI, a test or a
benchmark without an application.
"""

from __future__ import annotations

import enum
import fcntl
import os
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker

# A constraint naming convention keeps Alembic's autogenerate diffs stable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Execution option of a connection whose transaction only reads: on SQLite it begins
#: deferred, a snapshot of the write-ahead log that leaves the single write lock to others
#: (a write in it may fail with "database is locked"); PostgreSQL ignores it.
READ_SNAPSHOT = "incidents_read_snapshot"

#: ``Session.info`` key: milliseconds each statement of the session may run (set on the
#: sessions of web requests, never on those of commands).
STATEMENT_TIMEOUT = "statement_timeout_ms"
#: ``Connection.info`` key (SQLite): when the connection's current statement started.
_STATEMENT_STARTED = "incidents_statement_started"
#: SQLite virtual-machine steps between two looks at a limited statement's clock.
_PROGRESS_STEPS = 10_000
#: ``Connection.info`` key (SQLite): the descriptor of the write-lock file while it is held.
_WRITE_TURN = "incidents_write_turn"
#: ``Connection.info`` keys (SQLite): a transaction not yet begun in the database (SQLAlchemy
#: began it; its first statement begins it in SQLite), and one that has only read so far. The
#: value is the write-lock file's path (None: no file).
_UNBEGUN = "incidents_unbegun"
_READING = "incidents_reading"
#: Seconds a SQLite writer waits for its turn before leaving it to ``busy_timeout``.
WRITE_TURN_WAIT = 30.0
#: Whether this thread writes in the background (:func:`background_writes`).
_BACKGROUND: ContextVar[bool] = ContextVar("incidents_background_writes", default=False)
#: Whether this thread's writes are work that is redone if lost (:func:`redone_work`).
_REDONE: ContextVar[bool] = ContextVar("incidents_redone_work", default=False)
#: Pages of SQLite's write-ahead log after which a commit copies it into the database itself.
AUTOCHECKPOINT_PAGES = 8000

#: Outbox entries done after which a drain copies the log into the database (checkpoint_log):
#: a report filed and placed writes about 250 pages of the log (its keys land on scattered
#: index pages), so about 1,000 pages, well before the automatic copy.
CHECKPOINT_AFTER = 4
_uncopied: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()

#: Connection info: the ``synchronous`` level its SQLite connection was last given.
_SYNCHRONOUS = "incidents_synchronous"


@event.listens_for(Session, "after_begin")
def _limit_statements(session: Session, _transaction: Any, connection: sa.Connection) -> None:
    """Limit each statement of the transaction to the session's ``STATEMENT_TIMEOUT``.

    PostgreSQL: ``SET LOCAL statement_timeout`` (the statement fails with SQLSTATE 57014).
    SQLite: a progress handler interrupts a statement running longer ("interrupted"). Both
    last as long as the transaction, so a pooled connection never carries one request's limit
    into the next use (a command's).
    """
    milliseconds = session.info.get(STATEMENT_TIMEOUT)
    if not milliseconds:
        return
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(milliseconds)}")
    elif connection.dialect.name == "sqlite":
        _interrupt_after(connection, milliseconds / 1000)


def _interrupt_after(connection: sa.Connection, seconds: float) -> None:
    """Interrupt any statement of ``connection``'s transaction that runs over ``seconds``."""
    info = connection.info

    def too_long() -> int:
        started = info.get(_STATEMENT_STARTED)
        return int(started is not None and time.monotonic() - started > seconds)

    _progress_handler(connection, too_long)


def _stop_interrupting(connection: sa.Connection) -> None:
    connection.info.pop(_STATEMENT_STARTED, None)
    _progress_handler(connection, None)


def _progress_handler(connection: sa.Connection, handler: Callable[[], int] | None) -> None:
    driver = connection.connection.driver_connection
    if driver is not None:
        driver.set_progress_handler(handler, _PROGRESS_STEPS if handler else 0)


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, PostgreSQL keeps one; both come back as aware UTC datetimes.
    Naive datetimes are refused, so no local time is ever stored by accident.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC with a zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_class: type[enum.StrEnum], length: int = 32) -> sa.Enum:
    """A column type that stores a StrEnum by its value (not its name)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def is_sqlite(url: str | sa.URL) -> bool:
    """Whether a database URL points at SQLite."""
    return sa.make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and real transactions.

    pysqlite's own transaction handling breaks SAVEPOINT; we turn it off and emit BEGIN
    ourselves (the documented workaround), so nested transactions behave as on PostgreSQL.
    The BEGIN is IMMEDIATE: a transaction that reads and then writes can otherwise find the
    database locked by another worker's commit (SQLITE_BUSY, which no timeout retries);
    taking the write lock up front makes concurrent writers wait, taking turns through a lock
    file beside the database (:func:`_take_write_turn`).
    A transaction begun by :func:`begin_reading` is deferred instead and never writes.
    """
    if not is_sqlite(url):
        return sa.create_engine(url, pool_pre_ping=True, **options)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, **options
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if sa.make_url(url).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a submission acknowledged is a submission kept, even on power loss (work
            # that is redone if lost commits with NORMAL: see redone_work).
            cursor.execute("PRAGMA synchronous=FULL")
            record.info[_SYNCHRONOUS] = "FULL"
            # The dedup lookups read scattered index pages: a 64 MiB page cache and 256 MiB of
            # memory-mapped reads keep them off the file system after the first touch.
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("PRAGMA mmap_size=268435456")
            # The log is copied into the database by the outbox's drains once they are done
            # (checkpoint_log); the automatic copy by whichever commit fills the log, which
            # took 16-70 ms of that commit, is left as a safety net (8,000 pages: 32 MiB).
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.close()

    writers = _write_lock_path(sa.make_url(url))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(READ_SNAPSHOT, False):
            connection.exec_driver_sql("BEGIN")
            return
        connection.info[_UNBEGUN] = writers  # begun by its first statement

    @event.listens_for(engine, "before_cursor_execute")
    def _before_statement(
        connection: sa.Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        info = connection.info
        if _UNBEGUN in info or _READING in info:
            if not _reads(statement, context):
                begin_writing(connection)
            elif _UNBEGUN in info:
                info[_READING] = info.pop(_UNBEGUN)
                _driver(connection).execute("BEGIN")
        info[_STATEMENT_STARTED] = time.monotonic()

    def _end(connection: sa.Connection) -> None:
        if connection.invalidated:  # interrupted mid-statement: the invalidate hook ended it
            return
        _stop_interrupting(connection)
        _forget_transaction(connection.info)

    @event.listens_for(engine, "checkin")
    def _end_on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _forget_transaction(record.info)

    @event.listens_for(engine, "invalidate")
    def _end_on_invalidate(_dbapi_connection: Any, record: Any, _error: Any) -> None:
        _forget_transaction(record.info)

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    return engine


@contextmanager
def _raised(flag: ContextVar[bool]) -> Iterator[None]:
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


def background_writes() -> AbstractContextManager[None]:
    """Write in the background while the block runs (this thread: the outbox worker's drains):
    without a turn in the writers' queue, leaving SQLite's busy handler to make such a writer
    wait, with ever longer sleeps, while the web workers write. A burst of submissions then
    delays the work after them, not their answers."""
    return _raised(_BACKGROUND)


def redone_work() -> AbstractContextManager[None]:
    """Write, while the block runs, work that is redone if it is lost (the outbox's: its
    entry is marked done in the same transaction). On SQLite such a transaction commits
    without waiting for the disk (``synchronous=NORMAL`` in WAL mode: still atomic, and
    durable once a later ``FULL`` commit, such as the next filing, syncs the log); a power
    loss can take only such a last commit, whose entry is then done again."""
    return _raised(_REDONE)


def checkpoint_log(engine: Engine, entries: int) -> None:
    """Copy SQLite's write-ahead log into the database file, as far as no reader needs it
    (``PRAGMA wal_checkpoint(PASSIVE)``: it waits for nobody), once this process has
    done ``CHECKPOINT_AFTER`` outbox entries since its last copy (a drain tells how many
    ``entries`` it did when it is done). The copy, mostly a wait for the disk, is then
    not made by a later commit that somebody waits for (SQLite's automatic checkpoint, kept
    as a safety net at ``AUTOCHECKPOINT_PAGES``). Nothing to do on PostgreSQL or in memory.
    """
    if engine.dialect.name != "sqlite" or _write_lock_path(engine.url) is None:
        return
    done = _uncopied.get(engine, 0) + entries
    if done < CHECKPOINT_AFTER:
        _uncopied[engine] = done
        return
    _uncopied[engine] = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.close()
    finally:
        raw.close()


def among(
    column: sa.ColumnElement[Any] | InstrumentedAttribute[Any],
    values: Sequence[Any] | str,
    item: sa.types.TypeEngine[Any],
    *,
    array: bool,
) -> sa.ColumnElement[bool]:
    """Return ``column IN values``; as ``column = ANY(:array)`` with ``array`` (PostgreSQL).

    One array parameter keeps the statement text constant, so psycopg caches and prepares it
    and PostgreSQL plans it once, instead of parsing a list of hundreds of placeholders.
    ``values`` may instead be the name of the list parameter, given when the statement runs
    (a statement built once and run many times).
    """
    key, value = (values, None) if isinstance(values, str) else (None, list(values))
    if array:
        return column == sa.any_(sa.bindparam(key, value, type_=postgresql.ARRAY(item)))
    return column.in_(sa.bindparam(key, value, expanding=True))


def _write_lock_path(url: sa.URL) -> str | None:
    """The write-lock file of a SQLite database file (``None`` in memory); a ``file:`` URI
    names its file before its parameters."""
    database = url.database
    if database in (None, "", ":memory:"):
        return None
    if url.query.get("uri") == "true" and database.startswith("file:"):
        database = database.removeprefix("file:")
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
    return f"{database}-write.lock"


def _take_write_turn(info: dict[Any, Any], path: str) -> None:
    """Wait for this connection's turn to write, in the queue of the write-lock file beside
    the database, before ``BEGIN IMMEDIATE``.

    SQLite's own busy handler, while another process or thread writes, sleeps 1, 2, 5, 10,
    15 ms… between tries, so a writer often wakes long after the lock was free (answers of
    tens of milliseconds, and a lock idle while its waiters sleep); a file lock retried every
    fraction of a millisecond hands the turn on at once. After ``WRITE_TURN_WAIT`` seconds
    the transaction begins anyway and SQLite's ``busy_timeout`` decides. The lock is given
    back when the transaction ends (commit, rollback, or the connection going back to the
    pool), and with the file's descriptor when a process dies.
    """
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: SQLite refuses the write itself, clearly
        return
    deadline = time.monotonic() + WRITE_TURN_WAIT
    pause = 0.0002
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(descriptor)
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.001)
    info[_WRITE_TURN] = descriptor


def _reads(statement: str, context: Any) -> bool:
    """Whether a statement only reads: a SELECT, and not one that would lock its rows on
    PostgreSQL (``FOR UPDATE``, which SQLite leaves out of the SQL)."""
    if statement.lstrip()[:6].upper() != "SELECT":
        return False
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is None


def _driver(connection: sa.Connection) -> Any:
    return connection.connection.driver_connection


def begin_writing(connection: sa.Connection) -> None:
    """Make ``connection``'s SQLite transaction a writing one now, if it only read so far: end
    its snapshot, wait for the write turn and ``BEGIN IMMEDIATE``. Later statements see what
    others committed meanwhile, as each statement of PostgreSQL's READ COMMITTED does; from
    here to its end the transaction writes alone. Nothing to do on PostgreSQL, in a read
    snapshot (:func:`begin_reading`) or once writing."""
    info = connection.info
    if _UNBEGUN not in info and _READING not in info:
        return
    begun = _READING in info
    writers = info.pop(_READING if begun else _UNBEGUN)
    driver = _driver(connection)
    if begun:
        driver.execute("COMMIT")  # it only read: nothing is lost
    if writers is not None and not _BACKGROUND.get():
        _take_write_turn(info, writers)
    level = "NORMAL" if _REDONE.get() else "FULL"
    if info.get(_SYNCHRONOUS, "FULL") != level:
        driver.execute(f"PRAGMA synchronous={level}")
        info[_SYNCHRONOUS] = level
    driver.execute("BEGIN IMMEDIATE")


def _forget_transaction(info: dict[Any, Any]) -> None:
    """Forget the ended transaction's state and give its write turn back, if it had one."""
    info.pop(_UNBEGUN, None)
    info.pop(_READING, None)
    descriptor = info.pop(_WRITE_TURN, None)
    if descriptor is not None:
        os.close(descriptor)  # closing the file gives the lock back


def begin_reading(session: Session) -> None:
    """Begin ``session``'s next transaction as a read snapshot (see :data:`READ_SNAPSHOT`).

    Raises sqlalchemy.exc.InvalidRequestError if a transaction is already under way.
    """
    if session.in_transaction():
        raise sa.exc.InvalidRequestError("a read snapshot must begin a transaction")
    session.connection(execution_options={READ_SNAPSHOT: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory for ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
