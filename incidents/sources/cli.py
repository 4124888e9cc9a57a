"""``flask sources import FILE --format jsonl|csv|aiid --as ANALYST_EMAIL``: public coverage
as public-source reports, with a progress bar and each bad line's errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from incidents.accounts.models import User
from incidents.extensions import db_session
from incidents.refusals import Forbidden
from incidents.reports.cli import place_imported
from incidents.security.caller import Caller
from incidents.sources import formats
from incidents.sources.services import ImportResult, Outcome, Status, import_sources

sources_cli = AppGroup("sources", help="Import public coverage (news, public databases).")

SHOWN_ERRORS = 100
COMMIT_EVERY = 200


@sources_cli.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "kind",
    type=click.Choice(["jsonl", "csv", "aiid"]),
    required=True,
    help="jsonl or csv (the generic fields), or aiid: an AI Incident Database snapshot "
    "(a directory with incidents.csv and reports.csv, or reports.csv beside incidents.csv).",
)
@click.option("--as", "email", required=True, help="The importing analyst's e-mail.")
@click.option(
    "--dedup/--no-dedup",
    default=True,
    help="Place the imported items in incidents now (default), or leave them in the outbox "
    "for `flask dedup drain`.",
)
def import_command(source: Path, kind: str, email: str, dedup: bool) -> None:
    """Import SOURCE as public-source reports, each item on its own.

    An item already imported (the same URL, or the same AIID report number) is not imported
    again. Bad lines are listed with their line number and field; the others are imported,
    and the command exits with status 1 when any line failed.
    """
    session = db_session()
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user has the e-mail {email!r}.")
    entries, total = _entries(source, kind)
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:

        def advance(_outcome: Outcome) -> None:
            bar.update(1)

        try:
            result = import_sources(
                session,
                Caller(principal=user, channel="cli"),
                entries,
                origin=f"{kind}:{source.name}",
                on_item=advance,
                commit_every=COMMIT_EVERY,
            )
        except Forbidden as error:
            raise click.ClickException(f"{user.email}: {error}") from None
    _echo_errors(result)
    click.echo(
        f"Imported {result.imported} items, {result.already_imported} already imported, "
        f"{result.failed} failed."
    )
    if result.imported and dedup:
        place_imported(result.imported)
    if result.failed:
        raise SystemExit(1)


def _entries(source: Path, kind: str) -> tuple[Iterator[formats.Entry], int]:
    """The entries of ``source`` and how many lines they are read from (for the bar)."""
    if kind == "aiid":
        folder = source if source.is_dir() else source.parent
        incidents, reports = folder / "incidents.csv", folder / "reports.csv"
        for needed in (incidents, reports):
            if not needed.is_file():
                raise click.ClickException(f"{needed} is missing (an AIID snapshot has it).")
        text = reports.read_text(encoding="utf-8")
        entries = formats.read_aiid(incidents.read_text(encoding="utf-8"), text)
        return entries, _records(text)
    if source.is_dir():
        raise click.ClickException(f"{source} is a directory; give the {kind} file.")
    if kind == "csv":
        text = source.read_text(encoding="utf-8")
        return formats.read_csv(text, source.name), _records(text)
    lines = source.read_bytes().splitlines()
    return formats.read_jsonl(lines), sum(1 for line in lines if line.strip())


def _records(text: str) -> int:
    return max(0, text.count("\n") - 1)


def _echo_errors(result: ImportResult) -> None:
    failed = [o for o in result.outcomes if o.status == Status.INVALID]
    for outcome in failed[:SHOWN_ERRORS]:
        for path, messages in outcome.problems.items():
            click.echo(f"{outcome.where}: {path}: {' '.join(messages)}", err=True)
    if len(failed) > SHOWN_ERRORS:
        click.echo(f"... and {len(failed) - SHOWN_ERRORS} more failed lines", err=True)
