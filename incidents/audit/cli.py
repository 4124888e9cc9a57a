"""``flask audit …``: check the audit log's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

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
def verify_command(anchors: list[ChainHead]) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first edited, deleted or moved
    event. Prints the head to keep elsewhere (e.g. daily) and pass back as --anchor."""
    state = verify(db_session(), anchors=anchors)
    if state.broken is not None:
        where = (
            "missing event" if state.broken.event_id is None else f"event {state.broken.event_id}"
        )
        raise click.ClickException(
            f"The audit chain is broken at position {state.broken.position} ({where}): "
            f"{state.broken.problem}. {state.checked - 1} events before it are intact."
        )
    click.echo(f"The audit chain holds: {state.checked} events intact.")
    click.echo(f"Head: {state.head.position}:{state.head.digest}")
    if state.unsealed:
        raise click.ClickException(
            f"{state.unsealed} events are outside the chain (written without sealing)."
        )
