"""Outgoing mail: enqueued in the change's transaction, sent after commit by the ``mail``
consumer, to ``.eml`` files or a real SMTP server; one-time links never kept after sending."""

from __future__ import annotations

import email
import socketserver
import threading
from collections.abc import Iterator
from email.message import EmailMessage, Message
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.config import ConfigError, load_settings
from incidents.mail.models import OutgoingMail
from incidents.mail.senders import FileSender, parse_mail_url
from incidents.mail.services import CONSUMER, MailSettings, enqueue, handler
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import drain
from incidents.refusals import Invalid

SETTINGS = MailSettings(
    mail_from="Exchange <noreply@exchange.example>", base_url="https://x.example"
)


def _files(folder: Path) -> list[Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def test_a_queued_message_is_written_once_with_its_link_and_the_link_is_then_forgotten(
    db: Session, tmp_path: Path
) -> None:
    mail = enqueue(db, "ada@aurora.example", "Unlock your account", "Hello.", "/login/unlock/s3")
    db.commit()
    assert db.scalar(sa.select(OutboxEntry.consumer).where(OutboxEntry.subject_id == mail.id)) == (
        CONSUMER
    )
    result = drain(db, CONSUMER, handler(FileSender(tmp_path), SETTINGS))
    assert (result.processed, result.failed) == (1, [])
    [message] = _files(tmp_path)
    assert message["To"] == "ada@aurora.example"
    assert message["From"] == "Exchange <noreply@exchange.example>"
    assert message["Message-ID"] == f"<{mail.token}@x.example>"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "https://x.example/login/unlock/s3" in body.decode()
    db.refresh(mail)
    assert mail.sent_at is not None
    assert mail.link is None
    # Sending the same message again (a crash before the outbox marked it) leaves one file.
    written = tmp_path / f"{mail.token}@x.example.eml"
    FileSender(tmp_path).send(email.message_from_bytes(written.read_bytes(), _class=EmailMessage))
    assert len(_files(tmp_path)) == 1


def test_a_message_of_a_rolled_back_change_is_never_sent(db: Session, tmp_path: Path) -> None:
    nested = db.begin_nested()
    enqueue(db, "ada@aurora.example", "Hello", "Body")
    nested.rollback()
    drain(db, CONSUMER, handler(FileSender(tmp_path), SETTINGS))
    assert _files(tmp_path) == []


def test_a_failing_sender_keeps_the_message_for_a_retry(db: Session, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    mail = enqueue(db, "ada@aurora.example", "Hello", "Body", "/secret")
    db.commit()
    result = drain(db, CONSUMER, handler(FileSender(blocked), SETTINGS))
    assert len(result.failed) == 1
    db.refresh(mail)
    assert mail.sent_at is None
    assert mail.link == "/secret"


@pytest.mark.parametrize(
    ("to", "subject"),
    [("two@a.example, b@b.example", "Hi"), ("nobody", "Hi"), ("a@b.example", "Two\nlines")],
)
def test_enqueue_refuses_what_would_become_a_malformed_message(
    db: Session, to: str, subject: str
) -> None:
    with pytest.raises(Invalid):
        enqueue(db, to, subject, "Body")


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message (a real socket conversation)."""

    received: ClassVar[list[bytes]] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.received.append(data)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []
    handler_class = type("Handler", (_SmtpHandler,), {"received": received})
    server = socketserver.TCPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_smtp_sender_delivers_to_the_configured_server(
    db: Session, smtp_server: tuple[int, list[bytes]]
) -> None:
    port, received = smtp_server
    enqueue(db, "ada@aurora.example", "Invitation", "Welcome.", "/invitations/abc")
    db.commit()
    sender = parse_mail_url(f"smtp://127.0.0.1:{port}?timeout=5")
    result = drain(db, CONSUMER, handler(sender, SETTINGS))
    assert (result.processed, result.failed) == (1, [])
    [data] = received
    assert b"Subject: Invitation" in data
    assert b"https://x.example/invitations/abc" in data


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://mail.example", "smtp:// or smtps://"),
        ("smtp://user:hunter2secret@mail.example?tls=1", "unknown options"),
        ("smtp://user:hunter2secret@mail.example?timeout=x", "timeout"),
        ("smtps://user:hunter2secret@mail.example?starttls=true", "TLS already"),
        ("smtp://user:hunter2secret@", "no host"),
    ],
)
def test_a_bad_mail_url_stops_start_up_without_repeating_its_password(
    tmp_path: Path, url: str, needle: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({}, {"INSTANCE_PATH": str(tmp_path), "MAIL_URL": url})
    assert needle in str(refused.value)
    assert "hunter2secret" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"), [("BASE_URL", "ftp://x.example"), ("MAIL_FROM", "not an address")]
)
def test_bad_mail_settings_stop_start_up(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"INCIDENTS_{name}"):
        load_settings({}, {"INSTANCE_PATH": str(tmp_path), name: value})


def test_flask_mail_send_writes_the_waiting_mail_under_the_instance_folder(
    app: Flask, db: Session
) -> None:
    mail = enqueue(db, "ada@aurora.example", "Hello", "Body")
    db.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "mail: processed 1 outbox entries" in result.output
    sent = Path(app.instance_path) / "mail" / f"{mail.token}@127.0.0.1.eml"
    assert sent.is_file()
    assert db.scalar(sa.select(OutgoingMail.sent_at).where(OutgoingMail.id == mail.id))
