"""Rate limits of the JSON API: every ``/api/v1`` request is counted per API token (per
client address when it carries no valid token), reads and writes apart
(``INCIDENTS_API_READ_LIMIT``, ``INCIDENTS_API_WRITE_LIMIT``).

The counts live in the rate-limit storage (``INCIDENTS_RATELIMIT_STORAGE_URL``) beside the
login throttling (:mod:`incidents.accounts.throttle`), so every worker shares them. Beyond a
limit the request answers 429 with ``Retry-After`` (seconds until the window frees a
request) and the API's JSON error, before any view runs. While the storage cannot be
reached, requests are served uncounted (and the failure logged): an outage of the counter
must not become an outage of the API.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, g, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import HTTPException, TooManyRequests

from incidents.accounts.authentication import signed_in_user
from incidents.extensions import limiter

API_PREFIX = "/api/v1/"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiRateLimited(TooManyRequests):
    """Too many API requests from one token (or address); ``retry_after`` in seconds."""

    def __init__(self, kind: str, rate: RateLimitItem, retry_after: int) -> None:
        super().__init__(
            description=f"Too many API {kind}s: at most {rate} for this "
            f"{'token' if _has_token() else 'address'}. Try again in {retry_after} seconds."
        )
        self.retry_after = retry_after


def init_api_limits(app: Flask) -> None:
    """Count every API request against its caller's limit, before the view runs."""
    app.before_request(check_api_limit)


def check_api_limit() -> None:
    """Count this request; raise :class:`ApiRateLimited` when its caller is over a limit."""
    if not request.path.startswith(API_PREFIX):
        return
    settings = current_app.config["INCIDENTS_SETTINGS"]
    if request.method in READS:
        kind, rates = "read", settings.api_read_limit
    else:
        kind, rates = "write", settings.api_write_limit
    key = caller_key()
    strategy = limiter.limiter
    scope = f"api-{kind}"
    for rate in parse_many(rates):
        try:
            if strategy.hit(rate, scope, key):
                continue
            reset_at = strategy.get_window_stats(rate, scope, key).reset_time
        except Exception:  # the storage (Redis) is down: serve rather than refuse everyone
            current_app.logger.exception("API rate limits not counted: the storage failed")
            return
        raise ApiRateLimited(kind, rate, max(1, math.ceil(reset_at - time.time())))


def caller_key() -> str:
    """Whose count a request adds to: its valid API token's, else its client address's (an
    unknown or malformed token counts against the address, so guessing tokens is limited
    too; the view answers 401 as usual)."""
    try:
        user = signed_in_user()
    except HTTPException:
        user = None
    if user is not None:
        return f"token:{g.api_token.id}"
    return f"address:{request.remote_addr or 'unknown'}"


def _has_token() -> bool:
    return g.get("api_token") is not None
