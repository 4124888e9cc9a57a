"""Fuzz the API from its own OpenAPI document: schemathesis over every operation with a token
of each role, many more examples than CI, and count what it finds instead of stopping.

Runs ``tests/functional/api/test_schemathesis.py`` (the same test CI runs with fewer
examples) with ``INCIDENTS_FUZZ_EXAMPLES`` examples per operation, spread over the five roles
and the positive and negative generation modes, and prints per operation and in total:

  operations         operations fuzzed
  examples           requests sent (an operation with few inputs, e.g. ``GET /me``, runs
                     out of distinct examples sooner)
  server_errors      answers 5xx (goal 0)
  schema_violations  answers that break the documented response schema (goal 0)
  other_failures     other contract failures: a status or content type not documented,
                     invalid input accepted, valid input refused (goal 0)

    .venv/bin/python bench/fuzz.py                                  # every operation, 1,000 each
    .venv/bin/python bench/fuzz.py --operations "GET /api/v1/me,/triage" --json
    .venv/bin/python bench/fuzz.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/aix_fuzz

``--database-url`` names an existing PostgreSQL database: the test suite empties it and builds
its schema, and keeps nothing in it. With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/functional/api/test_schemathesis.py::test_the_api_keeps_its_contract"
COUNTED = ("examples", "server_errors", "schema_violations", "other_failures")


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aix-fuzz-") as folder:
        report = Path(folder) / "figures.jsonl"
        environment = {
            **os.environ,
            "INCIDENTS_FUZZ_EXAMPLES": str(args.examples),
            "INCIDENTS_FUZZ_REPORT": str(report),
            "INCIDENTS_FUZZ_OPERATIONS": args.operations,
        }
        if args.database_url:
            environment["INCIDENTS_TEST_DATABASE_URL"] = args.database_url
        started = time.monotonic()
        finished = subprocess.run(  # noqa: S603 - the project's own pytest, fixed arguments
            [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider", "-x"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        lines = report.read_text().splitlines() if report.exists() else []
        rows = [json.loads(line) for line in lines]
    if finished.returncode not in (0, 5) or not rows:
        sys.stderr.write(finished.stdout[-4000:] + finished.stderr[-4000:])
        raise SystemExit(f"the fuzz test itself failed (pytest exit {finished.returncode})")
    return summarise(rows, args.examples, seconds)


def summarise(rows: list[dict[str, Any]], asked: int, seconds: float) -> dict[str, Any]:
    by_operation: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    samples: list[str] = []
    for row in rows:
        figures = by_operation[row["operation"]]
        for name in COUNTED:
            figures[name] += row[name]
        samples.extend(f"{row['operation']} as {row['role']}: {s}" for s in row["samples"])
    totals = {name: sum(f[name] for f in by_operation.values()) for name in COUNTED}
    return {
        "operations": len(by_operation),
        "examples_asked_per_operation": asked,
        **totals,
        "seconds": round(seconds, 1),
        "seconds_per_example": round(seconds / max(totals["examples"], 1), 4),
        "by_operation": dict(sorted(by_operation.items())),
        "samples": samples[:20],
    }


def show(figures: dict[str, Any]) -> None:
    print(f"{'operation':<58} {'examples':>8} {'5xx':>5} {'schema':>6} {'other':>6}")
    for operation, row in figures["by_operation"].items():
        print(
            f"{operation:<58} {row['examples']:>8} {row['server_errors']:>5} "
            f"{row['schema_violations']:>6} {row['other_failures']:>6}"
        )
    print(
        f"\n{figures['operations']} operations, {figures['examples']:,} examples "
        f"({figures['examples_asked_per_operation']:,} asked per operation) in "
        f"{figures['seconds']} s ({figures['seconds_per_example'] * 1000:.0f} ms each): "
        f"{figures['server_errors']} 5xx, {figures['schema_violations']} schema violations, "
        f"{figures['other_failures']} other contract failures"
    )
    for sample in figures["samples"]:
        print("  " + sample)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="examples per operation")
    parser.add_argument(
        "--operations", default="", help='only "METHOD /path" containing one of these (a,b)'
    )
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--json", action="store_true", help="last line: the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args)
    show(figures)
    if args.json:
        print(json.dumps(figures))
    found = figures["server_errors"] + figures["schema_violations"] + figures["other_failures"]
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
