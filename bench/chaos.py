"""Crash-proof filing, proven: submissions under ``kill -9``, then count what was lost.

gunicorn with several workers; N submissions (default 1,000) from C concurrent clients
(default 16), each with its own ``Idempotency-Key`` and retried with the same key on a
connection error or a 5xx answer. Meanwhile, at random moments, ``kill -9`` of the master
(the whole service: master and workers, as a machine crash would) or of one worker (the
master starts another), at least 3 times; after a master kill the service is started again.
Once every client is done: gunicorn is stopped, the outbox is drained for every consumer the
app has, and the figures are counted:

  acknowledged  submissions answered 201
  lost          acknowledged reports not in the database (goal 0)
  duplicated    keys that produced more than one report (goal 0)
  unprocessed   outbox entries of any consumer not done after the drain (goal 0)
  drift         what each consumer's ``flask <consumer> verify`` finds (goal 0)
  kills         kill -9 sent

    .venv/bin/python bench/chaos.py                                  # SQLite in a temp dir
    .venv/bin/python bench/chaos.py --n 200 --clients 4 --json
    .venv/bin/python bench/chaos.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/aix_chaos

A PostgreSQL database named in ``--database-url`` is dropped and created afresh. With
``--json`` the last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from submit import (
    ROOT,
    app_settings,
    bodies,
    create_reporter,
    free_port,
    prepare_database,
    server_environment,
)

from incidents import create_app
from incidents.audit.services import verify as verify_audit_chain
from incidents.outbox.hooks import drain_all, handlers_of
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import SUBSCRIPTIONS
from incidents.reports.models import Report

MARKER = re.compile(r"\[(chaos-\d+-\d+)\]$")
#: How long one submission is retried before the client gives up on it.
GIVE_UP_SECONDS = 180.0


@dataclass
class Figures:
    """What one chaos run found."""

    database: str
    submissions: int
    clients: int
    workers: int
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    unprocessed: int = 0
    drift: int = 0
    kills: int = 0
    master_kills: int = 0
    worker_kills: int = 0
    abandoned: int = 0  # submissions a client gave up on (never answered)
    rejected: int = 0  # answered 4xx (a bug in the bench or the app)
    retries_connection: int = 0
    retries_5xx: int = 0
    stored_unacknowledged: int = 0  # stored, but the client never saw the 201 (not an error)
    unprocessed_by_consumer: dict[str, int] = field(default_factory=dict)
    drift_by_check: dict[str, int] = field(default_factory=dict)
    audit_chain: str = ""
    seconds: float = 0.0
    first_rejection: str = ""


# --- the service ---------------------------------------------------------------------------


class Service:
    """gunicorn on one port, started again after a crash (``--reuse-port``)."""

    def __init__(self, database_url: str, instance: Path, workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.environment = server_environment(database_url, instance)
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        command = [
            gunicorn,
            "--config",
            "gunicorn.conf.py",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--reuse-port",
            "--graceful-timeout",
            "10",
            "--log-level",
            "error",
            "wsgi:app",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            command, cwd=ROOT, env=self.environment, start_new_session=True
        )

    def workers_now(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def kill_master(self) -> None:
        """kill -9 of the master and its workers (a crash of the service), then start again."""
        with self.lock:
            assert self.process is not None
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.start()

    def kill_worker(self) -> bool:
        """kill -9 of one worker (waiting for one to exist, e.g. just after a restart)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.lock:
                workers = self.workers_now()
                if workers:
                    try:
                        os.kill(random.choice(workers), signal.SIGKILL)
                    except ProcessLookupError:
                        continue
                    return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- the clients ---------------------------------------------------------------------------


@dataclass
class Outcome:
    key: str
    status: int | None = None  # the final answer (None: given up)
    reference: str | None = None
    text: str = ""
    connection_retries: int = 0
    server_retries: int = 0


def submit(port: int, token: str, key: str, body: dict[str, Any]) -> Outcome:
    """POST one report, retried with the same key until it gets an answer below 500."""
    outcome = Outcome(key)
    data = json.dumps(body).encode()
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
    }
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("POST", "/api/v1/reports", body=data, headers=headers)
            response = connection.getresponse()
            status, text = response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            outcome.connection_retries += 1
            time.sleep(random.uniform(0.05, 0.3))
            continue
        finally:
            connection.close()
        if status >= 500:
            outcome.server_retries += 1
            time.sleep(random.uniform(0.1, 0.5))
            continue
        outcome.status, outcome.text = status, text[:300]
        if status == 201:
            outcome.reference = json.loads(text).get("reference")
        return outcome
    return outcome


