"""Load test of the three audiences with Locust: headless, bounded, on 127.0.0.1 only.

Loads the demo data (organisations, users, reports, publications) into a fresh database,
makes API tokens for a demo reporter and a demo analyst, starts gunicorn with the project's
default configuration (``gunicorn.conf.py``: two sync workers unless told otherwise, and the
outbox worker beside it) and runs
``bench/load/locustfile.py``: 8 reporters filing, amending and following up, 4 analysts
reading the triage queue, incidents and candidates, 4 members of the public browsing and
downloading. Prints p50/p95/p99, the error rate and requests/s per endpoint, the total, and
how long the outbox work (placement, indexing) took to catch up once the load stopped.

    .venv/bin/python bench/load/run.py                           # SQLite, 30 s
    .venv/bin/python bench/load/run.py --seconds 60 --json
    .venv/bin/python bench/load/run.py --workers 2 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/aix_load

A PostgreSQL database named in ``--database-url`` is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from submit import (
    ROOT,
    app_settings,
    bodies,
    free_port,
    prepare_database,
    server_environment,
    stop,
    wait_until_up,
)

from incidents import create_app
from incidents.accounts import services as account_services
from incidents.outbox.services import backlog as outbox_backlog
from incidents.security.caller import Caller

REPORTER = "reporter@aurora.example"
ANALYST = "analyst@meridian.example"
TARGETS = {"POST /api/v1/reports": 150.0}
PUBLIC_TARGET_MS = 100.0


def tokens(app: Any) -> dict[str, str]:
    database = app.extensions["incidents"].database
    with app.app_context(), database.session_factory() as session:
        found = {}
        for email in (REPORTER, ANALYST):
            user = account_services.find_user(session, email)
            assert user is not None, f"the demo has no {email}"
            found[email] = account_services.create_token(
                session, Caller.command_line(), user, name="load"
            )[1]
        session.commit()
        return found


def start(database_url: str, instance: Path, workers: int) -> tuple[Any, int]:
    """gunicorn with the project's configuration (its master starts the outbox worker)."""
    port = free_port()
    environment = server_environment(database_url, instance)
    command = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    command += ["--log-level", "warning", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=environment), port  # noqa: S603


def catch_up(app: Any, seconds: float = 300.0) -> tuple[int, float]:
    """The outbox entries waiting when the load stopped, and the seconds the site's own
    outbox work took to do them (placement, indexing, mail: the lag behind the filing)."""
    database = app.extensions["incidents"].database
    started = time.perf_counter()
    first = None
    while True:
        with database.session_factory() as session:
            waiting = sum(each.waiting for each in outbox_backlog(session))
        first = waiting if first is None else first
        if not waiting or time.perf_counter() - started > seconds:
            return first, time.perf_counter() - started
        time.sleep(0.2)


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            count = int(row["Request Count"])
            rows.append(
                {
                    "endpoint": row["Name"],
                    "requests": count,
                    "errors": int(row["Failure Count"]),
                    "error_rate": round(int(row["Failure Count"]) / count, 4) if count else 0.0,
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "per_second": round(float(row["Requests/s"] or 0), 1),
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="run time")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: default)")
    parser.add_argument("--reporters", type=int, default=8)
    parser.add_argument("--analysts", type=int, default=4)
    parser.add_argument("--public", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aix-load-"))
    instance = workdir / "instance"
    database_url = prepare_database(args.database_url, workdir)
    app = create_app(app_settings(database_url, instance))
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    secrets = tokens(app)
    payloads = bodies(300, 7)
    for body in payloads:
        body["distribution"] = {"tlp": "amber", "recipients": []}
    (workdir / "bodies.json").write_text(json.dumps(payloads))
    app.extensions["incidents"].database.engine.dispose()
    process, port = start(database_url, instance, args.workers)
    users = args.reporters + args.analysts + args.public
    try:
        wait_until_up(process, port, secrets[REPORTER])
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_BODIES": str(workdir / "bodies.json"),
                "LOAD_REPORTER_TOKEN": secrets[REPORTER],
                "LOAD_ANALYST_TOKEN": secrets[ANALYST],
                "LOAD_MAX_REQUESTS": str(args.max_requests),
                "LOAD_REPORTERS": str(args.reporters),
                "LOAD_ANALYSTS": str(args.analysts),
                "LOAD_PUBLIC": str(args.public),
            },
            check=False,
            capture_output=True,
        )
        elapsed = time.perf_counter() - started
        waiting, caught_up = catch_up(app)
    finally:
        stop(process)
    rows = read_stats(workdir / "load")
    shutil.rmtree(workdir, ignore_errors=True)
    backend = "postgresql" if args.database_url else "sqlite"
    print(
        f"load on {backend}, gunicorn {args.workers or 'default'} worker(s), "
        f"{args.reporters} reporters, "
        f"{args.analysts} analysts, {args.public} public, {elapsed:.0f} s"
    )
    print(f"{'endpoint':<42} {'reqs':>6} {'err%':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>7}")
    for row in rows:
        print(
            f"{row['endpoint']:<42} {row['requests']:>6} {row['error_rate'] * 100:>6.2f} "
            f"{row['p50_ms']:>6.0f} {row['p95_ms']:>6.0f} {row['p99_ms']:>6.0f} "
            f"{row['per_second']:>7.1f}"
        )
    print(f"outbox: {waiting} entries waiting when the load stopped, done {caught_up:.1f} s later")
    if args.json:
        print(
            json.dumps(
                {
                    "database": backend,
                    "workers": args.workers,
                    "endpoints": rows,
                    "outbox_waiting": waiting,
                    "outbox_caught_up_s": round(caught_up, 1),
                }
            )
        )
    return 0 if all(row["errors"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
