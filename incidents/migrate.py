"""Bringing a database to the newest migration, from start-up, the CLI or the tests."""

from __future__ import annotations

import fcntl
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config for our ``migrations/`` folder, optionally bound to ``connection``."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, lock_path: Path | None = None) -> None:
    """Apply every pending migration to ``engine``'s database.

    With ``lock_path``, several workers starting at once take turns instead of racing.
    """
    if lock_path is None:
        _upgrade(engine)
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _upgrade(engine)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _upgrade(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
                check_foreign_keys(connection)
        finally:
            sqlite_foreign_keys(connection, on=True)


def sqlite_foreign_keys(connection: sa.Connection, *, on: bool) -> None:
    """Turn SQLite's foreign key checks on or off for ``connection`` (outside a transaction,
    where SQLite reads the pragma): a migration that rebuilds a table others refer to must
    drop and recreate it. Nothing on other databases."""
    if connection.dialect.name == "sqlite" and not connection.in_transaction():
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def check_foreign_keys(connection: sa.Connection) -> None:
    """Raise if a migration left a row pointing at nothing (SQLite, checked by hand while
    the pragma was off)."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