def run_clients(
    service: Service,
    token: str,
    jobs: list[tuple[str, dict[str, Any]]],
    clients: int,
    kill_plan: list[tuple[int, str]],
) -> tuple[list[Outcome], Counter[str]]:
    """Submit ``jobs`` from ``clients`` threads while a killer follows ``kill_plan``.

    Every client holds its last submission back until the plan is carried out, so the run
    cannot end before its planned kills (a kill's moment is capped at what can be answered
    while the last submissions wait)."""
    outcomes: list[Outcome] = []
    kills: Counter[str] = Counter()
    lock = threading.Lock()
    done = threading.Event()
    plan_carried_out = threading.Event()
    reachable = max(0, len(jobs) - clients)

    def client(share: list[tuple[str, dict[str, Any]]]) -> None:
        for position, (key, body) in enumerate(share):
            if position == len(share) - 1:
                plan_carried_out.wait(timeout=GIVE_UP_SECONDS)
            outcome = submit(service.port, token, key, body)
            with lock:
                outcomes.append(outcome)

    def killer() -> None:
        try:
            carry_out()
        finally:
            plan_carried_out.set()

    def carry_out() -> None:
        for threshold, kind in kill_plan:
            while not done.is_set():
                with lock:
                    answered = len(outcomes)
                if answered >= min(threshold, reachable):
                    break
                time.sleep(0.02)
            if done.is_set():
                return
            time.sleep(random.uniform(0.0, 0.2))  # a moment inside a request, not between
            if kind == "master":
                service.kill_master()
                kills["master"] += 1
            elif service.kill_worker():
                kills["worker"] += 1

    threads = [threading.Thread(target=client, args=(jobs[i::clients],)) for i in range(clients)]
    chaos = threading.Thread(target=killer)
    for thread in threads:
        thread.start()
    chaos.start()
    for thread in threads:
        thread.join()
    done.set()
    chaos.join()
    return outcomes, kills


