"""The schema the migrations build is exactly what the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

import incidents.models
from incidents.db import is_sqlite


def test_migrations_match_models(app: Flask) -> None:
    engine: sa.Engine = app.extensions["incidents"].database.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": is_sqlite(engine.url)},
        )
        diff = compare_metadata(context, _expected_metadata(engine))
    assert diff == []


def _expected_metadata(engine: sa.Engine) -> sa.MetaData:
    """The models' tables, and on PostgreSQL the search engine's own tables."""
    if is_sqlite(engine.url):
        return incidents.models.Base.metadata
    from incidents.search.tables import metadata as search_metadata

    combined = sa.MetaData()
    for source in (incidents.models.Base.metadata, search_metadata):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def test_database_is_at_the_newest_migration(app: Flask) -> None:
    from alembic.script import ScriptDirectory

    from incidents.migrate import alembic_config

    engine: sa.Engine = app.extensions["incidents"].database.engine
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        assert set(MigrationContext.configure(connection).get_current_heads()) == heads
