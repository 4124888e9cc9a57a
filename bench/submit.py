"""Report submission benchmark: API filing end to end over N stored reports.

Seeds N submitted reports with bulk SQL, then measures ``POST /api/v1/reports`` (schema and
taxonomy validation, storage, revision, deadlines, audit, commit) through the WSGI app:

  (a) one client in-process (``app.test_client()``): p50/p95 latency and submissions/s;
  (b) 8 concurrent clients against gunicorn on 127.0.0.1: p50/p95 and throughput;
  (c) ``POST /api/v1/reports/batch`` with 500 reports a request: reports/s.

Targets: p95 under 50 ms per submission at 100,000 stored reports; batch >= 1,000 reports/s.

    .venv/bin/python bench/submit.py                       # 10,000 reports, SQLite in a temp dir
    .venv/bin/python bench/submit.py --n 100000 --json
    .venv/bin/python bench/submit.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/aix_bench
    .venv/bin/python bench/submit.py --n 1000 --profile    # where (a)'s and (c)'s time goes

A PostgreSQL database named in ``--database-url`` is dropped and created afresh.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_data

from incidents import create_app
from incidents.accounts import services as account_services
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - throwaway
INSTITUTES = ("Bench Institute North (bench)", "Bench Institute South (bench)")
#: One token sends everything in these benchmarks: they measure capacity, not the per-token
#: API limits.
UNLIMITED = "1000000 per minute"
BATCH_LIMIT = 500
P95_TARGET_MS = 50.0
BATCH_TARGET = 1_000.0


@dataclass
class Figures:
    """One measured scenario."""

    scenario: str
    requests: int = 0
    reports: int = 0
    errors: int = 0
    seconds: float = 0.0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    per_second: float | None = None
    note: str = ""
    first_error: str = ""
    latencies: list[float] = field(default_factory=list, repr=False)

    def finish(self) -> Figures:
        if self.latencies:
            ordered = sorted(self.latencies)
            self.p50_ms = round(statistics.median(ordered) * 1000, 1)
            self.p95_ms = round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1)
            self.max_ms = round(ordered[-1] * 1000, 1)
        if self.seconds:
            self.per_second = round(self.reports / self.seconds, 1)
        return self


# --- set-up --------------------------------------------------------------------------------


def prepare_database(url: str | None, workdir: Path) -> str:
    """The database URL to use: a fresh SQLite file, or the PostgreSQL database recreated."""
    if not url:
        return f"sqlite:///{workdir / 'bench.db'}"
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        name = parsed.database
        if not name or not name.replace("_", "").isalnum():
            raise SystemExit(f"refusing to recreate database {name!r}")
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    elif parsed.get_backend_name() == "sqlite" and parsed.database:
        Path(parsed.database).unlink(missing_ok=True)
    return url


def app_settings(database_url: str, instance: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET_KEY,
        "AUTO_MIGRATE": "true",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "64",
        "API_WRITE_LIMIT": UNLIMITED,
    }


def server_environment(database_url: str, instance: Path) -> dict[str, str]:
    """The environment of a benchmark's gunicorn: this database and instance, and no
    per-token API limits (the counts stay in the instance folder's file the workers share)."""
    return {
        **os.environ,
        "INCIDENTS_DATABASE_URL": database_url,
        "INCIDENTS_INSTANCE_PATH": str(instance),
        "INCIDENTS_SECRET_KEY": SECRET_KEY,
        "INCIDENTS_AUTO_MIGRATE": "false",
        "INCIDENTS_API_READ_LIMIT": UNLIMITED,
        "INCIDENTS_API_WRITE_LIMIT": UNLIMITED,
    }


@dataclass(frozen=True)
class Reporter:
    organization_id: int
    user_id: int
    token: str
    institutes: dict[str, int]


def create_reporter(app: Any) -> Reporter:
    """An institute pair, a company, its reporter and an API token, through the services."""
    database = app.extensions["incidents"].database
    hasher = app.extensions["incidents"].hasher
    caller = Caller.command_line()
    with app.app_context(), database.session_factory() as session:
        institutes = {
            name: account_services.create_organization(
                session, caller, name=name, kind=OrganizationKind.INSTITUTE, is_network_member=True
            ).id
            for name in INSTITUTES
        }
        company = account_services.create_organization(
            session, caller, name="Bench Robotics (bench)", kind=OrganizationKind.COMPANY
        )
        user = account_services.create_user(
            session,
            caller,
            hasher,
            email="bench-reporter@bench.example",
            organization=company,
            role=Role.REPORTER,
            password="bench password long enough",  # noqa: S106 - a throwaway database
            seed=True,
        )
        _token, secret = account_services.create_token(session, caller, user, name="bench")
        session.commit()
        return Reporter(company.id, user.id, secret, institutes)


def seed(app: Any, reporter: Reporter, n: int) -> float:
    engine = app.extensions["incidents"].database.engine
    started = time.perf_counter()

    def progress(done: int) -> None:
        rate = done / (time.perf_counter() - started)
        print(f"\r  seeded {done:,}/{n:,} reports ({rate:,.0f}/s)", end="", file=sys.stderr)

    report_data.seed_reports(
        engine,
        n=n,
        organization_id=reporter.organization_id,
        author_id=reporter.user_id,
        institutes=reporter.institutes,
        progress=progress,
    )
    print(file=sys.stderr)
    return time.perf_counter() - started


def bodies(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    contents = [
        report_data.content(rng, source, now, list(INSTITUTES))
        for source in report_data.sources(count, seed)
    ]
    while len(contents) < count:
        contents.extend(contents[: count - len(contents)])
    report_data.check(contents[:200])
    return [report_data.api_body(each) for each in contents[:count]]


def stored_reports(app: Any) -> int:
    with app.extensions["incidents"].database.engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(Report)) or 0)


