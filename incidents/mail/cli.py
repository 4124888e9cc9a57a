"""``flask mail send``: send the mail waiting in the outbox (the ``mail`` consumer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from incidents.mail.services import CONSUMER
from incidents.outbox.cli import work

mail_cli = AppGroup("mail", help="Outgoing mail (invitations, unlock links, notifications).")


@mail_cli.command("send")
@click.option("--follow", is_flag=True, help="Keep sending as mail arrives, until interrupted.")
def send_command(follow: bool) -> None:
    """Send the mail that waits in the outbox; exit status 1 if a message failed."""
    work(CONSUMER, None, follow, 1.0)
