"""``flask backup create|restore`` and ``flask db copy --to URL``."""

from __future__ import annotations

import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from incidents.backup.services import (
    BackupError,
    copy_database,
    create_backup,
    remove_backup,
    restore_backup,
)
from incidents.db import create_engine
from incidents.extensions import services

backup_cli = AppGroup("backup", help="Backups of the database (and a restore from one).")


def _rebuild_derived_data() -> None:
    """Rebuild the search index if this app has one: it is derived from the database."""
    search = current_app.cli.commands.get("search")
    rebuild = getattr(search, "commands", {}).get("rebuild")
    if rebuild is not None:
        click.echo("Rebuilding the search index from the restored database …")
        click.get_current_context().invoke(rebuild)


@backup_cli.command("create")
@click.argument("path", type=click.Path(path_type=Path))
def create_command(path: Path) -> None:
    """Write a consistent online copy of the database into the new folder PATH (SQLite's
    backup API, or pg_dump's custom format) with a manifest of checksums and row counts."""
    started = time.perf_counter()
    try:
        manifest = create_backup(services().database.engine, path)
    except BackupError as error:
        if path.exists() and not (path / "manifest.json").exists():
            remove_backup(path)  # a half-made backup is no backup
        raise click.ClickException(str(error)) from None
    rows = sum(table.rows for table in manifest.tables.values())
    click.echo(
        f"Backed up {rows} rows in {len(manifest.tables)} tables ({manifest.backend}, "
        f"revision {manifest.revision}) to {path} in {time.perf_counter() - started:.1f} s."
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup in PATH, after checking its checksums; then
    check every table against the manifest. Stop the web workers first."""
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    started = time.perf_counter()
    try:
        manifest = restore_backup(services().database.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(table.rows for table in manifest.tables.values())
    click.echo(
        f"Restored {rows} rows in {len(manifest.tables)} tables from {path} (made "
        f"{manifest.created_at}); every table matches the manifest "
        f"({time.perf_counter() - started:.1f} s)."
    )
    _rebuild_derived_data()


@click.command("copy")
@click.option("--to", "target_url", required=True, help="The empty target database's URL.")
@with_appcontext
def copy_command(target_url: str) -> None:
    """Copy every row of this site's database into another one (e.g. from the embedded
    SQLite file to PostgreSQL), then compare row counts and content digests table by table."""
    try:
        sa.make_url(target_url)
    except sa.exc.ArgumentError:
        raise click.BadParameter("not a database URL", param_hint="--to") from None
    source = services().database.engine
    target = create_engine(target_url)
    started = time.perf_counter()
    try:
        result = copy_database(
            source, target, progress=lambda name, rows: click.echo(f"  {name}: {rows} rows")
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        target.dispose()
    if result.differing:
        raise click.ClickException(f"Copied, but these tables differ: {result.differing}")
    rows = sum(table.rows for table in result.tables.values())
    click.echo(
        f"Copied {rows} rows in {len(result.tables)} tables; counts and content digests match "
        f"({time.perf_counter() - started:.1f} s). Point INCIDENTS_DATABASE_URL at the new "
        "database and rebuild the search index there."
    )