# --- (a) one client in-process -------------------------------------------------------------


def single_client(app: Any, token: str, payloads: Sequence[dict[str, Any]], warmup: int) -> Figures:
    figures = Figures("(a) single client, in-process")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    probe = client.post("/api/v1/reports", json=payloads[0], headers=headers)
    if probe.status_code in (404, 405):
        figures.note = "reports endpoint not available"
        return figures
    for payload in payloads[1 : warmup + 1]:
        client.post("/api/v1/reports", json=payload, headers=headers)
    started = time.perf_counter()
    for payload in payloads[warmup + 1 :]:
        begin = time.perf_counter()
        response = client.post("/api/v1/reports", json=payload, headers=headers)
        figures.latencies.append(time.perf_counter() - begin)
        _count(figures, response.status_code, response.get_data(as_text=True), 201, 1)
    figures.seconds = time.perf_counter() - started
    return figures.finish()


def _count(figures: Figures, status: int, text: str, expected: int, reports: int) -> None:
    figures.requests += 1
    if status == expected:
        figures.reports += reports
    else:
        figures.errors += 1
        figures.first_error = figures.first_error or f"{status}: {text[:300].strip()}"


# --- (b) concurrent clients against gunicorn -----------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_gunicorn(
    database_url: str, instance: Path, workers: int, threads: int
) -> tuple[subprocess.Popen[bytes], int]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    port = free_port()
    environment = server_environment(database_url, instance)
    command = [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if threads > 1:
        command += ["--threads", str(threads)]
    command += ["--log-level", "warning", "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603 - our own venv
    return process, port


def wait_until_up(process: subprocess.Popen[bytes], port: int, token: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            status, _ = request(port, "GET", "/api/v1/me", token)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def request(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def concurrent_clients(
    port: int, token: str, payloads: Sequence[dict[str, Any]], clients: int
) -> Figures:
    figures = Figures(f"(b) {clients} clients, gunicorn")
    lock = threading.Lock()
    shares = [payloads[i::clients] for i in range(clients)]

    def client(share: Sequence[dict[str, Any]]) -> None:
        for payload in share:
            begin = time.perf_counter()
            status, text = request(port, "POST", "/api/v1/reports", token, payload)
            elapsed = time.perf_counter() - begin
            with lock:
                figures.latencies.append(elapsed)
                _count(figures, status, text, 201, 1)

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - started
    return figures.finish()


# --- (c) the batch endpoint ----------------------------------------------------------------


def batches(app: Any, token: str, payloads: Sequence[dict[str, Any]], size: int) -> Figures:
    figures = Figures(f"(c) batch endpoint, {size} a request")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    chunks = [payloads[i : i + size] for i in range(0, len(payloads), size)]
    probe = client.post("/api/v1/reports/batch", json={"reports": chunks[0][:1]}, headers=headers)
    if probe.status_code in (404, 405):
        figures.note = "batch endpoint not available"
        return figures
    started = time.perf_counter()
    for chunk in chunks:
        begin = time.perf_counter()
        response = client.post("/api/v1/reports/batch", json={"reports": chunk}, headers=headers)
        figures.latencies.append(time.perf_counter() - begin)
        filed = 0
        if response.status_code == 200 and response.json is not None:
            results = response.json.get("results", [])
            filed = sum(1 for result in results if result.get("status") == 201)
            if filed != len(chunk):
                failed = next(r for r in results if r.get("status") != 201)
                figures.first_error = figures.first_error or json.dumps(failed)[:300]
        _count(figures, response.status_code, response.get_data(as_text=True), 200, filed)
        figures.errors += len(chunk) - filed if response.status_code == 200 else 0
    figures.seconds = time.perf_counter() - started
    return figures.finish()


# --- reporting -----------------------------------------------------------------------------


def table(rows: list[Figures]) -> str:
    heading = (
        f"{'scenario':<34} {'reqs':>6} {'reports':>8} {'errors':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'reports/s':>10}"
    )
    lines = [heading, "-" * len(heading)]
    for row in rows:
        if row.note:
            lines.append(f"{row.scenario:<34} {row.note}")
            continue
        lines.append(
            f"{row.scenario:<34} {row.requests:>6} {row.reports:>8} {row.errors:>6} "
            f"{_ms(row.p50_ms):>8} {_ms(row.p95_ms):>8} {_ms(row.max_ms):>8} "
            f"{row.per_second or 0:>10,.1f}"
        )
        if row.first_error:
            lines.append(f"{'':<34} first error: {row.first_error}")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def verdicts(rows: list[Figures], n: int) -> list[str]:
    found = []
    for row in rows:
        if row.p95_ms is not None and row.scenario.startswith(("(a)", "(b)")):
            ok = "meets" if row.p95_ms < P95_TARGET_MS else "MISSES"
            found.append(
                f"{row.scenario}: p95 {row.p95_ms:.1f} ms {ok} the {P95_TARGET_MS:.0f} ms target"
                f" (at {n:,} stored; the target is stated at 100,000)"
            )
        if row.scenario.startswith("(c)") and row.per_second is not None:
            ok = "meets" if row.per_second >= BATCH_TARGET else "MISSES"
            found.append(
                f"{row.scenario}: {row.per_second:,.0f} reports/s {ok} the "
                f"{BATCH_TARGET:,.0f}/s target"
            )
    return found


def profile(run: Callable[[], Figures]) -> Figures:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        figures = profiler.runcall(run)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        return figures
    pyinstrument = Profiler(interval=0.0005)
    pyinstrument.start()
    figures = run()
    pyinstrument.stop()
    print(pyinstrument.output_text(unicode=False, color=False, show_all=False), file=sys.stderr)
    return figures


# --- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="aix-bench-"))
    instance = workdir / "instance"
    try:
        return run(args, workdir, instance)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path, instance: Path) -> int:
    database_url = prepare_database(args.database_url, workdir)
    backend = sa.make_url(database_url).get_backend_name()
    app = create_app(app_settings(database_url, instance))
    reporter = create_reporter(app)
    print(f"Seeding {args.n:,} reports into {backend} …", file=sys.stderr)
    seed_seconds = seed(app, reporter, args.n)
    payloads = bodies(args.requests + args.warmup + 1 + args.concurrent + args.batch, seed=7)
    single_payloads = payloads[: args.requests + args.warmup + 1]
    concurrent_payloads = payloads[len(single_payloads) : len(single_payloads) + args.concurrent]
    batch_payloads = payloads[len(single_payloads) + args.concurrent :]

    rows: list[Figures] = []
    print("(a) single client …", file=sys.stderr)
    run_single = lambda: single_client(app, reporter.token, single_payloads, args.warmup)  # noqa: E731
    rows.append(profile(run_single) if args.profile else run_single())
    if args.concurrent:
        print(f"(b) {args.clients} clients against gunicorn …", file=sys.stderr)
        app.extensions["incidents"].database.engine.dispose()
        process, port = start_gunicorn(database_url, instance, args.workers, args.threads)
        try:
            wait_until_up(process, port, reporter.token)
            rows.append(concurrent_clients(port, reporter.token, concurrent_payloads, args.clients))
        finally:
            stop(process)
        rows[-1].scenario += f" -w {args.workers}" + (
            f" --threads {args.threads}" if args.threads > 1 else ""
        )
    if args.batch:
        print("(c) batch endpoint …", file=sys.stderr)
        run_batch = lambda: batches(app, reporter.token, batch_payloads, args.batch_size)  # noqa: E731
        rows.append(profile(run_batch) if args.profile else run_batch())
    stored = stored_reports(app)
    app.extensions["incidents"].database.engine.dispose()

    summary = {
        "database": backend,
        "seeded": args.n,
        "seed_seconds": round(seed_seconds, 1),
        "stored_after": stored,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "results": [{k: v for k, v in asdict(row).items() if k != "latencies"} for row in rows],
        "targets": verdicts(rows, args.n),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"Submission benchmark: {backend}, {args.n:,} reports seeded in {seed_seconds:.1f} s, "
            f"{stored:,} stored at the end; {os.cpu_count()} CPUs, Python {summary['python']}"
        )
        print(table(rows))
        for verdict in summary["targets"]:
            print(verdict)
    return 1 if any(row.errors for row in rows) else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="reports stored before measuring")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--requests", type=int, default=300, help="(a) measured submissions")
    parser.add_argument("--warmup", type=int, default=20, help="(a) unmeasured submissions")
    parser.add_argument("--concurrent", type=int, default=800, help="(b) submissions in all")
    parser.add_argument("--clients", type=int, default=8, help="(b) concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="(b) gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="(b) threads per worker")
    parser.add_argument("--batch", type=int, default=2_000, help="(c) reports in all")
    parser.add_argument("--batch-size", type=int, default=BATCH_LIMIT, help="(c) per request")
    parser.add_argument("--profile", action="store_true", help="profile (a) and (c) to stderr")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (SQLite file)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
