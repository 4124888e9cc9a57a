"""Audit events: who did what to which object, when and from where. Never updated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incidents.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    actor_organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    channel: Mapped[str] = mapped_column(sa.String(8))
    address: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_ref: Mapped[str] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The hash chain, filled in when the transaction that wrote the event commits: its place
    # in the chain, the digest of the event before it, and its own digest (SHA-256 over its
    # columns and the previous digest). Editing, deleting or reordering events breaks it.
    chain_position: Mapped[int | None]
    chain_previous: Mapped[str | None] = mapped_column(sa.String(64))
    chain_digest: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.Index("ix_audit_events_subject", "subject_type", "subject_ref"),
        sa.Index("ux_audit_events_chain_position", "chain_position", unique=True),
    )


class AuditAnchor(Base):
    """The chain's head at the end of one UTC day, signed with the operator's Ed25519 key.

    Rewriting the log would need the signing key (kept off the database) to re-sign every
    later anchor, and each anchor's line is also printed for publishing elsewhere.
    """

    __tablename__ = "audit_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    position: Mapped[int]
    digest: Mapped[str] = mapped_column(sa.String(64))
    public_key: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(128))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
