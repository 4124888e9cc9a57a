"""``flask outbox …``: the backlog of each consumer, the worker, retrying parked entries."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from incidents.db import background_writes, utcnow
from incidents.extensions import db_session
from incidents.outbox.hooks import handlers_of
from incidents.outbox.services import (
    Handler,
    backlog,
    drain,
    parked_entries,
    retry_parked,
)

outbox_cli = AppGroup("outbox", help="The work that follows changes: placement, indexing, mail.")


def _handlers(consumer: str | None) -> Mapping[str, Handler]:
    handlers = handlers_of(current_app)
    if consumer is None:
        return handlers
    if consumer not in handlers:
        raise click.BadParameter(f"choose one of {', '.join(handlers)}", param_hint="--consumer")
    return {consumer: handlers[consumer]}


def echo_status(session: Session, consumer: str | None = None) -> int:
    """Print each consumer's backlog and its parked entries; returns how many are parked."""
    now = utcnow()
    parked_total = 0
    for state in backlog(session):
        if consumer is not None and state.consumer != consumer:
            continue
        age = f", the oldest {_age(now - state.oldest_at)} old" if state.oldest_at else ""
        retrying = f" ({state.retrying} to be retried)" if state.retrying else ""
        click.echo(
            f"{state.consumer}: {state.waiting} waiting{retrying}{age}; {state.parked} parked"
        )
        parked_total += state.parked
    for entry in parked_entries(session, consumer):
        click.echo(
            f"  parked entry {entry.id} ({entry.consumer}, {entry.event} "
            f"{entry.subject_type} {entry.subject_id}, {entry.attempts} attempts): {entry.error}",
            err=True,
        )
    session.rollback()
    return parked_total


def _age(delta: object) -> str:
    seconds = int(getattr(delta, "total_seconds", lambda: 0)())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}{'s' if seconds // size != 1 else ''}"
    return f"{seconds} s"


def work(
    consumer: str | None,
    limit: int | None,
    follow: bool,
    interval: float,
    with_parent: bool = False,
) -> None:
    """Drain the consumers' backlogs now (or keep doing so with ``follow``; with
    ``with_parent`` until the process that started this one ends); exit status 1 if an
    entry failed."""
    parent = os.getppid()
    session = db_session()
    handlers = _handlers(consumer)
    if follow:
        click.echo(f"Working for {', '.join(handlers)} as changes arrive (Ctrl-C stops).")
    failed = False
    try:
        while True:
            done = 0
            for name, handle in handlers.items():
                result = drain(session, name, handle, limit=limit)
                done += result.processed
                for entry_id, error in result.failed:
                    failed = True
                    click.echo(f"  {name} entry {entry_id}: {error}", err=True)
                if result.processed or result.failed or not follow:
                    click.echo(
                        f"{name}: processed {result.processed} outbox entries, "
                        f"{len(result.failed)} failed, {result.remaining} waiting."
                    )
            if not follow:
                break
            if with_parent and os.getppid() != parent:
                click.echo("The process that started this one has ended; stopping.")
                return
            if not done:
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")
        return
    if failed:
        raise SystemExit(1)


_CONSUMER = click.option("--consumer", default=None, help="Only this consumer (e.g. dedup).")


@outbox_cli.command("status")
@_CONSUMER
def status_command(consumer: str | None) -> None:
    """How much work waits per consumer, how old it is, and what is parked (exit 1 if any)."""
    if echo_status(db_session(), consumer):
        raise SystemExit(1)


@outbox_cli.command("work")
@_CONSUMER
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many entries.")
@click.option(
    "--follow",
    is_flag=True,
    help="Keep working as changes arrive, until interrupted (the single worker to run beside "
    "web workers started with INCIDENTS_OUTBOX_AFTER_RESPONSE=false).",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 60),
    default=1.0,
    show_default=True,
    help="With --follow: seconds to wait when nothing is waiting.",
)
@click.option(
    "--with-parent",
    is_flag=True,
    help="With --follow: stop once the process that started this one ends (gunicorn's "
    "master starts one outbox worker so).",
)
def work_command(
    consumer: str | None, limit: int | None, follow: bool, interval: float, with_parent: bool
) -> None:
    """Do the work waiting in the outbox, oldest first; exit status 1 if any entry failed."""
    with background_writes():
        work(consumer, limit, follow, interval, with_parent)


@outbox_cli.command("retry")
@_CONSUMER
def retry_command(consumer: str | None) -> None:
    """Put the parked entries back in line (after the cause of their failure is fixed)."""
    session = db_session()
    count = retry_parked(session, consumer)
    session.commit()
    click.echo(f"{count} parked entries will be tried again.")
