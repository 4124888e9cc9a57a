"""``flask reports import FILE.jsonl --org NAME``: file many reports the way the API would;
``flask reports example``: the documented example body, dated relative to today."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from incidents.extensions import db_session
from incidents.placement.services import drain, thresholds
from incidents.reports import bulk
from incidents.reports.examples import example_report
from incidents.security.caller import Caller

reports_cli = AppGroup("reports", help="Manage reports.")

SHOWN_ERRORS = 100  # the rest go to --errors FILE


@reports_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "org_name", required=True, help="The reporting organisation's name.")
@click.option("--user", "email", default=None, help="File as this user (default: first reporter).")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write each failed line's errors to this file as JSON Lines.",
)
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=bulk.BATCH_SIZE)
@click.option(
    "--dedup/--no-dedup",
    default=True,
    help="Place the imported reports in incidents now (default), or leave them in the outbox "
    "for `flask dedup drain`.",
)
def import_reports(
    source: Path,
    org_name: str,
    email: str | None,
    errors_path: Path | None,
    batch_size: int,
    dedup: bool,
) -> None:
    """Import SOURCE: JSON Lines, each line one report as POST /api/v1/reports takes it.

    Every line is validated and filed on its own; the failures are listed at the end and
    the command exits with status 1 when any line failed. The imported reports are then
    placed in incidents by the dedup engine (progress and failures on stderr).
    """
    session = db_session()
    try:
        user = bulk.filer_for(session, org_name, email)
    except bulk.ImportRefused as error:
        raise click.ClickException(str(error)) from None
    caller = Caller(principal=user, channel="cli")
    with (
        source.open("rb") as lines,
        click.progressbar(
            length=os.path.getsize(source), label="Importing", file=sys.stderr
        ) as bar,
    ):
        try:
            result = bulk.import_reports(
                session, caller, lines, batch_size=batch_size, progress=bar.update
            )
        except bulk.ImportInterrupted as error:
            raise click.ClickException(
                f"{error} ({error.committed} reports were imported before it; "
                "the lines after them were not)."
            ) from error
    _report_errors(result, errors_path)
    click.echo(f"Imported {result.imported} reports, {result.failed} failed.")
    if result.imported and dedup:
        place_imported(result.imported)
    if result.failed:
        raise SystemExit(1)


def place_imported(imported: int) -> None:
    """Drain the outbox the import filled (the web's after-response drain does not run here)."""
    settings = current_app.config["INCIDENTS_SETTINGS"]
    with click.progressbar(length=imported, label="Placing in incidents", file=sys.stderr) as bar:
        placed = drain(db_session(), thresholds(settings), on_entry=lambda _ms: bar.update(1))
    for entry_id, error in placed.failed:
        click.echo(f"outbox entry {entry_id}: {error}", err=True)
    click.echo(
        f"Placed {placed.processed} reports in incidents, {len(placed.failed)} failed"
        + (f"; {placed.remaining} wait for `flask dedup drain`." if placed.remaining else "."),
        err=True,
    )


def _report_errors(result: bulk.ImportResult, errors_path: Path | None) -> None:
    for error in result.errors[:SHOWN_ERRORS]:
        for path, messages in error.problems.items():
            click.echo(f"line {error.line}: {path}: {' '.join(messages)}", err=True)
    if result.failed > SHOWN_ERRORS:
        hint = f" (all in {errors_path})" if errors_path else " (use --errors FILE for all)"
        click.echo(f"... and {result.failed - SHOWN_ERRORS} more failed lines{hint}", err=True)
    if errors_path is not None:
        with errors_path.open("w", encoding="utf-8") as out:
            for error in result.errors:
                out.write(error.as_json() + "\n")


@reports_cli.command("example")
def print_example() -> None:
    """Print a complete initial report, as POST /api/v1/reports takes it, dated relative to
    today (the event the day before yesterday), so its deadlines lie ahead."""
    click.echo(json.dumps(example_report(), indent=2, ensure_ascii=False))
