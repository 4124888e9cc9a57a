"""Alembic environment: runs against a given connection (tests, start-up) or the app's engine."""

from __future__ import annotations

from alembic import context

import incidents.models
from incidents.db import is_sqlite
from incidents.migrate import check_foreign_keys, sqlite_foreign_keys

target_metadata = incidents.models.Base.metadata


def _connection_from_app():  # type: ignore[no-untyped-def]
    from flask import current_app

    return current_app.extensions["incidents"].database.engine.connect()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    owned = connection is None
    if owned:
        connection = _connection_from_app()
        sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite(connection.engine.url),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            check_foreign_keys(connection)
        if owned:
            connection.commit()
    finally:
        if owned:
            sqlite_foreign_keys(connection, on=True)
            connection.close()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")
run_migrations_online()
