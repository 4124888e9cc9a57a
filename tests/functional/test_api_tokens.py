"""API tokens: created once on the token page, accepted only as a Bearer header."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts import services
from incidents.accounts.models import ApiToken, Organization, User
from incidents.audit.models import AuditEvent
from incidents.db import utcnow
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from tests import factories
from tests.conftest import csrf_token, login

NEW_TOKEN = re.compile(r'data-testid="new-token">(aix_[A-Za-z0-9_-]{43})<')


def _me(client: FlaskClient, header: str | None = None, **kwargs: object) -> TestResponse:
    headers = {"Authorization": header} if header is not None else {}
    return client.get("/api/v1/me", headers=headers, **kwargs)


def _assert_unauthorized(response: TestResponse) -> None:
    assert response.status_code == 401
    assert response.is_json
    assert set(response.json or {}) == {"error", "details"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_page_shows_the_secret_once(client: FlaskClient, make_user, db: Session) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    reporter = make_user(Role.REPORTER)
    login(client, org_admin)
    response = client.post(
        "/organization/tokens",
        data={
            "user": reporter.id,
            "name": "incident pipeline",
            "expires_days": "30",
            "csrf_token": csrf_token(client, "/organization/tokens"),
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    match = NEW_TOKEN.search(page)
    assert match, page
    secret = match.group(1)
    assert response.headers["Cache-Control"] == "no-store"

    later = client.get("/organization/tokens").get_data(as_text=True)
    assert secret not in later
    assert f"{secret[:8]}…{secret[-4:]}" in later
    assert "incident pipeline" in later
    with client.session_transaction() as session:
        assert secret not in str(dict(session))

    token = db.scalar(sa.select(ApiToken).where(ApiToken.user_id == reporter.id))
    assert token is not None
    assert token.expires_at is not None
    for table in ("api_tokens", "audit_events", "users"):
        rows = db.execute(sa.text(f"SELECT * FROM {table}")).all()  # noqa: S608
        assert all(secret not in str(value) for row in rows for value in row), table

    me = _me(client, f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json is not None
    assert me.json["email"] == reporter.email


def test_me_returns_user_organization_and_role(client: FlaskClient, make_user, db) -> None:
    user = make_user(Role.ANALYST, name="Ana")
    _token, secret = factories.ApiTokenFactory.with_secret(user=user)
    response = _me(client, f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json == {
        "email": user.email,
        "name": "Ana",
        "role": "analyst",
        "organization": {
            "name": "Safety Institute One",
            "kind": "institute",
            "is_network_member": True,
        },
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert "password_hash" not in response.get_data(as_text=True)


def test_bearer_scheme_is_case_insensitive(client: FlaskClient, make_user) -> None:
    _token, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    assert _me(client, f"bearer {secret}").status_code == 200


def test_last_use_is_recorded(app: Flask) -> None:
    """Outside the rolled-back test transaction: the use is written in its own transaction."""
    database = app.extensions["incidents"].database
    hasher = app.extensions["incidents"].hasher
    caller = Caller.command_line()
    with database.session_factory() as session:
        organization = services.create_organization(
            session, caller, name="Last Use Ltd", kind=OrganizationKind.COMPANY
        )
        user = services.create_user(
            session,
            caller,
            hasher,
            email="last-use@example.org",
            organization=organization,
            role=Role.REPORTER,
            password=factories.TEST_PASSWORD,
            seed=True,
        )
        token, secret = services.create_token(session, caller, user, name="probe")
        session.commit()
    try:
        assert token.last_used_at is None
        before = utcnow()
        assert _me(app.test_client(), f"Bearer {secret}").status_code == 200
        with database.session_factory() as session:
            used = session.get(ApiToken, token.id)
            assert used is not None
            assert used.last_used_at is not None
            assert before - timedelta(seconds=1) <= used.last_used_at <= utcnow()
    finally:
        with database.session_factory() as session:
            session.execute(sa.delete(AuditEvent))
            session.execute(sa.delete(ApiToken))
            session.execute(sa.delete(User))
            session.execute(sa.delete(Organization))
            session.commit()


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Token aix_" + "a" * 43,
        "Bearer aix_" + "a" * 43,  # made up
        "Bearer not-a-token",
        "Bearer aix_",
        "aix_" + "a" * 43,
    ],
)
def test_malformed_or_made_up_credentials_are_refused(client: FlaskClient, header: str) -> None:
    _assert_unauthorized(_me(client, header))


def test_no_credentials_is_401(client: FlaskClient) -> None:
    _assert_unauthorized(_me(client))


def test_revoked_expired_and_deactivated_tokens_are_refused(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    _, revoked = factories.ApiTokenFactory.with_secret(user=user, revoked_at=utcnow())
    _, expired = factories.ApiTokenFactory.with_secret(
        user=user, expires_at=utcnow() - timedelta(seconds=1)
    )
    _, deactivated = factories.ApiTokenFactory.with_secret(
        user=make_user(Role.REPORTER, is_active=False)
    )
    for secret in (revoked, expired, deactivated):
        _assert_unauthorized(_me(client, f"Bearer {secret}"))


def test_token_of_a_deactivated_organization_is_refused(
    client: FlaskClient, make_user, company, db
) -> None:
    _, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    company.is_active = False
    db.flush()
    _assert_unauthorized(_me(client, f"Bearer {secret}"))


def test_token_is_not_accepted_as_query_parameter(client: FlaskClient, make_user) -> None:
    _, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    for name in ("access_token", "token", "api_key"):
        _assert_unauthorized(client.get(f"/api/v1/me?{name}={secret}"))


def test_browser_session_is_not_accepted_by_the_api(client: FlaskClient, make_user) -> None:
    login(client, make_user(Role.ADMIN))
    assert client.get("/account").status_code == 200
    _assert_unauthorized(_me(client))


def test_token_does_not_sign_in_to_pages(client: FlaskClient, make_user) -> None:
    _, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.ADMIN))
    response = client.get("/account", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 302


def test_revoking_on_the_token_page_stops_the_token(
    client: FlaskClient, make_user, db: Session
) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    token, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    assert _me(client, f"Bearer {secret}").status_code == 200
    login(client, org_admin)
    response = client.post(
        f"/organization/tokens/{token.id}/revoke",
        data={"csrf_token": csrf_token(client, "/organization/tokens")},
    )
    assert response.status_code == 302
    _assert_unauthorized(_me(client, f"Bearer {secret}"))
    db.refresh(token)
    assert token.revoked_at is not None
    assert "revoked" in client.get("/organization/tokens").get_data(as_text=True)


def test_org_admin_cannot_mint_a_token_for_a_foreign_user(
    client: FlaskClient, make_user, db: Session
) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    foreign = make_user(Role.REPORTER, organization=factories.OrganizationFactory())
    login(client, org_admin)
    response = client.post(
        "/organization/tokens",
        data={
            "user": foreign.id,
            "name": "sneaky",
            "csrf_token": csrf_token(client, "/organization/tokens"),
        },
    )
    assert response.status_code == 200
    assert not NEW_TOKEN.search(response.get_data(as_text=True))
    assert db.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
