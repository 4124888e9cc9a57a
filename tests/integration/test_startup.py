"""Starting the application: embedded database, generated secret, strict production mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from incidents import create_app
from incidents.config import ConfigError
from incidents.dedup import Thresholds
from incidents.placement.services import thresholds

CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "64"}


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No INCIDENTS_* variable but a fresh instance folder."""
    for name in (
        "ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "AUTO_MIGRATE",
        "MAX_CONTENT_LENGTH",
    ):
        monkeypatch.delenv(f"INCIDENTS_{name}", raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("INCIDENTS_INSTANCE_PATH", str(instance))
    return instance


def test_first_start_creates_and_migrates_the_embedded_database(clean_environment: Path) -> None:
    app = create_app(CHEAP_HASHING)
    engine = app.extensions["incidents"].database.engine
    try:
        database = clean_environment / "incidents.db"
        assert database.is_file()
        assert sa.make_url(str(engine.url)).database == str(database)
        tables = set(sa.inspect(engine).get_table_names())
        assert {"organizations", "users", "api_tokens", "audit_events", "alembic_version"} <= tables
        with sqlite3.connect(database) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        engine.dispose()


def test_second_start_reuses_database_and_secret_key(clean_environment: Path) -> None:
    first = create_app(CHEAP_HASHING)
    first.extensions["incidents"].database.engine.dispose()
    key_file = clean_environment / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    second = create_app(CHEAP_HASHING)  # migrating an up-to-date database changes nothing
    second.extensions["incidents"].database.engine.dispose()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_settings_come_from_the_environment_at_create_time(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTS_MAX_CONTENT_LENGTH", "4096")
    app = create_app(CHEAP_HASHING)
    app.extensions["incidents"].database.engine.dispose()
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    monkeypatch.setenv("INCIDENTS_MAX_CONTENT_LENGTH", "8192")
    assert app.config["MAX_CONTENT_LENGTH"] == 4096  # read once, at create_app time
    later = create_app(CHEAP_HASHING)
    later.extensions["incidents"].database.engine.dispose()
    assert later.config["MAX_CONTENT_LENGTH"] == 8192


def test_without_auto_migrate_no_tables_are_created(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTS_AUTO_MIGRATE", "false")
    app = create_app(CHEAP_HASHING)
    engine = app.extensions["incidents"].database.engine
    try:
        assert "users" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_production_refuses_to_start_without_secret_and_database(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTS_ENV", "production")
    with pytest.raises(ConfigError, match="INCIDENTS_SECRET_KEY and INCIDENTS_DATABASE_URL"):
        create_app(CHEAP_HASHING)
    monkeypatch.setenv("INCIDENTS_SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigError) as raised:
        create_app(CHEAP_HASHING)
    assert "INCIDENTS_DATABASE_URL" in str(raised.value)
    assert "INCIDENTS_SECRET_KEY" not in str(raised.value)
    assert not (clean_environment / "incidents.db").exists()


def test_malformed_variable_stops_the_start(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTS_SESSION_IDLE_MINUTES", "an hour")
    with pytest.raises(ConfigError, match="INCIDENTS_SESSION_IDLE_MINUTES"):
        create_app(CHEAP_HASHING)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"INCIDENTS_DEDUP_AUTO_LINK": "high"}, "INCIDENTS_DEDUP_AUTO_LINK must be a number"),
        ({"INCIDENTS_DEDUP_REVIEW": "1.5"}, "INCIDENTS_DEDUP_REVIEW must be between 0 and 1"),
        (
            {"INCIDENTS_DEDUP_AUTO_LINK": "0.5", "INCIDENTS_DEDUP_REVIEW": "0.6"},
            "INCIDENTS_DEDUP_REVIEW must not be above INCIDENTS_DEDUP_AUTO_LINK",
        ),
        ({"INCIDENTS_DEDUP_MIN_REPORTS": "-1"}, "INCIDENTS_DEDUP_MIN_REPORTS must be at least 0"),
    ],
)
def test_dedup_settings_are_checked(
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, str],
    message: str,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app(CHEAP_HASHING)


def test_dedup_settings_reach_the_engine(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTS_DEDUP_AUTO_LINK", "0.9")
    monkeypatch.setenv("INCIDENTS_DEDUP_REVIEW", "0.2")
    monkeypatch.setenv("INCIDENTS_DEDUP_MIN_REPORTS", "7")
    app = create_app(CHEAP_HASHING)
    assert thresholds(app.config["INCIDENTS_SETTINGS"]) == Thresholds(0.9, 0.2, 7)
    app.extensions["incidents"].database.engine.dispose()


@pytest.mark.parametrize(
    ("variables", "warned", "quiet"),
    [
        ({}, ["INCIDENTS_MAIL_URL"], ["memory://"]),  # the counts' default file is shared
        ({"RATELIMIT_STORAGE_URL": "memory://"}, ["memory://", "INCIDENTS_MAIL_URL"], []),
        (
            {
                "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/5",
                "MAIL_URL": "smtp://mail.example:25",
            },
            [],
            ["memory://", "INCIDENTS_MAIL_URL"],
        ),
    ],
)
def test_production_warns_loudly_about_per_worker_counts_and_missing_mail(
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    variables: dict[str, str],
    warned: list[str],
    quiet: list[str],
) -> None:
    monkeypatch.setenv("INCIDENTS_ENV", "production")
    monkeypatch.setenv("INCIDENTS_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("INCIDENTS_DATABASE_URL", f"sqlite:///{clean_environment / 'p.db'}")
    monkeypatch.setenv("INCIDENTS_AUTO_MIGRATE", "false")
    for name, value in variables.items():
        monkeypatch.setenv(f"INCIDENTS_{name}", value)
    with caplog.at_level("WARNING"):
        app = create_app(CHEAP_HASHING)
    app.extensions["incidents"].database.engine.dispose()
    warnings = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    for needle in warned:
        assert needle in warnings
    for needle in quiet:
        assert needle not in warnings
