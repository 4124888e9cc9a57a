"""Idempotency-Key: a retry returns the first response and files nothing twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg import sql
from sqlalchemy.orm import Session

from incidents import create_app
from incidents.accounts.models import Organization
from incidents.db import utcnow
from incidents.reports.models import IdempotencyRecord, Report
from incidents.security.permissions import Role
from tests import conftest, factories
from tests.functional.api.conftest import ApiClient, filed


def _count(db: Session) -> int:
    return db.scalar(sa.select(sa.func.count(Report.id))) or 0


def test_a_retry_with_the_same_key_replays_the_first_response(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    first = api.post("/api/v1/reports", example, key="retry-1")
    reordered = dict(reversed(list(example.items())))  # same JSON, other key order
    again = api.post("/api/v1/reports", reordered, key="retry-1")

    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(db) == 1


def test_the_same_key_with_another_body_is_refused_with_409(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    assert api.post("/api/v1/reports", example, key="k").status_code == 201
    changed = {**example, "title": "Another title"}

    response = api.post("/api/v1/reports", changed, key="k")

    assert response.status_code == 409
    assert response.is_json
    assert "Idempotency-Key" in (response.json or {})["details"]
    assert _count(db) == 1


def test_the_same_key_on_another_endpoint_is_another_request(
    api: ApiClient, example: dict[str, Any]
) -> None:
    reference = filed(api, example)
    body = {"reason": "Filed twice by mistake."}
    assert api.post(f"/api/v1/reports/{reference}/withdraw", body, key="w").status_code == 200

    response = api.post("/api/v1/reports", example, key="w")

    assert response.status_code == 409


def test_keys_are_per_user(
    app: Flask, api: ApiClient, make_user, example: dict[str, Any], db: Session
) -> None:
    from tests.functional.api.conftest import api_client

    colleague = api_client(app, make_user(Role.REPORTER))
    assert api.post("/api/v1/reports", example, key="shared").status_code == 201
    response = colleague.post("/api/v1/reports", example, key="shared")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert _count(db) == 2


def test_a_refused_request_stores_nothing_so_the_fixed_retry_runs(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    broken = {**example, "title": ""}
    assert api.post("/api/v1/reports", broken, key="fix-me").status_code == 422
    assert db.scalar(sa.select(sa.func.count(IdempotencyRecord.id))) == 0

    response = api.post("/api/v1/reports", example, key="fix-me")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "naïve"])
def test_a_malformed_key_is_refused(api: ApiClient, example: dict[str, Any], key: str) -> None:
    headers = {"Idempotency-Key": key.encode("utf-8").decode("latin-1")}
    response = api.post("/api/v1/reports", example, headers=headers)

    assert response.status_code == 400
    assert "Idempotency-Key" in (response.json or {})["details"]


def test_a_255_character_key_is_accepted(api: ApiClient, example: dict[str, Any]) -> None:
    assert api.post("/api/v1/reports", example, key="k" * 255).status_code == 201


# --- concurrent retries against a real database (not the rolled-back test connection) -------


@pytest.fixture
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of this test's own: a temporary SQLite file, or ``<test db>_idem``."""
    if not conftest.TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'idempotency.db'}"
        return
    url = sa.make_url(conftest.TEST_DATABASE_URL)
    name = f"{url.database}_idem"
    admin = url.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)

    def drop(connection: psycopg.Connection[Any]) -> None:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(statement.format(sql.Identifier(name)))

    with psycopg.connect(conninfo, autocommit=True) as connection:
        drop(connection)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            drop(connection)


def test_concurrent_retries_file_exactly_one_report(
    scratch_database_url: str, tmp_path: Path, example: dict[str, Any]
) -> None:
    app = create_app(
        conftest.test_settings(tmp_path / "instance", scratch_database_url, AUTO_MIGRATE="true")
    )
    database = app.extensions["incidents"].database
    try:
        with database.session_factory() as session:
            factories.bind(session)
            try:
                company = factories.OrganizationFactory(name="Concurrent Co")
                user = factories.UserFactory(role=Role.REPORTER, organization=company)
                # Used just now, so authentication records no use: the threads race only
                # on the idempotency record, the subject of this test.
                secret = factories.ApiTokenFactory.with_secret(user=user, last_used_at=utcnow())[1]
            finally:
                factories.bind(None)
            session.commit()
            assert isinstance(company, Organization)

        threads_count = 8
        barrier = threading.Barrier(threads_count)
        responses: list[tuple[int, Any, str | None]] = []
        errors: list[BaseException] = []

        def retry() -> None:
            client = app.test_client()
            headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "same-key"}
            try:
                barrier.wait()
                response = client.post("/api/v1/reports", json=example, headers=headers)
                responses.append(
                    (
                        response.status_code,
                        response.json,
                        response.headers.get("Idempotent-Replayed"),
                    )
                )
            except BaseException as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=retry) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert not errors
        assert [status for status, _, _ in responses] == [201] * threads_count
        assert len({str(body) for _, body, _ in responses}) == 1
        assert sum(replayed is None for _, _, replayed in responses) == 1
        with database.session_factory() as session:
            reports = session.scalars(sa.select(Report)).all()
            assert [r.reference for r in reports] == [responses[0][1]["reference"]]
            assert session.scalar(sa.select(sa.func.count(IdempotencyRecord.id))) == 1
    finally:
        database.engine.dispose()
