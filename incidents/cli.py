"""The command line: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import functools
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from incidents.accounts.cli import org_cli, token_cli, user_cli
from incidents.accounts.demo import DEMO_PASSWORD, load_demo
from incidents.audit.cli import audit_cli
from incidents.backup.cli import backup_cli, copy_command
from incidents.classification.cli import taxonomy_cli
from incidents.errors import DATABASE_UNAVAILABLE, unavailable_message
from incidents.extensions import db_session, services
from incidents.mail.cli import mail_cli
from incidents.outbox.cli import outbox_cli
from incidents.placement.cli import dedup_cli
from incidents.placement.services import drain, thresholds
from incidents.public.demo import load_demo_publications
from incidents.reports.cli import reports_cli
from incidents.reports.demo import load_demo_reports
from incidents.searching.cli import search_cli, search_drain
from incidents.sources.cli import sources_cli


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
    from incidents.exchange.cli import notify_cli

    for command in (
        org_cli,
        user_cli,
        token_cli,
        taxonomy_cli,
        reports_cli,
        dedup_cli,
        outbox_cli,
        mail_cli,
        audit_cli,
        backup_cli,
        notify_cli,
        search_cli,
        sources_cli,
        demo_command,
    ):
        _guard_database_errors(command)
        app.cli.add_command(command)
    from flask_migrate.cli import db as db_group  # Flask-Migrate's ``flask db``

    _guard_database_errors(copy_command)
    db_group.add_command(copy_command)


def _guard_database_errors(command: click.Command) -> None:
    """Make a command whose database is unreachable, read-only or full exit 1 with one clear
    line instead of a stack trace (its transaction was rolled back: nothing half-written)."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _guard_database_errors(subcommand)
    callback = command.callback
    if callback is None or getattr(callback, "_guards_database", False):
        return

    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except DATABASE_UNAVAILABLE as error:
            detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            message = unavailable_message(error).replace("; the operators have been told", "")
            raise click.ClickException(f"{message} ({detail})") from None

    guarded._guards_database = True  # type: ignore[attr-defined]
    command.callback = guarded
