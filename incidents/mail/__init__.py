"""Outgoing mail: written in the transaction of the change that causes it, sent after commit.

The API other domains use (stable):

- :func:`incidents.mail.services.enqueue` ``(session, to, subject, body, link=None)`` adds one
  message to the session's transaction and returns its :class:`~.models.OutgoingMail`.
  ``link`` is an optional path (``/login/unlock/…``) or absolute URL, printed on its own line
  at the end of the message; a path is prefixed with ``INCIDENTS_BASE_URL``. A link may be a
  one-time secret: it is kept apart from the body and deleted once the message is sent.
- The outbox consumer ``mail`` (:data:`~.services.CONSUMER`) sends what was enqueued once the
  change commits: after the response, or by ``flask mail send [--follow]``.
- Senders (:mod:`.senders`): ``INCIDENTS_MAIL_URL`` (``smtp://`` or ``smtps://``) sends by SMTP;
  without it each message is written as an ``.eml`` file under ``instance/mail/``.
"""
