"""Mail delivery through a real SMTP conversation: a server that refuses or goes silent is
retried, and a sender killed mid-batch loses nothing and sends nothing twice."""

from __future__ import annotations

import email
import os
import signal
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents import create_app
from incidents.db import utcnow
from incidents.mail.models import OutgoingMail
from incidents.mail.senders import parse_mail_url
from incidents.mail.services import CONSUMER, MailSettings, enqueue, handler
from incidents.migrate import upgrade
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import drain
from tests.conftest import test_settings as settings_for
from tests.databases import sibling_database

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = MailSettings(mail_from="Exchange <noreply@x.example>", base_url="https://x.example")


@dataclass
class Behaviour:
    """What the test server does: refuse the first ``refuse`` messages with 451, stay silent
    on the first ``silent`` connections, and hold message number ``hold_at`` unanswered."""

    refuse: int = 0
    silent: int = 0
    hold_at: int | None = None
    accepted: list[str] = field(default_factory=list)  # Message-IDs answered 250
    seen: int = 0
    connections: int = 0
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def _server(behaviour: Behaviour) -> socketserver.ThreadingTCPServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            behaviour.connections += 1
            if behaviour.connections <= behaviour.silent:
                behaviour.release.wait(10)  # never greets: the client times out
                return
            self.wfile.write(b"220 test\r\n")
            while line := self.rfile.readline():
                command = line.strip().upper()
                if command == b"DATA":
                    self.wfile.write(b"354 go ahead\r\n")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk
                    behaviour.seen += 1
                    if behaviour.seen == behaviour.hold_at:
                        behaviour.holding.set()
                        behaviour.release.wait(60)  # killed before it hears 250
                        return
                    if behaviour.seen <= behaviour.refuse:
                        self.wfile.write(b"451 try again later\r\n")
                        continue
                    behaviour.accepted.append(str(email.message_from_bytes(data)["Message-ID"]))
                    self.wfile.write(b"250 queued\r\n")
                elif command == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 ok\r\n")

    socketserver.ThreadingTCPServer.daemon_threads = True
    return socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def smtp() -> Iterator[tuple[Behaviour, int]]:
    behaviour = Behaviour()
    server = _server(behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield behaviour, server.server_address[1]
    behaviour.release.set()
    server.shutdown()
    server.server_close()


def _due_now(db: Session) -> None:
    """Skip the retry delay (the test does not wait 30 seconds)."""
    db.execute(sa.update(OutboxEntry).values(retry_at=utcnow() - timedelta(seconds=1)))
    db.commit()


@pytest.mark.parametrize("fault", ["refuses", "silent"])
def test_a_server_that_refuses_or_times_out_is_retried_and_the_mail_sent_once(
    db: Session, smtp: tuple[Behaviour, int], fault: str
) -> None:
    behaviour, port = smtp
    if fault == "refuses":
        behaviour.refuse = 1
    else:
        behaviour.silent = 1
    mail = enqueue(db, "ada@aurora.example", "Report shared", "RPT-2026-00001 is waiting.")
    db.commit()
    sender = parse_mail_url(f"smtp://127.0.0.1:{port}?timeout=1")

    first = drain(db, CONSUMER, handler(sender, SETTINGS))
    assert (first.processed, len(first.failed)) == (0, 1)
    assert behaviour.accepted == []
    entry = db.scalars(sa.select(OutboxEntry).where(OutboxEntry.consumer == CONSUMER)).one()
    assert entry.attempts == 1
    assert entry.error
    assert entry.retry_at
    assert entry.done_at is None

    _due_now(db)
    second = drain(db, CONSUMER, handler(sender, SETTINGS))
    assert (second.processed, second.failed) == (1, [])
    assert behaviour.accepted == [f"<{mail.token}@x.example>"]
    assert db.scalar(sa.select(OutgoingMail.sent_at).where(OutgoingMail.id == mail.id))
    assert drain(db, CONSUMER, handler(sender, SETTINGS)).processed == 0


def test_a_sender_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    database_url: str, tmp_path: Path, smtp: tuple[Behaviour, int]
) -> None:
    behaviour, port = smtp
    behaviour.hold_at = 4  # the fourth message is never answered: the sender dies first
    with sibling_database(database_url, tmp_path, "mail") as url:
        settings = settings_for(tmp_path / "instance", url)
        engine = create_app(settings).extensions["incidents"].database.engine
        upgrade(engine)
        with Session(engine) as session:
            tokens = [
                enqueue(session, f"user{i}@aurora.example", f"Notice {i}", "A reference.").token
                for i in range(12)
            ]
            session.commit()
        engine.dispose()
        env = {
            **os.environ,
            **{f"INCIDENTS_{name}": str(value) for name, value in settings.items()},
            "INCIDENTS_MAIL_URL": f"smtp://127.0.0.1:{port}?timeout=5",
            "INCIDENTS_BASE_URL": "https://x.example",
        }
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send"]
        sender = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command
        try:
            assert behaviour.holding.wait(120), "the sender never reached the fourth message"
            os.kill(sender.pid, signal.SIGKILL)
        finally:
            sender.wait(30)
        behaviour.release.set()
        assert len(behaviour.accepted) == 3

        finished = subprocess.run(  # noqa: S603 - our own command
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert finished.returncode == 0, finished.stderr[-2000:]
        assert sorted(behaviour.accepted) == sorted(f"<{t}@x.example>" for t in tokens)
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                unsent = connection.scalar(
                    sa.select(sa.func.count()).where(OutgoingMail.sent_at.is_(None))
                )
                waiting = connection.scalar(
                    sa.select(sa.func.count()).where(OutboxEntry.done_at.is_(None))
                )
            assert (unsent, waiting) == (0, 0)
        finally:
            engine.dispose()
