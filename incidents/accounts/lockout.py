"""Per-account login throttling that cannot lock the owner out.

Beyond the per-account limit the password is not checked (every answer looks like a wrong
password, so guessing stops) and the owner is e-mailed a one-time unlock link. On that link
the owner signs in with their password despite the limit. A link lasts :data:`VALID_FOR`,
works once, is not re-sent while one is valid, and dies after :data:`MAX_FAILURES` wrong
passwords.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import UnlockLink, User
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.mail.services import enqueue
from incidents.security.caller import Caller

VALID_FOR = timedelta(minutes=15)
MAX_FAILURES = 5
LINK_PREFIX = "/login/unlock/"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _valid_link(session: Session, user: User) -> UnlockLink | None:
    return session.scalar(
        sa.select(UnlockLink).where(
            UnlockLink.user_id == user.id,
            UnlockLink.used_at.is_(None),
            UnlockLink.expires_at > utcnow(),
            UnlockLink.failures < MAX_FAILURES,
        )
    )


def send_unlock_link(session: Session, caller: Caller, user: User | None) -> bool:
    """E-mail ``user`` (None: an unknown address, nothing is sent) an unlock link unless a
    valid one was sent already; returns whether one was sent."""
    if user is None or not user.is_active or _valid_link(session, user) is not None:
        return False
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UnlockLink(user=user, digest=_digest(secret), created_at=now, expires_at=now + VALID_FOR)
    )
    session.flush()
    record(session, caller, "session.unlock_sent", subject_type="user", subject_ref=user.email)
    enqueue(
        session,
        user.email,
        "Sign-in to the AI Incident Exchange is paused for your account",
        "Too many wrong passwords were tried for your account, so signing in with it is "
        "paused. If that was you, open the link below within 15 minutes and sign in with your "
        "password. If it was not you, your account is safe: the password was not checked.",
        link=LINK_PREFIX + secret,
    )
    return True


def open_link(session: Session, secret: str) -> UnlockLink | None:
    """The usable unlock link ``secret`` opens, or None (unknown, used, expired or dead)."""
    if not 20 <= len(secret) <= 100:
        return None
    link = session.scalar(sa.select(UnlockLink).where(UnlockLink.digest == _digest(secret)))
    if link is None or link.used_at is not None or link.failures >= MAX_FAILURES:
        return None
    return link if link.expires_at > utcnow() else None


def use(session: Session, link: UnlockLink) -> None:
    """Mark ``link`` used (after a successful sign-in)."""
    link.used_at = utcnow()
    session.flush()


def failed(session: Session, link: UnlockLink) -> None:
    """Count a wrong password on ``link``; after :data:`MAX_FAILURES` it is dead."""
    link.failures += 1
    session.flush()
