"""A database that is down, drops its connections, is read-only or full: 503 with
Retry-After on pages and the API, a clear exit message on the command line, nothing
half-written, and recovery without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from incidents import create_app
from incidents.audit.models import AuditEvent
from incidents.db import create_engine, is_sqlite
from incidents.migrate import upgrade
from incidents.outbox.models import OutboxEntry
from incidents.reports.examples import EXAMPLE_REPORT
from incidents.reports.models import Report, ReportRevision
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import test_settings as settings_for
from tests.functional.api.conftest import ApiClient

CLOSED_PORT = "postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2"
TOKEN = {"Authorization": "Bearer aix_" + "x" * 43}


def _assert_unavailable(response: Any, *words: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    assert "sqlalchemy" not in text.lower()
    assert "Nothing was saved" in text
    for word in words:
        assert word in text


@pytest.fixture
def unreachable(tmp_path: Path) -> Flask:
    return create_app(settings_for(tmp_path, CLOSED_PORT))


def test_pages_answer_503_while_the_database_is_down(unreachable: Flask) -> None:
    response = unreachable.test_client().get("/public/incidents")
    _assert_unavailable(response, "cannot be reached", "<h1>Service Unavailable</h1>")
    assert response.mimetype == "text/html"


def test_the_api_answers_503_json_while_the_database_is_down(unreachable: Flask) -> None:
    response = unreachable.test_client().get("/api/v1/me", headers=TOKEN)
    _assert_unavailable(response, "cannot be reached")
    assert response.get_json()["error"] == "Service Unavailable"


def test_a_command_exits_with_one_line_while_the_database_is_down(unreachable: Flask) -> None:
    result = unreachable.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Error: The database cannot be reached right now. Nothing was saved." in result.output
    assert "Traceback" not in result.output


def test_a_read_only_sqlite_database_reads_and_refuses_writes_clearly(tmp_path: Path) -> None:
    path = tmp_path / "incidents.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as session:
        factories.bind(session)
        try:
            company = factories.OrganizationFactory(name="Read Only Co")
            user = factories.UserFactory(role=Role.REPORTER, organization=company)
            token = factories.ApiTokenFactory.with_secret(user=user)[1]
            session.commit()
        finally:
            factories.bind(None)
    engine.dispose()
    app = create_app(settings_for(tmp_path, f"sqlite:///file:{path}?mode=ro&uri=true"))
    client = app.test_client()
    assert client.get("/public/incidents").status_code == 200  # reading still works
    response = client.post(
        "/api/v1/reports", json=EXAMPLE_REPORT, headers={"Authorization": f"Bearer {token}"}
    )
    _assert_unavailable(response, "read-only or its disk is full")
    result = app.test_cli_runner().invoke(args=["org", "create", "Another Co", "--kind", "company"])
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert "Traceback" not in result.output
    with create_engine(f"sqlite:///{path}").connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_a_disk_that_fills_mid_report_saves_nothing(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    """The report row is written, then its revision cannot be: the whole filing is rolled
    back (no report, revision, audit event or outbox entry) and the client may retry."""

    def full_disk(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO REPORT_REVISIONS"):
            raise sa_exc.OperationalError(statement, None, OSError("No space left on device"))

    counted = (Report, ReportRevision, AuditEvent, OutboxEntry)
    before = [db.scalar(sa.select(sa.func.count()).select_from(model)) for model in counted]
    connection = db.connection()
    sa.event.listen(connection, "before_cursor_execute", full_disk)
    try:
        response = api.post("/api/v1/reports", example, headers={"Idempotency-Key": "full-1"})
    finally:
        sa.event.remove(connection, "before_cursor_execute", full_disk)
    _assert_unavailable(response, "read-only or its disk is full")
    after = [db.scalar(sa.select(sa.func.count()).select_from(model)) for model in counted]
    assert after == before
    retried = api.post("/api/v1/reports", example, headers={"Idempotency-Key": "full-1"})
    assert retried.status_code == 201, retried.get_json()


@pytest.fixture
def own_pool_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app with its own connection pool (not the test's savepoint), named so that its
    connections can be told apart in pg_stat_activity."""
    if is_sqlite(database_url):
        pytest.skip("connections that drop are PostgreSQL's (the suite runs there in CI)")
    url = sa.make_url(database_url).update_query_dict({"application_name": "outage-test"})
    app = create_app(settings_for(tmp_path, url.render_as_string(hide_password=False)))
    yield app
    app.extensions["incidents"].database.engine.dispose()


def test_the_app_reconnects_after_postgresql_drops_its_connections(
    own_pool_app: Flask, database_url: str
) -> None:
    client = own_pool_app.test_client()
    assert client.get("/public/incidents").status_code == 200
    admin = sa.create_engine(database_url)
    with admin.begin() as connection:
        killed = connection.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'outage-test'"
            )
        )
    admin.dispose()
    assert killed >= 1
    assert client.get("/public/incidents").status_code == 200
