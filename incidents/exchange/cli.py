"""``flask notify run``: reminders that fell due, immediate mail still waiting, digests."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from incidents.config import Settings
from incidents.db import utcnow
from incidents.exchange.notify import settings_from
from incidents.exchange.reminders import run
from incidents.extensions import services
from incidents.searching.alerts import alert_new_matches
from incidents.searching.engines import engines_of

notify_cli = AppGroup("notify", help="Notifications: reminders and daily digests.")


@notify_cli.command("run")
def run_command() -> None:
    """Tell what fell due (deadlines, answer-by dates, waiting triage, saved searches with new
    matches), queue the e-mail of immediate notifications and the daily digests. Safe to
    repeat: nothing is told twice. The mail goes out with `flask mail send` (or the outbox
    worker)."""
    config: Settings = current_app.config["INCIDENTS_SETTINGS"]
    session = services().database.session_factory()
    started = time.perf_counter()
    try:
        searches = alert_new_matches(session, engines_of(current_app).analyst)
        result = run(session, settings_from(config), utcnow())
        session.commit()
    finally:
        session.close()
    click.echo(f"saved searches: {searches} new notification(s)")
    for name, count in sorted(result.created.items()):
        click.echo(f"{name}: {count} new notification(s)")
    click.echo(f"mailed now: {result.mailed}; digests: {result.digests}")
    click.echo(f"done in {time.perf_counter() - started:.2f} s")
