"""Settings come from INCIDENTS_* variables, are validated, and name the culprit when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.config import ConfigError, load_settings

SECRET = "s" * 40


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"INCIDENTS_INSTANCE_PATH": str(tmp_path), **values}


def test_defaults_use_embedded_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path))
    assert settings.env == "development"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'incidents.db'}"
    assert settings.is_embedded
    assert settings.auto_migrate is True
    assert settings.max_content_length == 2 * 1024 * 1024
    assert settings.login_limit_per_account == "10 per minute"
    assert settings.login_limit_per_address == "20 per minute"


def test_values_are_read_from_incidents_variables(tmp_path: Path) -> None:
    settings = load_settings(
        _env(
            tmp_path,
            INCIDENTS_SECRET_KEY=SECRET,
            INCIDENTS_DATABASE_URL="postgresql+psycopg://u@db.example/aix",
            INCIDENTS_MAX_CONTENT_LENGTH="4096",
            INCIDENTS_SESSION_IDLE_MINUTES="5",
            INCIDENTS_SESSION_ABSOLUTE_HOURS="2",
            INCIDENTS_LOGIN_LIMIT_PER_ACCOUNT="3 per hour",
            INCIDENTS_PROXY_HOPS="1",
        )
    )
    assert settings.secret_key == SECRET
    assert settings.database_url == "postgresql+psycopg://u@db.example/aix"
    assert not settings.is_embedded
    assert settings.auto_migrate is False  # not SQLite: migrations are an explicit step
    assert settings.max_content_length == 4096
    assert settings.session_idle_minutes == 5
    assert settings.session_absolute_hours == 2
    assert settings.login_limit_per_account == "3 per hour"
    assert settings.proxy_hops == 1


def test_overrides_win_over_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        _env(tmp_path, INCIDENTS_MAX_CONTENT_LENGTH="4096"), {"MAX_CONTENT_LENGTH": 8192}
    )
    assert settings.max_content_length == 8192


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = load_settings(_env(tmp_path)).secret_key
    second = load_settings(_env(tmp_path)).secret_key
    assert first == second
    assert len(first) >= 32
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert load_settings(_env(tmp_path / "other")).secret_key != first


@pytest.mark.parametrize(
    ("environ", "missing", "present"),
    [
        ({}, ["INCIDENTS_SECRET_KEY", "INCIDENTS_DATABASE_URL"], []),
        (
            {"INCIDENTS_SECRET_KEY": SECRET},
            ["INCIDENTS_DATABASE_URL"],
            ["INCIDENTS_SECRET_KEY"],
        ),
        (
            {"INCIDENTS_DATABASE_URL": "postgresql+psycopg://u@h/d"},
            ["INCIDENTS_SECRET_KEY"],
            ["INCIDENTS_DATABASE_URL"],
        ),
    ],
)
def test_production_refuses_to_start_without_explicit_secrets(
    tmp_path: Path, environ: dict[str, str], missing: list[str], present: list[str]
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(_env(tmp_path, INCIDENTS_ENV="production", **environ))
    message = str(raised.value)
    for name in missing:
        assert name in message
    for name in present:
        assert name not in message
    assert not (tmp_path / "secret_key").exists()  # no key generated behind the operator's back


def test_production_starts_with_explicit_secrets(tmp_path: Path) -> None:
    settings = load_settings(
        _env(
            tmp_path,
            INCIDENTS_ENV="production",
            INCIDENTS_SECRET_KEY=SECRET,
            INCIDENTS_DATABASE_URL="postgresql+psycopg://u@h/d",
        )
    )
    assert settings.is_production
    assert settings.secret_key == SECRET


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENV", "staging"),
        ("SECRET_KEY", "too-short"),
        ("DATABASE_URL", "not a database url"),
        ("DATABASE_URL", "mysql://u@h/d"),
        ("MAX_CONTENT_LENGTH", "two megabytes"),
        ("MAX_CONTENT_LENGTH", "10"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("SESSION_ABSOLUTE_HOURS", "1.5"),
        ("PROXY_HOPS", "-1"),
        ("PASSWORD_TIME_COST", "0"),
        ("PASSWORD_MEMORY_KIB", "lots"),
        ("AUTO_MIGRATE", "maybe"),
        ("LOGIN_LIMIT_PER_ADDRESS", "often"),
        ("LOGIN_LIMIT_PER_ACCOUNT", "10 per fortnight"),
    ],
)
def test_malformed_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"INCIDENTS_{name}"):
        load_settings(_env(tmp_path, **{f"INCIDENTS_{name}": value}))


@pytest.mark.parametrize(("raw", "expected"), [("yes", True), ("0", False), ("OFF", False)])
def test_booleans_accept_the_usual_spellings(tmp_path: Path, raw: str, expected: bool) -> None:
    assert load_settings(_env(tmp_path, INCIDENTS_AUTO_MIGRATE=raw)).auto_migrate is expected


def test_blank_variables_fall_back_to_defaults(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path, INCIDENTS_MAX_CONTENT_LENGTH="  "))
    assert settings.max_content_length == 2 * 1024 * 1024


def test_unknown_upper_case_overrides_reach_flask_config(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path), {"TESTING": True, "MAX_CONTENT_LENGTH": 4096})
    assert settings.extra == {"TESTING": True}
