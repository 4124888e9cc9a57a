"""How a message leaves: an ``.eml`` file under ``instance/mail/`` or an SMTP server.

Both are idempotent enough for the outbox's at-least-once delivery: a file is named by its
Message-ID and replaced whole; an SMTP resend carries the same Message-ID.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from incidents.config import ConfigError


class Sender(Protocol):
    """Delivers one built message; raises OSError (or smtplib.SMTPException) on failure."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class FileSender:
    """Writes each message to ``directory/<Message-ID>.eml`` (created when needed)."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        """Write ``message`` atomically; the same message written twice leaves one file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_") + ".eml"
        fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        os.replace(temporary, self.directory / name)


@dataclass(frozen=True)
class SmtpSender:
    """Sends through an SMTP server (``smtps://`` is TLS from the start; ``smtp://`` may
    upgrade with STARTTLS)."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    timeout: float

    def send(self, message: EmailMessage) -> None:
        """Send ``message``; raises smtplib.SMTPException or OSError when the server refuses
        or cannot be reached."""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def parse_mail_url(url: str) -> SmtpSender:
    """The SMTP sender described by ``INCIDENTS_MAIL_URL``:
    ``smtp[s]://[user[:password]@]host[:port][?starttls=true&timeout=10]``.

    Raises ConfigError naming the variable (never repeating the password).
    """
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname or ''}"
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError(f"INCIDENTS_MAIL_URL must start with smtp:// or smtps://, not {shown!r}")
    if not parts.hostname:
        raise ConfigError("INCIDENTS_MAIL_URL names no host")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError(f"INCIDENTS_MAIL_URL has an invalid port (host {shown!r})") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"starttls", "timeout"})
    if unknown:
        raise ConfigError(f"INCIDENTS_MAIL_URL has unknown options: {', '.join(unknown)}")
    starttls = query.get("starttls", "false").lower()
    if starttls not in ("true", "false"):
        raise ConfigError("INCIDENTS_MAIL_URL starttls must be true or false")
    try:
        timeout = float(query.get("timeout", "10"))
    except ValueError:
        raise ConfigError("INCIDENTS_MAIL_URL timeout must be a number of seconds") from None
    if not 0 < timeout <= 300:
        raise ConfigError("INCIDENTS_MAIL_URL timeout must be above 0 and at most 300")
    if parts.scheme == "smtps" and starttls == "true":
        raise ConfigError("INCIDENTS_MAIL_URL: smtps:// is TLS already; drop starttls")
    return SmtpSender(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        starttls=starttls == "true",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


def make_sender(mail_url: str, instance_path: Path) -> Sender:
    """SMTP when ``mail_url`` is set, else ``.eml`` files under ``instance_path/mail``."""
    if mail_url:
        return parse_mail_url(mail_url)
    return FileSender(instance_path / "mail")
