"""``flask backup create|restore`` and ``flask db copy --to``: the demo data round-trips
with identical row counts and content digests (SQLite, and PostgreSQL when the suite runs
there)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask

from incidents import create_app
from incidents.audit.services import verify
from incidents.backup.services import table_sums
from incidents.db import is_sqlite
from incidents.migrate import upgrade
from incidents.reports.models import Report
from tests.conftest import test_settings as settings_for
from tests.databases import sibling_database


def _run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=list(args))


def _sums(app: Flask) -> dict[str, object]:
    with app.extensions["incidents"].database.engine.connect() as connection:
        return dict(table_sums(connection))


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A site on its own SQLite file with the demo data (the embedded default)."""
    tmp = tmp_path_factory.mktemp("site")
    app = create_app(settings_for(tmp, f"sqlite:///{tmp / 'incidents.db'}"))
    upgrade(app.extensions["incidents"].database.engine)
    result = _run(app, "demo")
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["incidents"].database.engine.dispose()


def test_backup_and_restore_round_trip(demo_site: Flask, tmp_path: Path) -> None:
    before = _sums(demo_site)
    result = _run(demo_site, "backup", "create", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["reports"][0] == before["reports"].rows  # type: ignore[attr-defined]
    assert (
        _run(demo_site, "org", "create", "Made After The Backup", "--kind", "company").exit_code
        == 0
    )
    assert _sums(demo_site) != before
    result = _run(demo_site, "backup", "restore", str(tmp_path / "backup"), "--yes")
    assert result.exit_code == 0, result.output
    assert "every table matches the manifest" in result.output
    assert _sums(demo_site) == before


def test_a_damaged_backup_is_refused_before_anything_changes(
    demo_site: Flask, tmp_path: Path
) -> None:
    assert _run(demo_site, "backup", "create", str(tmp_path / "backup")).exit_code == 0
    with (tmp_path / "backup" / "incidents.db").open("ab") as handle:
        handle.write(b"\0")
    before = _sums(demo_site)
    result = _run(demo_site, "backup", "restore", str(tmp_path / "backup"), "--yes")
    assert result.exit_code == 1
    assert "does not match its checksum" in result.output
    assert _sums(demo_site) == before
    again = _run(demo_site, "backup", "create", str(tmp_path / "backup"))
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_db_copy_moves_every_row_and_the_chain(
    demo_site: Flask, database_url: str, tmp_path: Path
) -> None:
    with sibling_database(database_url, tmp_path, "copy") as target_url:
        _copy_and_check(demo_site, database_url, target_url, tmp_path)


def _copy_and_check(demo_site: Flask, database_url: str, target_url: str, tmp_path: Path) -> None:
    result = _run(demo_site, "db", "copy", "--to", target_url)
    assert result.exit_code == 0, result.output
    assert "counts and content digests match" in result.output
    moved = create_app(settings_for(tmp_path, target_url))
    try:
        assert _sums(moved) == _sums(demo_site)
        engine = moved.extensions["incidents"].database.engine
        with sa.orm.Session(engine) as session:
            chain = verify(session)
            assert chain.broken is None
            assert chain.checked > 0
            assert (session.scalar(sa.select(sa.func.count()).select_from(Report)) or 0) > 0
        assert _run(moved, "dedup", "verify").exit_code == 0
        # A second copy into a database that holds data is refused.
        refused = _run(demo_site, "db", "copy", "--to", target_url)
        assert refused.exit_code == 1
        assert "already holds" in refused.output
        # The moved site backs up and restores on its own kind of database (pg_dump there).
        assert _run(moved, "backup", "create", str(tmp_path / "moved")).exit_code == 0
        restored = _run(moved, "backup", "restore", str(tmp_path / "moved"), "--yes")
        assert restored.exit_code == 0, restored.output
        wrong_kind = _run(demo_site, "backup", "restore", str(tmp_path / "moved"), "--yes")
        expected = 0 if is_sqlite(database_url) else 1
        assert wrong_kind.exit_code == expected, wrong_kind.output
    finally:
        moved.extensions["incidents"].database.engine.dispose()
