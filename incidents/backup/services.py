"""Backups and the move to PostgreSQL, without Flask.

* :func:`create_backup`: a consistent online copy (SQLite's backup API; ``pg_dump`` in its
  custom format on PostgreSQL) with a manifest: the schema revision, each file's SHA-256,
  and every table's row count and content digest.
* :func:`restore_backup`: checks the files against the manifest before touching anything,
  restores, then checks every table against the manifest again.
* :func:`copy_database`: every row of every table from one database into another, freshly
  migrated one (e.g. the embedded SQLite file into PostgreSQL), in one transaction, then
  compares row counts and content digests table by table.

The content digest of a table is a SHA-256 over its rows in primary-key order, each value in
a form both databases give back alike (times in UTC, JSON with sorted keys), so the same
data on SQLite and PostgreSQL has the same digest.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import incidents.models  # noqa: F401 - every table in the metadata
from incidents.db import Base, utcnow
from incidents.migrate import upgrade

MANIFEST = "manifest.json"
SQLITE_FILE = "incidents.db"
PG_FILE = "database.dump"
FORMAT = 1
#: Rows read and written at a time by :func:`copy_database`.
CHUNK = 2_000


class BackupError(RuntimeError):
    """A backup cannot be made, read or restored; the message says why."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


# --- content digests -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | float):
        return repr(float(value))
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _order(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def table_sums(connection: sa.Connection) -> dict[str, TableSum]:
    """Every table's row count and content digest."""
    sums = {}
    for table in Base.metadata.sorted_tables:
        digest, rows = hashlib.sha256(), 0
        result = connection.execution_options(yield_per=CHUNK).execute(
            sa.select(table).order_by(*_order(table))
        )
        for row in result:
            line = json.dumps([_plain(v) for v in row], sort_keys=True, default=str)
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
            rows += 1
        sums[table.name] = TableSum(rows, digest.hexdigest())
    return sums


def revision(connection: sa.Connection) -> str | None:
    """The database's schema revision (None before the first migration)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    found = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return None if found is None else str(found)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backup and restore --------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    backend: str
    revision: str | None
    created_at: str
    files: dict[str, str]
    tables: dict[str, TableSum]

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "backend": self.backend,
            "revision": self.revision,
            "created_at": self.created_at,
            "files": self.files,
            "tables": {name: [s.rows, s.sha256] for name, s in self.tables.items()},
        }
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(f"{folder / MANIFEST} has an unknown format.")
            return cls(
                backend=data["backend"],
                revision=data["revision"],
                created_at=data["created_at"],
                files=dict(data["files"]),
                tables={name: TableSum(*pair) for name, pair in data["tables"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BackupError(f"{folder} holds no readable backup manifest: {error}") from None


def _libpq(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).") from None
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()[:2000]}")


def create_backup(engine: sa.Engine, folder: Path) -> Manifest:
    """Write a consistent copy of ``engine``'s database and its manifest into ``folder``
    (created; it must not exist). Raises BackupError."""
    if folder.exists():
        raise BackupError(f"{folder} exists already; give a new folder.")
    folder.mkdir(parents=True)
    url = engine.url
    if url.get_backend_name() == "sqlite":
        target = folder / SQLITE_FILE
        database = str(url.database or "")
        source = sqlite3.connect(database, uri=database.startswith("file:"))
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
    else:
        target = folder / PG_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
    check = sa.create_engine(f"sqlite:///{target}") if target.name == SQLITE_FILE else engine
    with check.connect() as connection:
        sums, at = table_sums(connection), revision(connection)
    if check is not engine:
        check.dispose()
    manifest = Manifest(
        backend=url.get_backend_name(),
        revision=at,
        created_at=utcnow().isoformat(timespec="seconds"),
        files={target.name: _file_sha256(target)},
        tables=sums,
    )
    (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def verify_backup(folder: Path) -> Manifest:
    """The manifest of the backup in ``folder``, after checking each file's SHA-256."""
    manifest = Manifest.read(folder)
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup.")
        if _file_sha256(path) != expected:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged.")
    return manifest


def restore_backup(engine: sa.Engine, folder: Path) -> Manifest:
    """Replace ``engine``'s database with the backup in ``folder`` (same kind of database),
    then check every table against the manifest. Raises BackupError."""
    manifest = verify_backup(folder)
    backend = engine.url.get_backend_name()
    if backend != manifest.backend:
        raise BackupError(
            f"This is a {manifest.backend} backup and the database is {backend}: "
            "restore it into the same kind, then move with `flask db copy --to`."
        )
    engine.dispose()
    if backend == "sqlite":
        source = sqlite3.connect(folder / SQLITE_FILE)
        try:
            with sqlite3.connect(str(engine.url.database)) as target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq(engine.url)}",
                str(folder / PG_FILE),
            ]
        )
    with engine.connect() as connection:
        found = table_sums(connection)
    differing = sorted(name for name, s in manifest.tables.items() if found.get(name) != s)
    if differing:
        raise BackupError(f"Restored, but these tables differ from the manifest: {differing}")
    return manifest


