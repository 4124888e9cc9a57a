"""``flask search …``: rebuild the indexes, verify them against the database, and the worker
that keeps them in step for multi-worker deployments."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from incidents import search
from incidents.extensions import db_session
from incidents.outbox.cli import work
from incidents.outbox.hooks import handlers_of
from incidents.outbox.services import DrainResult, drain
from incidents.searching import indexing
from incidents.searching.engines import engines_of


def search_drain(session: Session) -> DrainResult:
    """Index everything that waits for the search consumer now."""
    return drain(session, indexing.CONSUMER, handlers_of(current_app)[indexing.CONSUMER])


search_cli = AppGroup("search", help="The search indexes: rebuild, verify, keep them in step.")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild both search indexes from the database, with a progress bar."""
    engines, session = engines_of(current_app), db_session()
    with click.progressbar(length=1, label="Indexing reports and incidents") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        indexed = search.rebuild(session, engines.analyst, progress, notes=indexing.NOTES)
    published = indexing.rebuild_public(session, engines.public)
    session.rollback()
    click.echo(f"Indexed {indexed} documents; {published} published records in the public index.")


@search_cli.command("verify")
def verify_command() -> None:
    """Compare the indexes with the database; exit status 1 naming each drift."""
    engines, session = engines_of(current_app), db_session()
    drifts = search.verify(session, engines.analyst, notes=indexing.NOTES)
    drifts += indexing.verify_public(session, engines.public)
    session.rollback()
    for drift in drifts:
        click.echo(f"{drift.kind}: {drift.id}", err=True)
    if drifts:
        click.echo(
            f"{len(drifts)} differences between the index and the database; "
            "`flask --app wsgi search worker --once` or `search rebuild` repairs them.",
            err=True,
        )
        raise SystemExit(1)
    click.echo("The search index matches the database.")


@search_cli.command("worker")
@click.option("--once", is_flag=True, help="Drain what waits now, then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 60),
    default=1.0,
    show_default=True,
    help="Seconds to wait when nothing is waiting.",
)
def worker_command(once: bool, interval: float) -> None:
    """Index changes as they are committed (the one search writer beside web workers started
    with INCIDENTS_OUTBOX_AFTER_RESPONSE=false); Ctrl-C stops. Exit status 1 if an entry
    failed (with --once)."""
    # The outbox's own worker: drain() holds the consumer's lock, so two never write at once.
    work(indexing.CONSUMER, None, not once, interval)
