"""Gunicorn settings read by ``gunicorn wsgi:app`` from this folder.

Login throttling counts live in ``INCIDENTS_RATELIMIT_STORAGE_URL``; with ``memory://`` each
worker keeps its own count, so several workers would multiply the limits. Gunicorn refuses
to start that way.

A worker busy with one request for longer than ``timeout`` seconds is killed and replaced:
the last guard against a request that hangs. It is well above what a request may take
by design: each PostgreSQL statement of a web request stops after
``INCIDENTS_STATEMENT_TIMEOUT_MS`` (5 s), a search after ``INCIDENTS_SEARCH_TIMEOUT_MS``
(1 s), and the outbox work after a response after ``INCIDENTS_OUTBOX_DRAIN_SECONDS`` (5 s).
``gunicorn --timeout N`` overrides it.
"""

from __future__ import annotations

import os
from typing import Any

#: Seconds one request (and the outbox work after it) may keep a worker busy.
timeout = 30
#: Seconds a worker told to stop (a restart, a deploy) may finish its request.
graceful_timeout = 30


def on_starting(server: Any) -> None:
    """Refuse more than one worker while throttling counts are kept in worker memory."""
    check_workers(int(server.cfg.workers), os.environ)


def check_workers(workers: int, environ: Any) -> None:
    """Raise RuntimeError when ``workers`` > 1 and the rate-limit storage is ``memory://``."""
    storage = (environ.get("INCIDENTS_RATELIMIT_STORAGE_URL") or "memory://").strip()
    if workers > 1 and storage.startswith("memory://"):
        raise RuntimeError(
            f"{workers} workers with INCIDENTS_RATELIMIT_STORAGE_URL={storage} would each count "
            "failed logins apart (the limits multiplied): set INCIDENTS_RATELIMIT_STORAGE_URL="
            "redis://host:6379 or run one worker."
        )
