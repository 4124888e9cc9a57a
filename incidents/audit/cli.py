"""``flask audit …``: check the audit log's hash chain."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from incidents.audit.anchors import (
    KEY_FILE,
    AnchorKeyError,
    anchor_days,
    checked_anchors,
    public_hex,
    signing_key,
)
from incidents.audit.services import ChainHead, verify
from incidents.extensions import db_session

audit_cli = AppGroup("audit", help="The audit log.")


def _anchor(
    _context: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> list[ChainHead]:
    anchors = []
    for value in values:
        position, _, digest = value.partition(":")
        if not position.isdigit() or len(digest) != 64:
            raise click.BadParameter(f"expected POSITION:SHA256, not {value!r}")
        anchors.append(ChainHead(int(position), digest.lower()))
    return anchors


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    callback=_anchor,
    metavar="POSITION:SHA256",
    help="A head printed earlier (and kept elsewhere): it must still be in the chain.",
)
@click.option(
    "--public-key",
    metavar="HEX",
    help="The operator's public key (printed by `audit anchor`); by default the key file's.",
)
def verify_command(anchors: list[ChainHead], public_key: str | None) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first edited, deleted or moved
    event, or a daily anchor whose signature fails. Prints the head to keep elsewhere."""
    session = db_session()
    if public_key is None:
        public_key = _own_public_key()
    signed, bad = checked_anchors(session, public_key.lower() if public_key else None)
    if bad:
        raise click.ClickException(
            "; ".join(f"The anchor of {anchor.day}: {anchor.problem}" for anchor in bad) + "."
        )
    state = verify(session, anchors=[*anchors, *signed])
    if state.broken is not None:
        where = (
            "missing event" if state.broken.event_id is None else f"event {state.broken.event_id}"
        )
        raise click.ClickException(
            f"The audit chain is broken at position {state.broken.position} ({where}): "
            f"{state.broken.problem}. {state.checked - 1} events before it are intact."
        )
    click.echo(f"The audit chain holds: {state.checked} events intact.")
    if signed:
        source = "the operator's key" if public_key else "the keys stored beside them"
        click.echo(f"{len(signed)} signed daily anchors hold (checked against {source}).")
    click.echo(f"Head: {state.head.position}:{state.head.digest}")
    if state.unsealed:
        raise click.ClickException(
            f"{state.unsealed} events are outside the chain (written without sealing)."
        )


def _key_path(path: Path | None) -> Path:
    return path or Path(current_app.instance_path) / KEY_FILE


def _own_public_key() -> str | None:
    path = _key_path(None)
    if not path.exists():
        return None
    try:
        return public_hex(signing_key(path, create=False)[0])
    except AnchorKeyError as error:
        raise click.ClickException(str(error)) from error


@audit_cli.command("anchor")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"The Ed25519 signing key (PEM); by default instance/{KEY_FILE}, created if missing.",
)
def anchor_command(key_path: Path | None) -> None:
    """Sign the chain's head at the end of every finished UTC day not anchored yet (run it
    daily) and print one line per day to publish where this database's administrators
    cannot change it."""
    path = _key_path(key_path)
    try:
        key, created = signing_key(path, create=key_path is None)
    except AnchorKeyError as error:
        raise click.ClickException(str(error)) from error
    if created:
        click.echo(f"Created the signing key {path}: keep a copy away from this machine.")
    session = db_session()
    anchors = anchor_days(session, key, today=datetime.now(UTC).date())
    session.commit()
    click.echo(f"Public key: {public_hex(key)}")
    for anchor in anchors:
        click.echo(f"{anchor.day} {anchor.position}:{anchor.digest} signature {anchor.signature}")
    if not anchors:
        click.echo("Every finished day is anchored already.")
