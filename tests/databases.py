"""Databases beside the test database, dropped again when the test is done."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from incidents.db import is_sqlite


def _execute(url: sa.URL, statement: str) -> None:
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        admin.dispose()


@contextmanager
def sibling_database(database_url: str, tmp: Path, name: str) -> Iterator[str]:
    """Yield the URL of an empty database named after the test database and ``name``: a
    SQLite file under ``tmp``, or a PostgreSQL database created now and dropped afterwards."""
    if is_sqlite(database_url):
        yield f"sqlite:///{tmp / name}.db"
        return
    url = sa.make_url(database_url)
    sibling = url.set(database=f"{url.database}_{name}")
    _execute(url, f'DROP DATABASE IF EXISTS "{sibling.database}" WITH (FORCE)')
    _execute(url, f'CREATE DATABASE "{sibling.database}"')
    try:
        yield sibling.render_as_string(hide_password=False)
    finally:
        _execute(url, f'DROP DATABASE IF EXISTS "{sibling.database}" WITH (FORCE)')
