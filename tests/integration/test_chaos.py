"""bench/chaos.py, small: submissions under kill -9 of gunicorn's master and workers lose
nothing, duplicate nothing, and leave no outbox work or store drift behind (on the test's
database engine: SQLite, or a sibling PostgreSQL database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from incidents.db import is_sqlite
from tests.databases import sibling_database

ROOT = Path(__file__).resolve().parent.parent.parent


def test_filing_survives_kill_9(database_url: str, tmp_path: Path) -> None:
    with sibling_database(database_url, tmp_path, "chaos") as chaos_url:
        _run_and_check(chaos_url if not is_sqlite(database_url) else None)


def _run_and_check(database_url: str | None) -> None:
    command = [sys.executable, "bench/chaos.py", "--n", "40", "--clients", "4"]
    command += ["--workers", "2", "--kills", "3", "--json"]
    if database_url is not None:
        command += ["--database-url", database_url]
    finished = subprocess.run(  # noqa: S603 - our own bench script
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    lines = finished.stdout.strip().splitlines()
    assert lines, finished.stderr[-2000:]
    figures = json.loads(lines[-1])
    assert figures["kills"] >= 3
    assert figures["acknowledged"] == 40, finished.stdout
    assert (figures["lost"], figures["duplicated"]) == (0, 0), finished.stdout
    assert (figures["unprocessed"], figures["drift"]) == (0, 0), finished.stdout
    assert figures["audit_chain"].startswith("intact"), finished.stdout
    assert figures["rejected"] == 0, finished.stdout
    assert finished.returncode == 0
