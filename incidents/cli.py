"""The command line: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from incidents.accounts.cli import org_cli, token_cli, user_cli
from incidents.accounts.demo import DEMO_PASSWORD, load_demo
from incidents.classification.cli import taxonomy_cli
from incidents.extensions import db_session, services
from incidents.mail.cli import mail_cli
from incidents.outbox.cli import outbox_cli
from incidents.placement.cli import dedup_cli
from incidents.placement.services import drain, thresholds
from incidents.public.demo import load_demo_publications
from incidents.reports.cli import reports_cli
from incidents.reports.demo import load_demo_reports
from incidents.searching.cli import search_cli, search_drain


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load fictional demo organisations and users (safe to run twice); print the logins."""
    if current_app.config["INCIDENTS_SETTINGS"].is_production:
        raise click.ClickException("Demo data is for trying the site, not for production.")
    session = db_session()
    users = load_demo(session, services().hasher)
    load_demo_reports(session)
    session.commit()
    placed = drain(session, thresholds(current_app.config["INCIDENTS_SETTINGS"]))
    for entry_id, error in placed.failed:
        click.echo(f"Outbox entry {entry_id} could not be placed: {error}", err=True)
    load_demo_publications(session)
    session.commit()
    indexed = search_drain(session)
    for entry_id, error in indexed.failed:
        click.echo(f"Outbox entry {entry_id} could not be indexed: {error}", err=True)
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.role.value:<10} {user.email:<28} {user.organization}")


def register_commands(app: Flask) -> None:
    for command in (
        org_cli,
        user_cli,
        token_cli,
        taxonomy_cli,
        reports_cli,
        dedup_cli,
        outbox_cli,
        mail_cli,
        search_cli,
        demo_command,
    ):
        app.cli.add_command(command)
