"""Backup, restore and the move to PostgreSQL at scale: timings and digest checks.

Seeds N submitted reports (default 10,000) into a fresh SQLite file, then times
``backup create``, ``backup restore`` and ``db copy --to`` PostgreSQL (and a pg_dump backup
and restore there), checking after each step that every table's row count and content
digest are unchanged.

    .venv/bin/python bench/backup.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/aix_backup
    .venv/bin/python bench/backup.py --n 1000 --database-url … --json

The PostgreSQL database named in ``--database-url`` is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from submit import app_settings, create_reporter, prepare_database, seed

from incidents import create_app
from incidents.backup.services import copy_database, create_backup, restore_backup, table_sums
from incidents.db import create_engine


def sums(engine: Any) -> dict[str, Any]:
    with engine.connect() as connection:
        return table_sums(connection)


def timed(figures: dict[str, Any], name: str, work: Any) -> Any:
    started = time.perf_counter()
    result = work()
    figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--database-url", required=True, help="PostgreSQL target (recreated)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aix-backup-"))
    app = create_app(app_settings(prepare_database(None, workdir), workdir / "instance"))
    engine = app.extensions["incidents"].database.engine
    seed(app, create_reporter(app), args.n)
    original = sums(engine)
    figures: dict[str, Any] = {"reports": original["reports"].rows}
    figures["rows"] = sum(s.rows for s in original.values())
    timed(figures, "sqlite_backup", lambda: create_backup(engine, workdir / "b1"))
    figures["sqlite_backup_mb"] = round((workdir / "b1" / "incidents.db").stat().st_size / 1e6, 1)
    timed(figures, "sqlite_restore", lambda: restore_backup(engine, workdir / "b1"))
    figures["sqlite_round_trip_equal"] = sums(engine) == original
    target = create_engine(prepare_database(args.database_url, workdir))
    result = timed(figures, "copy_to_postgresql", lambda: copy_database(engine, target))
    figures["copy_differing_tables"] = result.differing
    timed(figures, "pg_backup", lambda: create_backup(target, workdir / "b2"))
    timed(figures, "pg_restore", lambda: restore_backup(target, workdir / "b2"))
    figures["pg_round_trip_equal"] = sums(target) == original
    target.dispose()
    engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    for name, value in figures.items():
        print(f"  {name:<26} {value}")
    if args.json:
        print(json.dumps(figures))
    ok = figures["sqlite_round_trip_equal"] and figures["pg_round_trip_equal"]
    return 0 if ok and not result.differing else 1


if __name__ == "__main__":
    sys.exit(main())
