"""Test fixtures: one database built by the migrations, one savepoint per test.

Runs on SQLite by default and on PostgreSQL when INCIDENTS_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from incidents import create_app
from incidents.accounts.models import Organization, User
from incidents.db import is_sqlite
from incidents.extensions import limiter
from incidents.migrate import upgrade
from incidents.security.permissions import OrganizationKind, Role
from tests import factories

TEST_DATABASE_URL = os.environ.get("INCIDENTS_TEST_DATABASE_URL", "")
CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def test_settings(instance: Path, database_url: str, **extra: Any) -> dict[str, Any]:
    """Settings for a test app: cheap password hashing, no start-up migration."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "INSTANCE_PATH": str(instance),
        "AUTO_MIGRATE": "false",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "64",
        # The suite sends thousands of API requests with one token; the API limits
        # themselves are tested with small ones (tests/functional/api/test_rate_limits.py).
        "API_READ_LIMIT": "1000000 per minute",
        "API_WRITE_LIMIT": "1000000 per minute",
        "TESTING": True,
        **extra,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class ServerLikeClient(FlaskClient):
    """A test client that reads and closes each response, as a WSGI server does once the
    body is sent, so work the app defers until then (``call_on_close``) runs as it would in
    production (e.g. the dedup engine placing what a request filed)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(test_settings(tmp_path_factory.mktemp("instance"), database_url))
    app.test_client_class = ServerLikeClient
    engine = app.extensions["incidents"].database.engine
    _empty_database(engine)
    upgrade(engine)
    factories.set_password_hash(app.extensions["incidents"].hasher.hash(factories.TEST_PASSWORD))
    yield app
    engine.dispose()


def _empty_database(engine: sa.Engine) -> None:
    """Start from nothing, so the schema under test is exactly what the migrations build."""
    if is_sqlite(engine.url):
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test.

    The app's own sessions join the same transaction through savepoints, so what a request
    commits is visible to the test and gone afterwards.
    """
    database = app.extensions["incidents"].database
    original = database.session_factory
    with database.engine.connect() as connection:
        transaction = connection.begin()
        database.session_factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        session = database.session_factory()
        factories.bind(session)
        try:
            yield session
        finally:
            factories.bind(None)
            session.close()
            database.session_factory = original
            transaction.rollback()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app: Flask) -> None:
    with app.app_context():
        limiter.reset()


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_FIELD.search(page)
    assert match, f"no CSRF field on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, user: User, password: str = factories.TEST_PASSWORD) -> None:
    """Sign ``user`` in through the real login form."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def company(db: Session) -> Organization:
    return factories.OrganizationFactory(name="Acme Models")


@pytest.fixture
def institute(db: Session) -> Organization:
    return factories.InstituteFactory(name="Safety Institute One")


@pytest.fixture
def operator(db: Session) -> Organization:
    return factories.OperatorFactory(name="Exchange Operator")


ROLE_HOME: dict[Role, OrganizationKind] = {
    Role.REPORTER: OrganizationKind.COMPANY,
    Role.ORG_ADMIN: OrganizationKind.COMPANY,
    Role.ANALYST: OrganizationKind.INSTITUTE,
    Role.EDITOR: OrganizationKind.INSTITUTE,
    Role.ADMIN: OrganizationKind.OPERATOR,
}


class MakeUser(Protocol):
    """The ``make_user`` fixture: a user of ``role`` in its fitting home organisation (or in
    ``organization``), with any other column given as a keyword."""

    def __call__(
        self, role: Role, organization: Organization | None = None, **kwargs: Any
    ) -> User: ...


@pytest.fixture
def make_user(
    db: Session, company: Organization, institute: Organization, operator: Organization
) -> MakeUser:
    """Make a user of ``role`` in the fitting home organisation (or in ``organization``)."""
    homes = {
        OrganizationKind.COMPANY: company,
        OrganizationKind.INSTITUTE: institute,
        OrganizationKind.OPERATOR: operator,
    }

    def make(role: Role, organization: Organization | None = None, **kwargs: Any) -> User:
        return factories.UserFactory(
            role=role, organization=organization or homes[ROLE_HOME[role]], **kwargs
        )

    return make
