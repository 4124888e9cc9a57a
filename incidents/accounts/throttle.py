"""The per-account login counter, kept in the rate-limit storage
(``INCIDENTS_RATELIMIT_STORAGE_URL``) beside the per-address limits.

It never refuses a request: :mod:`incidents.accounts.lockout` decides what an exhausted
account gets (no password check, an e-mailed unlock link).
"""

from __future__ import annotations

from flask import current_app
from limits import parse_many

from incidents.extensions import limiter

_NAMESPACE = "login-account"


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def _limits() -> list[object]:
    return list(parse_many(current_app.config["INCIDENTS_SETTINGS"].login_limit_per_account))


def exhausted(email: str) -> bool:
    """Whether the account ``email`` used up its failed logins (any configured window)."""
    strategy = limiter.limiter
    return any(not strategy.test(item, _NAMESPACE, _key(email)) for item in _limits())  # type: ignore[arg-type]


def count_failure(email: str) -> None:
    """Count one failed login of ``email`` in every configured window."""
    strategy = limiter.limiter
    for item in _limits():
        strategy.hit(item, _NAMESPACE, _key(email))  # type: ignore[arg-type]
