"""The command line: organisations, users, tokens and the demo data."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.accounts import services
from incidents.accounts.demo import DEMO_PASSWORD, USERS
from incidents.accounts.models import Organization
from incidents.mail.models import OutgoingMail
from incidents.security.permissions import OrganizationKind, Role
from tests import factories
from tests.conftest import csrf_token, login

PASSWORD = "a sufficiently long passphrase"
TOKEN_LINE = re.compile(r"^aix_[A-Za-z0-9_-]{43}$")


def _run(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


@pytest.fixture
def cli(app: Flask, db: Session):
    return lambda *args, input=None: _run(app, *args, input=input)


def test_org_create(cli, db: Session) -> None:
    result = cli("org", "create", "Institute Y", "--kind", "institute")
    assert result.exit_code == 0, result.output
    organization = services.find_organization(db, "Institute Y")
    assert organization is not None
    assert organization.kind is OrganizationKind.INSTITUTE
    assert not organization.is_network_member


@pytest.mark.parametrize(
    ("args", "message", "status"),
    [
        # Network membership takes two operator admins on the admin pages: no option for it.
        (("Institute X", "--kind", "institute", "--network-member"), "No such option", 2),
        (("Acme Models", "--kind", "company"), "already exists", 1),
    ],
)
def test_org_create_errors(
    cli, company: Organization, args: tuple[str, ...], message: str, status: int
) -> None:
    result = cli("org", "create", *args)
    assert result.exit_code == status
    assert message in result.output


def test_org_create_rejects_an_unknown_kind(cli) -> None:
    result = cli("org", "create", "Nameless", "--kind", "bank")
    assert result.exit_code == 2
    assert "'bank' is not one of" in result.output


def test_user_create_makes_an_operator_admin_reading_the_password_from_stdin(
    cli, client: FlaskClient, db: Session, operator: Organization
) -> None:
    result = cli(
        "user",
        "create",
        "Rita@Example.org",
        "--org",
        operator.name,
        "--role",
        "admin",
        "--name",
        "Rita",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = services.find_user(db, "rita@example.org")
    assert user is not None
    assert (user.name, user.role, user.organization) == ("Rita", Role.ADMIN, operator)
    assert PASSWORD not in result.output
    login(client, user, PASSWORD)


@pytest.mark.parametrize(
    ("email", "org", "role", "password", "message", "status"),
    [
        ("new@example.org", "No Such Org", "admin", PASSWORD, "No organisation is called", 1),
        ("taken@example.org", "Exchange Operator", "admin", PASSWORD, "already exists", 1),
        ("new@example.org", "Exchange Operator", "admin", "short", "at least 12", 1),
        ("new@example.org", "Acme Models", "admin", PASSWORD, "cannot be admin", 1),
        ("not-an-email", "Exchange Operator", "admin", PASSWORD, "Not a valid e-mail", 1),
        # Everyone else joins by invitation and gets roles from their own org admins.
        ("new@example.org", "Safety Institute One", "analyst", PASSWORD, "'analyst' is not", 2),
        ("new@example.org", "Acme Models", "org_admin", PASSWORD, "'org_admin' is not", 2),
    ],
)
def test_user_create_errors(
    cli,
    make_user,
    institute: Organization,
    email: str,
    org: str,
    role: str,
    password: str,
    message: str,
    status: int,
) -> None:
    make_user(Role.REPORTER, email="taken@example.org")
    result = cli("user", "create", email, "--org", org, "--role", role, input=password + "\n")
    assert result.exit_code == status
    assert message in result.output
    assert "Traceback" not in result.output


def test_user_invite_mails_a_link_and_prints_no_secret(
    cli, db: Session, company: Organization, make_user
) -> None:
    result = cli(
        "user", "invite", "boss@acme.example", "--org", "Acme Models", "--role", "org_admin"
    )
    assert result.exit_code == 0, result.output
    [mail] = db.scalars(sa.select(OutgoingMail)).all()
    assert mail.recipient == "boss@acme.example"
    assert "/invitations/" not in result.output
    assert services.find_user(db, "boss@acme.example") is None
    # Once the organisation has a user, the command line invites nobody into it.
    make_user(Role.REPORTER)
    again = cli("user", "invite", "two@acme.example", "--org", "Acme Models", "--role", "org_admin")
    assert again.exit_code == 1
    assert "its own org admins" in again.output


def test_token_create_needs_the_password_and_prints_only_a_working_token(
    cli, client: FlaskClient, make_user
) -> None:
    user = make_user(Role.ANALYST, email="ana@example.org")
    result = cli(
        "token",
        "create",
        "ana@example.org",
        "--name",
        "pipeline",
        "--expires-days",
        "7",
        input=factories.TEST_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n")
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert TOKEN_LINE.match(lines[0])
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {lines[0]}"})
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["email"] == user.email
    [token] = user.tokens
    assert token.name == "pipeline"
    assert token.expires_at is not None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("ghost@example.org",), factories.TEST_PASSWORD, "or its password is not right"),
        (("ana@example.org",), "a wrong password", "or its password is not right"),
        (("ana@example.org",), "", "or its password is not right"),
        (("ana@example.org", "--expires-days", "0"), factories.TEST_PASSWORD, "not in the range"),
    ],
)
def test_token_create_errors(
    cli, make_user, args: tuple[str, ...], password: str, message: str
) -> None:
    user = make_user(Role.ANALYST, email="ana@example.org")
    result = cli("token", "create", *args, input=password + "\n")
    assert result.exit_code != 0
    assert message in result.output
    assert not TOKEN_LINE.search(result.output)
    assert user.tokens == []


def test_demo_is_safe_to_run_twice_and_its_logins_work(
    cli, client: FlaskClient, db: Session
) -> None:
    first = cli("demo")
    assert first.exit_code == 0, first.output
    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert second.output == first.output
    assert DEMO_PASSWORD in first.output
    for demo_user in USERS:
        assert demo_user.email in first.output
        user = services.find_user(db, demo_user.email)
        assert user is not None
        assert user.role is demo_user.role
        login(client, user, DEMO_PASSWORD)
        assert client.get("/account").status_code == 200
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
