"""``flask org|user|token create``: command shapes that other tools script against."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from incidents.accounts import invitations
from incidents.accounts import services as account_services
from incidents.accounts.services import AccountError
from incidents.extensions import db_session, services
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role

org_cli = AppGroup("org", help="Manage organisations.")
user_cli = AppGroup("user", help="Manage users.")
token_cli = AppGroup("token", help="Manage API tokens.")


@org_cli.command("create")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([kind.value for kind in OrganizationKind]))
def create_org(name: str, kind: str) -> None:
    """Create organisation NAME (network membership takes two admins, on the admin pages)."""
    session = db_session()
    try:
        account_services.create_organization(
            session,
            Caller.command_line(),
            name=name,
            kind=OrganizationKind(kind),
        )
    except AccountError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Created {kind} {name!r}.")


@user_cli.command("create")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="The organisation's name.")
@click.option("--role", required=True, type=click.Choice([Role.ADMIN.value]))
@click.option("--name", default="", help="The person's name.")
def create_user(email: str, org_name: str, role: str, name: str) -> None:
    """Create operator admin EMAIL; the password is read from standard input. Everyone else
    joins by invitation (``flask user invite``) and gets roles from their org admins."""
    session = db_session()
    organization = account_services.find_organization(session, org_name)
    if organization is None:
        raise click.ClickException(f"No organisation is called {org_name!r}.")
    password = _read_password()
    try:
        account_services.create_user(
            session,
            Caller.command_line(),
            services().hasher,
            email=email,
            organization=organization,
            role=Role(role),
            password=password,
            name=name,
        )
    except AccountError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"Created {role} {email} in {organization.name!r}.")


def _read_password(*, confirm: bool = True) -> str:
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=confirm)
        return password
    return sys.stdin.readline().rstrip("\r\n")


@user_cli.command("invite")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="The organisation's name.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([Role.ORG_ADMIN.value, Role.ADMIN.value]),
    help="org_admin: the first admin of an organisation that never had a user; admin: an "
    "operator admin.",
)
def invite_user(email: str, org_name: str, role: str) -> None:
    """E-mail EMAIL an invitation link (valid 3 days) to set up their own account."""
    session = db_session()
    organization = account_services.find_organization(session, org_name)
    if organization is None:
        raise click.ClickException(f"No organisation is called {org_name!r}.")
    try:
        invitations.invite(
            session, Caller.command_line(), email=email, organization=organization, role=Role(role)
        )
    except AccountError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(f"An invitation to {organization.name!r} is on its way to {email}.")


@token_cli.command("create")
@click.argument("email")
@click.option("--name", default="command line", help="What the token is for.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None)
def create_token(email: str, name: str, expires_days: int | None) -> None:
    """Create an API token acting as EMAIL, whose password is read from standard input (an
    operator cannot mint a token for somebody else); prints only the token."""
    session = db_session()
    password = _read_password(confirm=False)
    user = account_services.authenticate(
        session, Caller.command_line(), services().hasher, email=email, password=password
    )
    if user is None:
        session.commit()  # the failed login stays audited
        raise click.ClickException(f"The e-mail {email!r} or its password is not right.")
    try:
        _token, secret = account_services.create_token(
            session, Caller.command_line(), user, name=name, expires_days=expires_days
        )
    except AccountError as error:
        raise click.ClickException(error.message) from None
    session.commit()
    click.echo(secret)
