"""``flask search rebuild | verify | worker``, and the crash between commit and indexing."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.reports.services import withdraw
from incidents.search import Document
from incidents.searching.engines import engines_of
from incidents.security.caller import Caller
from tests.functional.search.conftest import World
from tests.registry_data import CHATBOT, SEPSIS_DEVELOPER, SEPSIS_FAMILY
from tests.registry_helpers import file_as, place


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["search", *args])


def test_verify_is_clean_after_the_test_data_is_indexed(app: Flask, world: World) -> None:
    result = run(app, "verify")
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.stdout


def test_a_crash_between_commit_and_indexing_is_named_and_repaired(
    app: Flask, db: Session, world: World
) -> None:
    # The process "dies" after the commit: nothing drains the search consumer's entries.
    report = file_as(db, world.other_company, SEPSIS_DEVELOPER)
    place(db)
    withdraw(db, Caller(world.reporter, "web"), world.amber, reason="Filed twice.")
    db.commit()
    drift = run(app, "verify")
    assert drift.exit_code == 1
    assert f"report:{report.id}" in drift.stderr
    assert f"report:{world.amber.id}" in drift.stderr
    worker = run(app, "worker", "--once")
    assert worker.exit_code == 0, worker.output
    assert "failed" in worker.stdout
    assert ", 0 failed" in worker.stdout
    assert run(app, "verify").exit_code == 0


def test_rebuild_refills_the_index(app: Flask, db: Session, world: World) -> None:
    file_as(db, world.other_company, SEPSIS_DEVELOPER)
    place(db)
    assert run(app, "verify").exit_code == 1
    rebuilt = run(app, "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Indexed" in rebuilt.stdout
    assert run(app, "verify").exit_code == 0


def test_a_bulk_import_is_indexed_in_one_index_commit(
    app: Flask, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several waiting reports are indexed by one write to the index, and acknowledged."""
    filed = [file_as(db, world.other_company, content) for content in (SEPSIS_DEVELOPER, CHATBOT)]
    filed.append(file_as(db, world.company, SEPSIS_FAMILY))
    place(db)
    backend = engines_of(app).analyst
    writes: list[list[str]] = []
    add = backend.add

    def counted(
        docs: Sequence[Document], *, remove: Sequence[str] = (), clear_incidents: Sequence[str] = ()
    ) -> None:
        writes.append([doc.id for doc in docs])
        add(docs, remove=remove, clear_incidents=clear_incidents)

    monkeypatch.setattr(backend, "add", counted)
    worker = run(app, "worker", "--once")
    assert worker.exit_code == 0, worker.output
    assert len(writes) == 1
    assert {f"report:{report.id}" for report in filed} <= set(writes[0])
    assert run(app, "verify").exit_code == 0
