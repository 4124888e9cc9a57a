"""Gunicorn settings read by ``gunicorn wsgi:app`` from this folder.

Two web workers by default (``--workers N`` or ``WEB_CONCURRENCY`` for another number): on
SQLite they read side by side and take turns only to write. Login throttling and API counts
live in ``INCIDENTS_RATELIMIT_STORAGE_URL``, by default a file every worker shares; with
``memory://`` each worker would keep its own count and multiply the limits, so gunicorn refuses
several workers that way.

A worker busy with one request for longer than ``timeout`` seconds is killed and replaced:
the last guard against a request that hangs. It is well above what a request may take
by design: each PostgreSQL statement of a web request stops after
``INCIDENTS_STATEMENT_TIMEOUT_MS`` (5 s), a search after ``INCIDENTS_SEARCH_TIMEOUT_MS``
(1 s), and the outbox work after a response after ``INCIDENTS_OUTBOX_DRAIN_SECONDS`` (5 s).
``gunicorn --timeout N`` overrides it.

The work that follows a change (placing a report in an incident, indexing it for search,
mail) is done by one outbox worker, ``flask --app wsgi outbox work --follow``, which the
master starts beside the web workers, restarts if it stops, and stops with itself: the web
workers answer requests only, and the work runs on its own core. Setting
``INCIDENTS_OUTBOX_AFTER_RESPONSE`` yourself turns this off: ``true`` has each web worker do
the work after its responses, ``false`` leaves it to an outbox worker you run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Any

#: Web workers (processes answering requests).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
#: Seconds one request (and the outbox work after it) may keep a worker busy.
timeout = 30
#: Seconds a worker told to stop (a restart, a deploy) may finish its request.
graceful_timeout = 30


#: Seconds the outbox worker waits when nothing is waiting (how late work may start).
OUTBOX_INTERVAL = 0.25
#: How much lower the outbox worker's CPU priority is than the web workers' (see nice(1)).
OUTBOX_NICENESS = 10
_AFTER_RESPONSE = "INCIDENTS_OUTBOX_AFTER_RESPONSE"


def on_starting(server: Any) -> None:
    """Refuse more than one worker while throttling counts are kept in worker memory, and,
    unless ``INCIDENTS_OUTBOX_AFTER_RESPONSE`` is set, keep the outbox work off the web
    workers (they are forked after this, and read it)."""
    check_workers(int(server.cfg.workers), os.environ)
    if _AFTER_RESPONSE not in os.environ:
        os.environ[_AFTER_RESPONSE] = "false"
        server.outbox_worker = OutboxWorker(server.log)


def when_ready(server: Any) -> None:
    """Start the outbox worker once the master listens."""
    worker = getattr(server, "outbox_worker", None)
    if worker is not None:
        worker.start()


def on_exit(server: Any) -> None:
    """Stop the outbox worker with the master (it also stops by itself if the master is
    killed: ``--with-parent``)."""
    worker = getattr(server, "outbox_worker", None)
    if worker is not None:
        worker.stop()


class OutboxWorker:
    """``flask --app wsgi outbox work --follow`` as a child of the master, started again a
    second after it stops (a crash loses nothing: the outbox keeps what is not done).

    Spawned with ``posix_spawn``: a web worker forked by the master meanwhile inherits no
    pipe of it (``subprocess`` would wait for its exec on one)."""

    def __init__(self, log: Any) -> None:
        self.command = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "outbox",
            "work",
            "--follow",
            "--with-parent",
            "--interval",
            str(OUTBOX_INTERVAL),
        ]
        self.log = log
        self.pid: int | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        # In the master's folder (gunicorn's --chdir), where ``wsgi`` is.
        self.pid = os.posix_spawn(sys.executable, self.command, dict(os.environ))
        # Below the web workers: a burst of filings delays the work after them, never the
        # answers; the work catches up as soon as the burst allows.
        with contextlib.suppress(ProcessLookupError):  # stopped already: _run starts it again
            os.setpriority(os.PRIO_PROCESS, self.pid, OUTBOX_NICENESS)
        self.log.info("Started the outbox worker (pid: %s)", self.pid)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if self.pid is not None:
                with contextlib.suppress(ChildProcessError):  # the master reaped it first
                    os.waitpid(self.pid, 0)
            if self._stopping.wait(1.0):
                return
            self.log.warning("The outbox worker stopped; starting it again")
            self._spawn()

    def stop(self) -> None:
        """Interrupt the worker: it finishes its entry and exits (the master does not wait)."""
        self._stopping.set()
        if self.pid is not None and _alive(self.pid):
            os.kill(self.pid, signal.SIGINT)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def check_workers(workers: int, environ: Any) -> None:
    """Raise RuntimeError when ``workers`` > 1 and the rate-limit storage is ``memory://``."""
    storage = (environ.get("INCIDENTS_RATELIMIT_STORAGE_URL") or "").strip()
    if workers > 1 and storage.startswith("memory://"):
        raise RuntimeError(
            f"{workers} workers with INCIDENTS_RATELIMIT_STORAGE_URL={storage} would each count "
            "failed logins apart (the limits multiplied): leave INCIDENTS_RATELIMIT_STORAGE_URL "
            "unset (a file the workers share), set it to redis://host:6379, or run one worker "
            "(--workers 1)."
        )
