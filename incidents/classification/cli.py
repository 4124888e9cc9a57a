"""``flask taxonomy check | diff A B | export --format json|jsonschema|csv``."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

import taxonomy
from incidents.classification.lookup import UnknownVersion, taxonomy_version
from taxonomy.export import json_schema, to_csv, to_json

taxonomy_cli = AppGroup("taxonomy", help="Check, compare and export the shared taxonomy.")


@taxonomy_cli.command("check")
def check_command() -> None:
    """Validate every version's data files; exit 1 listing every problem."""
    problems = taxonomy.check()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"Taxonomy data is valid: {', '.join(taxonomy.versions())}.")


@taxonomy_cli.command("diff")
@click.argument("old")
@click.argument("new")
def diff_command(old: str, new: str) -> None:
    """Print what changed between versions OLD and NEW."""
    try:
        result = taxonomy.diff(old, new)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(taxonomy.format_diff(result), nl=False)


@taxonomy_cli.command("export")
@click.option(
    "--format", "export_format", type=click.Choice(["json", "jsonschema", "csv"]), default="json"
)
@click.option("--version", "version", default=None, help="Default: the latest.")
@click.option(
    "--stage",
    type=click.Choice(list(taxonomy.STAGES)),
    default="initial",
    help="The report stage the JSON Schema checks for.",
)
def export_command(export_format: str, version: str | None, stage: str) -> None:
    """Print the taxonomy as JSON, as a JSON Schema of a classification, or as CSV."""
    try:
        chosen = taxonomy_version(version)
    except UnknownVersion as error:
        raise click.ClickException(str(error)) from None
    if export_format == "csv":
        click.echo(to_csv(chosen), nl=False)
        return
    data = to_json(chosen) if export_format == "json" else json_schema(chosen, stage)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
