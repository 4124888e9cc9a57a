"""Gunicorn settings read by ``gunicorn wsgi:app`` from this folder.

Login throttling counts live in ``INCIDENTS_RATELIMIT_STORAGE_URL``; with ``memory://`` each
worker keeps its own count, so several workers would multiply the limits. Gunicorn refuses
to start that way.
"""

from __future__ import annotations

import os
from typing import Any


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
