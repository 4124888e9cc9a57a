"""Daily anchors of the audit chain: the chain's head at the end of each UTC day, signed.

``flask audit anchor`` (run daily, e.g. from cron) signs every finished day not anchored yet
with the operator's Ed25519 key, a PEM file kept away from the database, stores the anchors and
prints one line per day to publish. ``flask audit verify`` checks every stored anchor's
signature against the operator's public key and that the chain still holds the anchored digest
at its position: rewriting the log (even rebuilding the whole chain) would need the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session

from incidents.audit.models import AuditAnchor, AuditEvent
from incidents.audit.services import ChainHead

#: The signing key's file name under the instance folder when no other file is given.
KEY_FILE = "audit-signing.key"


class AnchorKeyError(Exception):
    """The signing key file cannot be read or is not an Ed25519 private key (the message
    says which file and why)."""


def signing_key(path: Path, *, create: bool) -> tuple[Ed25519PrivateKey, bool]:
    """The Ed25519 private key in the PEM file ``path``, and whether it was created now
    (only when ``create``; the file is written readable by its owner only).

    Raises AnchorKeyError when the file is missing (and not to be created), unreadable or
    holds something else.
    """
    if not path.exists():
        if not create:
            raise AnchorKeyError(f"no signing key at {path}")
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
        return key, True
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise AnchorKeyError(f"cannot read the signing key {path}: {error}") from error
    if not isinstance(loaded, Ed25519PrivateKey):
        raise AnchorKeyError(f"{path} is not an Ed25519 private key")
    return loaded, False


def public_hex(key: Ed25519PrivateKey) -> str:
    """The raw public key of ``key`` in hex (64 characters): what verifiers are given."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def signed_text(day: date, position: int, digest: str) -> bytes:
    """The exact bytes an anchor's signature covers."""
    return f"ai-incident-exchange audit anchor v1 {day.isoformat()} {position} {digest}".encode()


def anchor_days(session: Session, key: Ed25519PrivateKey, *, today: date) -> list[AuditAnchor]:
    """Sign and store the head at the end of every finished UTC day (before ``today``) with
    sealed events and no anchor yet, oldest first. Flushes; the caller commits."""
    last = session.scalar(sa.select(sa.func.max(AuditAnchor.day)))
    last_position = session.scalar(sa.select(sa.func.max(AuditAnchor.position))) or 0
    sealed = AuditEvent.chain_position.is_not(None)
    first_event = session.scalar(
        sa.select(sa.func.min(AuditEvent.occurred_at)).where(
            sealed, AuditEvent.chain_position > last_position
        )
    )
    if first_event is None:
        return []
    day = first_event.astimezone(UTC).date()
    if last is not None:
        day = max(day, last + timedelta(days=1))
    public = public_hex(key)
    anchors: list[AuditAnchor] = []
    while day < today:
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        position = session.scalar(
            sa.select(sa.func.max(AuditEvent.chain_position)).where(
                sealed, AuditEvent.occurred_at < end
            )
        )
        if position is not None and position > last_position:
            digest = session.scalar(
                sa.select(AuditEvent.chain_digest).where(AuditEvent.chain_position == position)
            )
            assert digest is not None  # sealed events have a digest
            signature = key.sign(signed_text(day, position, digest)).hex()
            anchor = AuditAnchor(
                day=day, position=position, digest=digest, public_key=public, signature=signature
            )
            session.add(anchor)
            anchors.append(anchor)
            last_position = position
        day += timedelta(days=1)
    session.flush()
    return anchors


@dataclass(frozen=True)
class BadAnchor:
    """A stored anchor whose signature does not hold: its day and why."""

    day: date
    problem: str


def checked_anchors(
    session: Session, public_key: str | None
) -> tuple[list[ChainHead], list[BadAnchor]]:
    """The stored anchors as heads for :func:`incidents.audit.services.verify`, and those
    whose signature fails. ``public_key`` (hex) is the operator's key; None checks each
    anchor against the key stored beside it (which whoever edits the table could replace)."""
    heads: list[ChainHead] = []
    bad: list[BadAnchor] = []
    for anchor in session.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.day)):
        expected = public_key or anchor.public_key
        if anchor.public_key != expected:
            bad.append(BadAnchor(anchor.day, "signed with another key than the operator's"))
            continue
        try:
            verifier = Ed25519PublicKey.from_public_bytes(bytes.fromhex(expected))
            verifier.verify(
                bytes.fromhex(anchor.signature),
                signed_text(anchor.day, anchor.position, anchor.digest),
            )
        except (ValueError, InvalidSignature):
            bad.append(BadAnchor(anchor.day, "its signature does not match its head"))
            continue
        heads.append(ChainHead(anchor.position, anchor.digest))
    return heads, bad


def latest_anchor(session: Session) -> AuditAnchor | None:
    """The newest stored anchor (for the admin's audit page)."""
    return session.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.day.desc()).limit(1)).first()