def kill_plan(n: int, kills: int, rng: random.Random) -> list[tuple[int, str]]:
    """When (after how many answers) to kill what: at least one master and one worker."""
    kinds = ["master", "worker"] + [rng.choice(["master", "worker"]) for _ in range(kills - 2)]
    rng.shuffle(kinds)
    moments = sorted(rng.randint(max(1, n // 10), max(2, n * 8 // 10)) for _ in kinds)
    return list(zip(moments, kinds, strict=True))


# --- counting ------------------------------------------------------------------------------


def count(app: Any, figures: Figures, outcomes: list[Outcome], organization_id: int) -> None:
    engine = app.extensions["incidents"].database.engine
    acknowledged = {o.key: o.reference for o in outcomes if o.status == 201}
    figures.acknowledged = len(acknowledged)
    figures.abandoned = sum(1 for o in outcomes if o.status is None)
    rejected = [o for o in outcomes if o.status is not None and o.status != 201]
    figures.rejected = len(rejected)
    figures.first_rejection = f"{rejected[0].status}: {rejected[0].text}" if rejected else ""
    figures.retries_connection = sum(o.connection_retries for o in outcomes)
    figures.retries_5xx = sum(o.server_retries for o in outcomes)
    stored: dict[str, list[str]] = defaultdict(list)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(Report.title, Report.reference).where(
                Report.organization_id == organization_id
            )
        )
        for title, reference in rows:
            match = MARKER.search(title or "")
            if match:
                stored[match.group(1)].append(reference)
        waiting = connection.execute(
            sa.select(OutboxEntry.consumer, sa.func.count())
            .where(OutboxEntry.done_at.is_(None))
            .group_by(OutboxEntry.consumer)
        ).all()
    figures.lost = sum(1 for key, ref in acknowledged.items() if ref not in stored.get(key, []))
    figures.duplicated = sum(1 for refs in stored.values() if len(refs) > 1)
    figures.stored_unacknowledged = sum(1 for key in stored if key not in acknowledged)
    consumers = {*SUBSCRIPTIONS, *handlers_of(app)}
    figures.unprocessed_by_consumer = dict.fromkeys(sorted(consumers), 0)
    figures.unprocessed_by_consumer.update({name: int(n) for name, n in waiting})
    figures.unprocessed = sum(figures.unprocessed_by_consumer.values())
    figures.drift_by_check = verify_consumers(app, consumers)
    figures.drift = sum(figures.drift_by_check.values())
    with app.app_context(), app.extensions["incidents"].database.session_factory() as session:
        chain = verify_audit_chain(session)
        figures.audit_chain = (
            f"intact ({chain.checked} events)"
            if chain.broken is None and not chain.unsealed
            else f"BROKEN at {chain.broken.position}: {chain.broken.problem}"
            if chain.broken
            else f"{chain.unsealed} events outside the chain"
        )


def verify_consumers(app: Any, consumers: set[str]) -> dict[str, int]:
    """Run ``flask <consumer> verify`` for every consumer that has one (dedup, search, …):
    the drift it prints (``drift: N``), or 1 when it fails without saying how much."""
    found = {}
    runner = app.test_cli_runner()
    for consumer in sorted(consumers):
        group = app.cli.commands.get(consumer)
        if group is None or "verify" not in getattr(group, "commands", {}):
            continue
        result = runner.invoke(args=[consumer, "verify"])
        number = re.search(r"drift:? (\d+)", result.output, re.IGNORECASE)
        if number:
            found[consumer] = int(number.group(1))
        else:
            found[consumer] = 0 if result.exit_code == 0 else 1
    return found


# --- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> Figures:
    rng = random.Random(args.seed)
    random.seed(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="aix-chaos-"))
    instance = workdir / "instance"
    instance.mkdir()
    database_url = prepare_database(args.database_url, workdir)
    app = create_app(app_settings(database_url, instance))
    reporter = create_reporter(app)
    jobs = []
    for number, body in enumerate(bodies(args.n, args.seed)):
        key = f"chaos-{number % args.clients:02d}-{number:05d}"
        body["title"] = f"{body['title'][:250]} [{key}]"
        jobs.append((key, body))
    figures = Figures(
        sa.make_url(database_url).get_backend_name(), args.n, args.clients, args.workers
    )
    service = Service(database_url, instance, args.workers)
    service.start()
    started = time.perf_counter()
    try:
        outcomes, kills = run_clients(
            service, reporter.token, jobs, args.clients, kill_plan(args.n, args.kills, rng)
        )
    finally:
        service.stop()
    figures.seconds = round(time.perf_counter() - started, 1)
    figures.master_kills, figures.worker_kills = kills["master"], kills["worker"]
    figures.kills = figures.master_kills + figures.worker_kills
    drain_all(app)
    count(app, figures, outcomes, reporter.organization_id)
    app.extensions["incidents"].database.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    return figures


def report(figures: Figures) -> str:
    lines = [
        f"chaos on {figures.database}: {figures.submissions} submissions, {figures.clients} "
        f"clients, {figures.workers} workers, {figures.seconds} s",
        f"  kills          {figures.kills} ({figures.master_kills} master, "
        f"{figures.worker_kills} worker)",
        f"  acknowledged   {figures.acknowledged}",
        f"  lost           {figures.lost}",
        f"  duplicated     {figures.duplicated}",
        f"  unprocessed    {figures.unprocessed} {figures.unprocessed_by_consumer}",
        f"  drift          {figures.drift} {figures.drift_by_check}",
        f"  audit chain    {figures.audit_chain}",
        f"  retries        {figures.retries_connection} after connection errors, "
        f"{figures.retries_5xx} after 5xx",
        f"  abandoned      {figures.abandoned}; rejected {figures.rejected} "
        f"{figures.first_rejection}".rstrip(),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 sent (at least 2)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (recreated)")
    parser.add_argument("--json", action="store_true", help="last line: the figures as JSON")
    args = parser.parse_args(argv)
    args.kills = max(args.kills, 2)
    figures = run(args)
    print(report(figures))
    if args.json:
        print(json.dumps(asdict(figures)))
    failed = figures.lost or figures.duplicated or figures.unprocessed or figures.drift
    return 1 if failed or figures.acknowledged < figures.submissions else 0


if __name__ == "__main__":
    sys.exit(main())
