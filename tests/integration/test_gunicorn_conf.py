"""gunicorn.conf.py: more than one worker with login counts in worker memory is refused
(issue 16, finding 5: 38 failures passed before a 429 with four workers on memory://)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _start(tmp_path: Path, workers: int, storage: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTS_")}
    env["INCIDENTS_INSTANCE_PATH"] = str(tmp_path)
    if storage is not None:
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


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_gunicorn_refuses_several_workers_on_memory_storage(
    tmp_path: Path, storage: str | None
) -> None:
    started = _start(tmp_path, 2, storage)
    assert started.returncode == 1
    assert "INCIDENTS_RATELIMIT_STORAGE_URL" in started.stderr
    assert "2 workers" in started.stderr


def test_the_check_allows_one_worker_or_shared_storage() -> None:
    namespace: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    check = namespace["check_workers"]
    assert callable(check)
    check(1, {})
    check(4, {"INCIDENTS_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/3"})
    with pytest.raises(RuntimeError, match="memory://"):
        check(4, {"INCIDENTS_RATELIMIT_STORAGE_URL": " memory:// "})


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
