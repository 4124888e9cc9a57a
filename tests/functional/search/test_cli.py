"""``flask search rebuild | verify | worker``, and the crash between commit and indexing."""

from __future__ import annotations

from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.reports.services import withdraw
from incidents.security.caller import Caller
from tests.functional.search.conftest import World
from tests.registry_data import SEPSIS_DEVELOPER
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