# --- the move to another database ----------------------------------------------------------


@dataclass(frozen=True)
class CopyResult:
    tables: dict[str, TableSum]
    differing: list[str]


def copy_database(
    source: sa.Engine,
    target: sa.Engine,
    *,
    chunk: int = CHUNK,
    progress: Callable[[str, int], object] | None = None,
) -> CopyResult:
    """Copy every row of ``source`` into ``target`` (migrated to the newest revision first;
    it must hold no organisation, user or report), in one transaction, then compare the two
    table by table. Raises BackupError when the target is not empty or the revisions differ."""
    upgrade(target)
    with source.connect() as reader, target.connect() as writer:
        if revision(reader) != revision(writer):
            raise BackupError(
                f"The source is at revision {revision(reader)} and the target at "
                f"{revision(writer)}: run `flask db upgrade` on the source first."
            )
        for name in ("organizations", "users", "reports"):
            if writer.scalar(sa.select(sa.func.count()).select_from(sa.table(name))):
                raise BackupError(f"The target already holds {name}; give an empty database.")
    with source.connect() as reader, target.begin() as writer:
        _relax_foreign_keys(writer)
        for table in reversed(Base.metadata.sorted_tables):
            writer.execute(table.delete())  # rows the migrations seeded
        for table in Base.metadata.sorted_tables:
            copied = 0
            result = reader.execution_options(yield_per=chunk).execute(
                sa.select(table).order_by(*_order(table))
            )
            for rows in result.partitions():
                writer.execute(table.insert(), [dict(row._mapping) for row in rows])
                copied += len(rows)
            if progress is not None:
                progress(table.name, copied)
        _reset_sequences(writer)
    with source.connect() as reader, target.connect() as writer:
        before, after = table_sums(reader), table_sums(writer)
    return CopyResult(after, sorted(name for name in before if before[name] != after.get(name)))


def _relax_foreign_keys(connection: sa.Connection) -> None:
    # Rows of one table may refer to later rows of the same table (a merged incident).
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    else:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def _reset_sequences(connection: sa.Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, sa.Integer) or not key[0].autoincrement:
            continue
        sequence = connection.scalar(
            sa.select(sa.func.pg_get_serial_sequence(table.name, key[0].name))
        )
        if sequence:
            connection.execute(
                sa.select(
                    sa.func.setval(
                        sequence,
                        sa.select(sa.func.coalesce(sa.func.max(key[0]), 0) + 1).scalar_subquery(),
                        False,
                    )
                )
            )


def remove_backup(folder: Path) -> None:
    """Delete a backup folder (used by tests and by ``create`` after a failure)."""
    shutil.rmtree(folder, ignore_errors=True)
