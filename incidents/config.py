"""Settings read from ``INCIDENTS_*`` environment variables when the app is created.

Nothing here runs at import time: ``load_settings(environ)`` is called by ``create_app``.
Every value is validated; a bad one stops the start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from limits import parse_many
from sqlalchemy.exc import ArgumentError

from incidents.db import is_sqlite

ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """The validated configuration of one application instance."""

    env: str
    secret_key: str
    database_url: str
    instance_path: Path
    ratelimit_storage_url: str
    login_limit_per_address: str
    login_limit_per_account: str
    max_content_length: int
    session_idle_minutes: int
    session_absolute_hours: int
    proxy_hops: int
    password_time_cost: int
    password_memory_kib: int
    auto_migrate: bool
    dedup_auto_link: float = 0.7
    dedup_review: float = 0.3
    dedup_min_reports: int = 25
    outbox_after_response: bool = True
    outbox_drain_seconds: float = 5.0
    base_url: str = "http://127.0.0.1:5000"
    mail_url: str = ""
    mail_from: str = "AI Incident Exchange <noreply@localhost>"
    notify_soon_days: int = 2
    notify_triage_hours: int = 24
    search_backend: str = "whoosh"
    search_timeout_ms: int = 1000
    api_read_limit: str = "600 per minute"
    api_write_limit: str = "120 per minute"
    statement_timeout_ms: int = 5000
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_embedded(self) -> bool:
        """Whether the database is the embedded SQLite default."""
        return is_sqlite(self.database_url)


# name, default, description — the README's configuration table is written from this list.
VARIABLES: tuple[tuple[str, str, str], ...] = (
    (
        "INCIDENTS_ENV",
        "development",
        "`development` or `production` (strict: secrets required, Secure cookies).",
    ),
    (
        "INCIDENTS_SECRET_KEY",
        "generated into `instance/secret_key`",
        "Signs sessions and CSRF tokens. Required in production.",
    ),
    (
        "INCIDENTS_DATABASE_URL",
        "`sqlite:///instance/incidents.db`",
        "SQLAlchemy URL, e.g. `postgresql+psycopg://user@host/db`. Required in production.",
    ),
    (
        "INCIDENTS_INSTANCE_PATH",
        "`instance/`",
        "Folder for the embedded database, secret key and search index.",
    ),
    (
        "INCIDENTS_RATELIMIT_STORAGE_URL",
        "`sqlite:///instance/ratelimits.db`",
        "Where login throttling and API rate-limit counts are kept: by default a file that "
        "every worker of this machine shares; `redis://host:6379` when several machines serve "
        "the site (`memory://` counts per process: one worker only).",
    ),
    (
        "INCIDENTS_LOGIN_LIMIT_PER_ADDRESS",
        "`20 per minute`",
        "Failed logins allowed per client address.",
    ),
    (
        "INCIDENTS_LOGIN_LIMIT_PER_ACCOUNT",
        "`10 per minute`",
        "Failed logins allowed per account (e-mail).",
    ),
    (
        "INCIDENTS_API_READ_LIMIT",
        "`600 per minute`",
        "API reads (GET) allowed per API token, or per client address without one (429 with "
        "`Retry-After` beyond); several rates may be joined with `;`.",
    ),
    (
        "INCIDENTS_API_WRITE_LIMIT",
        "`120 per minute`",
        "API writes (POST, PUT, PATCH, DELETE) allowed per API token, counted apart from reads.",
    ),
    ("INCIDENTS_MAX_CONTENT_LENGTH", "`2097152`", "Largest request body in bytes (413 beyond)."),
    (
        "INCIDENTS_STATEMENT_TIMEOUT_MS",
        "`5000`",
        "A query of a web request running longer is stopped and the request answers 503, "
        "nothing saved (PostgreSQL's `statement_timeout`; on SQLite the statement is "
        "interrupted); commands are not limited; `0` turns it off.",
    ),
    (
        "INCIDENTS_SESSION_IDLE_MINUTES",
        "`60`",
        "A web session ends after this long without a request.",
    ),
    (
        "INCIDENTS_SESSION_ABSOLUTE_HOURS",
        "`12`",
        "A web session ends this long after login, whatever happens.",
    ),
    (
        "INCIDENTS_PROXY_HOPS",
        "`0`",
        "Reverse proxies in front of the app whose `X-Forwarded-*` headers are trusted.",
    ),
    ("INCIDENTS_PASSWORD_TIME_COST", "`3`", "argon2id iterations (ASVS: at least 3 with 12 MiB)."),
    ("INCIDENTS_PASSWORD_MEMORY_KIB", "`65536`", "argon2id memory in KiB."),
    (
        "INCIDENTS_AUTO_MIGRATE",
        "`true` on SQLite, `false` otherwise",
        "Apply database migrations at start-up.",
    ),
    (
        "INCIDENTS_DEDUP_AUTO_LINK",
        "`0.7`",
        "Dedup score from which a report is linked to an incident automatically.",
    ),
    (
        "INCIDENTS_DEDUP_REVIEW",
        "`0.3`",
        "Dedup score from which a candidate waits in the analysts' triage queue.",
    ),
    (
        "INCIDENTS_OUTBOX_AFTER_RESPONSE",
        "`true`",
        "Once a response that committed a change is sent, its web worker does the work that "
        "follows (placing reports in incidents, …); `false` leaves it to one separate "
        "`flask outbox work --follow`.",
    ),
    (
        "INCIDENTS_OUTBOX_DRAIN_SECONDS",
        "`5`",
        "How long a web worker may spend on that work after one response; what is left "
        "waits for the next response (or the worker command).",
    ),
    (
        "INCIDENTS_DEDUP_MIN_REPORTS",
        "`25`",
        "While fewer reports are stored, an automatic link needs a score of 0.97 (text "
        "statistics of a near-empty store are not calibrated).",
    ),
    (
        "INCIDENTS_BASE_URL",
        "`http://127.0.0.1:5000`",
        "The site's address as people reach it: links in e-mails start with it, and its host "
        "names each message's Message-ID.",
    ),
    (
        "INCIDENTS_MAIL_URL",
        "empty",
        "`smtp://[user:password@]host[:port][?starttls=true&timeout=10]` or `smtps://…`; "
        "empty writes each message as an `.eml` file under `instance/mail/`.",
    ),
    (
        "INCIDENTS_MAIL_FROM",
        "`AI Incident Exchange <noreply@localhost>`",
        "The From address of every message the site sends.",
    ),
    (
        "INCIDENTS_NOTIFY_SOON_DAYS",
        "`2`",
        "`flask notify run` reminds of report deadlines and answer-by dates this many days ahead.",
    ),
    (
        "INCIDENTS_NOTIFY_TRIAGE_HOURS",
        "`24`",
        "A triage candidate pending longer than this is notified to the institutes' analysts.",
    ),
    (
        "INCIDENTS_SEARCH_BACKEND",
        "`whoosh`",
        "`whoosh` (an index under `instance/search/`) or `postgres` (full-text tables in the "
        "database; PostgreSQL only).",
    ),
    (
        "INCIDENTS_SEARCH_TIMEOUT_MS",
        "`1000`",
        "Time budget of one search in milliseconds; a search that needs longer is stopped.",
    ),
)


def load_settings(
    environ: Mapping[str, str], overrides: Mapping[str, object] | None = None
) -> Settings:
    """Build settings from ``environ`` (``INCIDENTS_*``) and test ``overrides``.

    Raises ConfigError naming the variable when a value is missing or malformed.
    """
    overrides = dict(overrides or {})
    env = _get(environ, overrides, "ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"INCIDENTS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"
    if production:
        missing = [
            f"INCIDENTS_{name}"
            for name in ("SECRET_KEY", "DATABASE_URL")
            if not _get(environ, overrides, name, "")
        ]
        if missing:
            raise ConfigError("INCIDENTS_ENV=production needs an explicit " + " and ".join(missing))
    instance_path = Path(
        _get(environ, overrides, "INSTANCE_PATH", str(Path.cwd() / "instance"))
    ).resolve()
    database_url = _get(
        environ, overrides, "DATABASE_URL", f"sqlite:///{instance_path / 'incidents.db'}"
    )
    _check_database_url(database_url)
    secret_key = _get(environ, overrides, "SECRET_KEY", "") or _instance_secret(instance_path)
    if len(secret_key) < 32:
        raise ConfigError("INCIDENTS_SECRET_KEY must be at least 32 characters long")
    return Settings(
        env=env,
        secret_key=secret_key,
        database_url=database_url,
        instance_path=instance_path,
        ratelimit_storage_url=_get(
            environ,
            overrides,
            "RATELIMIT_STORAGE_URL",
            f"sqlite:///{instance_path / 'ratelimits.db'}",
        ),
        login_limit_per_address=_rate(
            environ, overrides, "LOGIN_LIMIT_PER_ADDRESS", "20 per minute"
        ),
        login_limit_per_account=_rate(
            environ, overrides, "LOGIN_LIMIT_PER_ACCOUNT", "10 per minute"
        ),
        api_read_limit=_rate(environ, overrides, "API_READ_LIMIT", "600 per minute"),
        api_write_limit=_rate(environ, overrides, "API_WRITE_LIMIT", "120 per minute"),
        statement_timeout_ms=_int(environ, overrides, "STATEMENT_TIMEOUT_MS", 5000, 0),
        max_content_length=_int(environ, overrides, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024, 1024),
        session_idle_minutes=_int(environ, overrides, "SESSION_IDLE_MINUTES", 60, 1),
        session_absolute_hours=_int(environ, overrides, "SESSION_ABSOLUTE_HOURS", 12, 1),
        proxy_hops=_int(environ, overrides, "PROXY_HOPS", 0, 0),
        password_time_cost=_int(environ, overrides, "PASSWORD_TIME_COST", 3, 1),
        password_memory_kib=_int(environ, overrides, "PASSWORD_MEMORY_KIB", 65536, 64),
        auto_migrate=_bool(environ, overrides, "AUTO_MIGRATE", default=is_sqlite(database_url)),
        **_dedup_thresholds(environ, overrides),
        dedup_min_reports=_int(environ, overrides, "DEDUP_MIN_REPORTS", 25, 0),
        outbox_after_response=_bool(environ, overrides, "OUTBOX_AFTER_RESPONSE", default=True),
        outbox_drain_seconds=_seconds(environ, overrides, "OUTBOX_DRAIN_SECONDS", default=5.0),
        base_url=_base_url(environ, overrides),
        mail_url=_mail_url(environ, overrides),
        mail_from=_mail_from(environ, overrides),
        notify_soon_days=_int(environ, overrides, "NOTIFY_SOON_DAYS", 2, 0),
        notify_triage_hours=_int(environ, overrides, "NOTIFY_TRIAGE_HOURS", 24, 1),
        search_backend=_search_backend(environ, overrides, database_url),
        search_timeout_ms=_int(environ, overrides, "SEARCH_TIMEOUT_MS", 1000, 10),
        extra={k: v for k, v in overrides.items() if k.isupper() and not _is_known(k)},
    )


def _is_known(name: str) -> bool:
    return f"INCIDENTS_{name}" in {variable for variable, _, _ in VARIABLES}


def _get(
    environ: Mapping[str, str], overrides: Mapping[str, object], name: str, default: str
) -> str:
    if name in overrides:
        return str(overrides[name])
    return environ.get(f"INCIDENTS_{name}", default).strip() or default


def _int(
    environ: Mapping[str, str],
    overrides: Mapping[str, object],
    name: str,
    default: int,
    minimum: int,
) -> int:
    raw = _get(environ, overrides, name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"INCIDENTS_{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"INCIDENTS_{name} must be at least {minimum}, not {value}")
    return value


def _seconds(
    environ: Mapping[str, str], overrides: Mapping[str, object], name: str, *, default: float
) -> float:
    raw = _get(environ, overrides, name, str(default))
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"INCIDENTS_{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= 600:
        raise ConfigError(f"INCIDENTS_{name} must be above 0 and at most 600, not {raw}")
    return value


def _dedup_thresholds(
    environ: Mapping[str, str], overrides: Mapping[str, object]
) -> dict[str, float]:
    values = {}
    for name, default in (("AUTO_LINK", 0.7), ("REVIEW", 0.3)):
        raw = _get(environ, overrides, f"DEDUP_{name}", str(default))
        try:
            values[name] = float(raw)
        except ValueError:
            raise ConfigError(f"INCIDENTS_DEDUP_{name} must be a number, not {raw!r}") from None
        if not 0.0 <= values[name] <= 1.0:
            raise ConfigError(f"INCIDENTS_DEDUP_{name} must be between 0 and 1, not {raw}")
    if values["REVIEW"] > values["AUTO_LINK"]:
        raise ConfigError("INCIDENTS_DEDUP_REVIEW must not be above INCIDENTS_DEDUP_AUTO_LINK")
    return {"dedup_auto_link": values["AUTO_LINK"], "dedup_review": values["REVIEW"]}


def _bool(
    environ: Mapping[str, str], overrides: Mapping[str, object], name: str, *, default: bool
) -> bool:
    raw = _get(environ, overrides, name, "true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"INCIDENTS_{name} must be true or false, not {raw!r}")


def _rate(
    environ: Mapping[str, str], overrides: Mapping[str, object], name: str, default: str
) -> str:
    raw = _get(environ, overrides, name, default)
    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(
            f"INCIDENTS_{name} must be a rate such as '10 per minute', not {raw!r}"
        ) from None
    return raw


def _base_url(environ: Mapping[str, str], overrides: Mapping[str, object]) -> str:
    raw = _get(environ, overrides, "BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"INCIDENTS_BASE_URL must be an http(s) address, not {raw!r}")
    return raw


def _mail_url(environ: Mapping[str, str], overrides: Mapping[str, object]) -> str:
    raw = _get(environ, overrides, "MAIL_URL", "")
    if raw:
        from incidents.mail.senders import parse_mail_url

        parse_mail_url(raw)  # raises ConfigError, never repeating the password
    return raw


def _mail_from(environ: Mapping[str, str], overrides: Mapping[str, object]) -> str:
    raw = _get(environ, overrides, "MAIL_FROM", "AI Incident Exchange <noreply@localhost>")
    _, address = parseaddr(raw)
    if "@" not in address or "\n" in raw or "\r" in raw:
        raise ConfigError(f"INCIDENTS_MAIL_FROM must be an e-mail address, not {raw!r}")
    return raw


def _search_backend(
    environ: Mapping[str, str], overrides: Mapping[str, object], database_url: str
) -> str:
    raw = _get(environ, overrides, "SEARCH_BACKEND", "whoosh").lower()
    if raw not in ("whoosh", "postgres"):
        raise ConfigError(f"INCIDENTS_SEARCH_BACKEND must be whoosh or postgres, not {raw!r}")
    if raw == "postgres" and is_sqlite(database_url):
        raise ConfigError("INCIDENTS_SEARCH_BACKEND=postgres needs a PostgreSQL database")
    return raw


def _check_database_url(url: str) -> None:
    try:
        backend = sa.make_url(url).get_backend_name()
    except ArgumentError:
        raise ConfigError(f"INCIDENTS_DATABASE_URL is not a database URL: {url!r}") from None
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"INCIDENTS_DATABASE_URL must be SQLite or PostgreSQL, not {backend!r}")


def _instance_secret(instance_path: Path) -> str:
    """The secret key kept in ``instance/secret_key``, generated once (safe across workers)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return key_file.read_text(encoding="ascii").strip()
