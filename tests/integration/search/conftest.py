"""Both engines, for the contract suite: Whoosh always, PostgreSQL when the tests run on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from incidents.search.backend import Backend
from incidents.search.postgres_engine import PostgresBackend
from incidents.search.whoosh_engine import WhooshBackend


def _engine(app: Flask) -> sa.Engine:
    engine: sa.Engine = app.extensions["incidents"].database.engine
    return engine


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    """An empty analyst-tier engine of each kind (PostgreSQL only when the suite runs on it)."""
    if request.param == "whoosh":
        yield WhooshBackend(tmp_path / "search")
        return
    engine = _engine(app)
    if engine.dialect.name != "postgresql":
        pytest.skip(
            "the PostgreSQL engine runs in the PostgreSQL pass (INCIDENTS_TEST_DATABASE_URL)"
        )
    found = PostgresBackend(engine, public=False)
    found.rebuild([])
    yield found
    found.rebuild([])


@pytest.fixture(params=["whoosh", "postgres"])
def public_backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "whoosh":
        yield WhooshBackend(tmp_path / "search-public")
        return
    engine = _engine(app)
    if engine.dialect.name != "postgresql":
        pytest.skip(
            "the PostgreSQL engine runs in the PostgreSQL pass (INCIDENTS_TEST_DATABASE_URL)"
        )
    found = PostgresBackend(engine, public=True)
    found.rebuild([])
    yield found
    found.rebuild([])
