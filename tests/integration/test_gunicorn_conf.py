"""gunicorn.conf.py: more than one worker with login counts in worker memory is refused
(issue 16, finding 5: 38 failures passed before a 429 with four workers on memory://)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from incidents import create_app
from incidents.accounts import services as account_services
from incidents.outbox.services import backlog
from incidents.registry.queries import primary_incident
from incidents.reports.examples import example_report
from incidents.reports.models import Report
from incidents.security.caller import Caller
from tests.databases import sibling_database

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _start(tmp_path: Path, workers: int, storage: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTS_")}
    env["INCIDENTS_INSTANCE_PATH"] = str(tmp_path)
    env["INCIDENTS_RATELIMIT_STORAGE_URL"] = storage
    return subprocess.run(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(GUNICORN), "--workers", str(workers), "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_gunicorn_refuses_several_workers_on_memory_storage(tmp_path: Path) -> None:
    started = _start(tmp_path, 2, "memory://")
    assert started.returncode == 1
    assert "INCIDENTS_RATELIMIT_STORAGE_URL" in started.stderr
    assert "2 workers" in started.stderr


def test_the_check_allows_one_worker_or_shared_storage() -> None:
    namespace: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    check = namespace["check_workers"]
    assert callable(check)
    check(1, {"INCIDENTS_RATELIMIT_STORAGE_URL": "memory://"})
    check(4, {})  # the default: a file every worker shares
    check(4, {"INCIDENTS_RATELIMIT_STORAGE_URL": "sqlite:////srv/aix/ratelimits.db"})
    check(4, {"INCIDENTS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/3"})
    with pytest.raises(RuntimeError, match="memory://"):
        check(4, {"INCIDENTS_RATELIMIT_STORAGE_URL": " memory:// "})


def test_the_default_workers_share_one_count(tmp_path: Path) -> None:
    """gunicorn starts two web workers by default, and the limits hold across them: the
    counts live in a file both share (with ``memory://`` each would allow the limit)."""
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 48, "AUTO_MIGRATE": "true"}
    create_app(settings).extensions["incidents"].database.engine.dispose()  # migrated
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTS_")}
    env |= {f"INCIDENTS_{name}": value for name, value in settings.items()}
    env |= {"INCIDENTS_AUTO_MIGRATE": "false", "INCIDENTS_API_READ_LIMIT": "6 per minute"}
    master, port = _serve(env)
    try:
        _wait_for_workers(master.pid, 2)
        statuses = [_get(port, "/api/v1/public/incidents") for _ in range(10)]
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(30)
    assert statuses == [200] * 6 + [429] * 4


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with the project's configuration on a free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    master = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env
    )
    return master, port


def _wait_for_workers(master: int, count: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        workers = [c for c in children if b"outbox" not in Path(f"/proc/{c}/cmdline").read_bytes()]
        if len(workers) >= count:
            return
        time.sleep(0.1)
    raise AssertionError(f"gunicorn's master did not start {count} web workers")


def _get(port: int, path: str) -> int:
    """The status of one GET on a connection of its own (so the workers take turns)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path)
            return connection.getresponse().status
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)


def test_a_request_may_take_its_database_and_outbox_time_before_the_worker_is_killed(
    tmp_path: Path,
) -> None:
    """The worker timeout is the last guard: a statement that runs into its own limit
    (503) and the outbox work after a response both end well before it."""
    from incidents.config import load_settings

    namespace: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    timeout = namespace["timeout"]
    assert isinstance(timeout, int)
    settings = load_settings({}, {"SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path)})
    worst = (
        settings.statement_timeout_ms / 1000
        + settings.search_timeout_ms / 1000
        + settings.outbox_drain_seconds
    )
    assert 2 * worst <= timeout <= 60


def test_the_master_keeps_an_outbox_worker_beside_the_web_worker(
    database_url: str, tmp_path: Path
) -> None:
    """Under gunicorn the work after a filing (placement, indexing) is done by the outbox
    worker the master starts, not by the web worker after its response; a killed outbox
    worker is started again, and it stops with the master."""
    with sibling_database(database_url, tmp_path, "outbox_worker") as url:
        app = create_app(
            {
                "DATABASE_URL": url,
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "s" * 48,
                "AUTO_MIGRATE": "true",
                "PASSWORD_TIME_COST": "1",
                "PASSWORD_MEMORY_KIB": "64",
            }
        )
        assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
        database = app.extensions["incidents"].database
        with database.session_factory() as session:
            user = account_services.find_user(session, "reporter@aurora.example")
            assert user is not None
            token = account_services.create_token(session, Caller.command_line(), user, name="t")[1]
            session.commit()
        env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTS_")}
        env |= {
            "INCIDENTS_DATABASE_URL": url,
            "INCIDENTS_INSTANCE_PATH": str(tmp_path),
            "INCIDENTS_SECRET_KEY": "s" * 48,
            "INCIDENTS_AUTO_MIGRATE": "false",
        }
        master, port = _serve(env)
        try:
            first = _outbox_worker(master.pid)
            _file_and_wait_until_worked(database, port, token)
            os.kill(first, signal.SIGKILL)
            second = _outbox_worker(master.pid, other_than=first)
            _file_and_wait_until_worked(database, port, token)
        finally:
            master.send_signal(signal.SIGTERM)
            master.wait(30)
        deadline = time.monotonic() + 10
        while not _is_zombie(second) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _is_zombie(second), "the outbox worker outlived the master"
        database.engine.dispose()


def _outbox_worker(master: int, other_than: int | None = None) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        tasks = Path(f"/proc/{master}/task").iterdir()  # the thread that started it has it
        children = [child for task in tasks for child in (task / "children").read_text().split()]
        for child in children:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"outbox" in command and int(child) != other_than:
                return int(child)
        time.sleep(0.1)
    raise AssertionError("gunicorn's master started no outbox worker")


def _file_and_wait_until_worked(database: Any, port: int, token: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            reply = _post(port, token)
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
    assert reply.status == 201, reply.read()[:500]
    reference = json.loads(reply.read())["reference"]
    while time.monotonic() < deadline:
        with database.session_factory() as session:
            report = session.scalar(sa.select(Report).where(Report.reference == reference))
            assert report is not None
            waiting = sum(each.waiting for each in backlog(session))
            if not waiting and primary_incident(session, report) is not None:
                return
        time.sleep(0.1)
    raise AssertionError(f"{reference} was not placed within 30 s: no outbox worker works")


def _post(port: int, token: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/api/v1/reports",
        json.dumps(example_report()),
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return connection.getresponse()


def _is_zombie(pid: int) -> bool:
    """Whether ``pid`` has ended (gone, or a zombie its ended parent left)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except FileNotFoundError:
        return True
