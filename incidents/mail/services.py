"""Enqueueing mail in a change's transaction, and the outbox consumer that sends it.

Other domains call :func:`enqueue` only; the application registers :func:`handler` as the
outbox consumer :data:`CONSUMER`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from incidents.db import utcnow
from incidents.mail.models import OutgoingMail
from incidents.mail.senders import Sender
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import Event, Handler, publish
from incidents.refusals import Invalid

#: The outbox consumer that sends enqueued mail.
CONSUMER = "mail"
SUBJECT_TYPE = "mail"


def enqueue(
    session: Session, to: str, subject: str, body: str, link: str | None = None
) -> OutgoingMail:
    """Add a message to ``to`` to the session's transaction; it is sent once that commits.

    ``link`` (a path such as ``/login/unlock/abc`` or an absolute URL) is printed on its own
    line after ``body``; a path gets ``INCIDENTS_BASE_URL`` in front. It is stored apart from
    the body and deleted once sent, so it may carry a one-time secret.

    Raises Invalid when ``to`` is not one address or ``subject`` is empty or spans lines.
    """
    return enqueue_many(session, [Message(to, subject, body, link)])[0]


@dataclass(frozen=True)
class Message:
    """One message to enqueue: as :func:`enqueue`'s arguments."""

    to: str
    subject: str
    body: str
    link: str | None = None


def enqueue_many(session: Session, messages: Sequence[Message]) -> list[OutgoingMail]:
    """:func:`enqueue` for many messages at once (one flush, one outbox write); raises
    Invalid, naming nothing stored, when any of them is malformed."""
    mails = [_checked(message) for message in messages]
    session.add_all(mails)
    session.flush()
    publish(session, Event.MAIL_QUEUED, SUBJECT_TYPE, [mail.id for mail in mails])
    return mails


def _checked(message: Message) -> OutgoingMail:
    to = message.to.strip()
    if "@" not in to or any(c in to for c in ",;<>\r\n \t") or len(to) > 254:
        raise Invalid({"to": [f"not a single e-mail address: {to!r}"]})
    subject = message.subject.strip()
    if not subject or "\n" in subject or "\r" in subject or len(subject) > 200:
        raise Invalid({"subject": ["one line of at most 200 characters"]})
    link = message.link
    if link is not None and (len(link) > 500 or any(c in link for c in "\r\n \t")):
        raise Invalid({"link": ["one path or URL of at most 500 characters"]})
    return OutgoingMail(
        token=secrets.token_hex(16), recipient=to, subject=subject, body=message.body, link=link
    )


@dataclass(frozen=True)
class MailSettings:
    """What building a message needs: the sender address and the site's base URL."""

    mail_from: str
    base_url: str


def build_message(mail: OutgoingMail, settings: MailSettings) -> EmailMessage:
    """The message for ``mail``, its Message-ID made of its token and the base URL's host."""
    host = urlsplit(settings.base_url).hostname or "localhost"
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = f"<{mail.token}@{host}>"
    text = mail.body.rstrip("\n")
    if mail.link:
        link = mail.link
        if link.startswith("/"):
            link = settings.base_url.rstrip("/") + link
        text = f"{text}\n\n{link}"
    message.set_content(text + "\n")
    return message


def handler(sender: Sender, settings: MailSettings) -> Handler:
    """The ``mail`` consumer: sends each queued message once, then forgets its link.

    A failure (the server refuses, the folder is not writable) raises, so the outbox keeps
    the entry and retries it later.
    """

    def handle(session: Session, entry: OutboxEntry) -> None:
        mail = session.get(OutgoingMail, entry.subject_id)
        if mail is None or mail.sent_at is not None:
            return
        sender.send(build_message(mail, settings))
        mail.sent_at = utcnow()
        mail.link = None

    return handle
