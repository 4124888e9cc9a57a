"""Publications: the public record of an incident, written for the public and approved by a
second person. Never the incident's curation or a report's text: new text of its own."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incidents.accounts.models import User
from incidents.db import Base, UTCDateTime, enum_type, utcnow
from incidents.registry.models import Incident


class PublicationState(enum.StrEnum):
    DRAFT = "draft"  # written, never approved: nothing is public
    PUBLISHED = "published"  # the latest revision is public
    WITHDRAWN = "withdrawn"  # a tombstone page says it was withdrawn, and why


class Publication(Base):
    """An incident's public record: the draft being written, and its published revisions."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), unique=True)
    # Given at the first approval; public numbers say nothing about internal volumes.
    public_reference: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    state: Mapped[PublicationState] = mapped_column(enum_type(PublicationState), index=True)
    # The draft (after the first approval: the next correction), as its drafter left it.
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    classification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    month: Mapped[str | None] = mapped_column(sa.String(7))  # YYYY-MM, never a day
    countries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    change_note: Mapped[str] = mapped_column(sa.Text, default="")
    cleared_names: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # What the redaction engine found in the draft when it was saved, for review.
    findings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    has_draft: Mapped[bool] = mapped_column(default=True)
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    lock_version: Mapped[int] = mapped_column(default=1)

    incident: Mapped[Incident] = relationship()
    drafted_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[PublicationRevision]] = relationship(
        back_populates="publication", order_by="PublicationRevision.number"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it

    @property
    def current(self) -> PublicationRevision | None:
        """The revision the public sees (the newest approved one)."""
        return self.revisions[-1] if self.revisions else None

    @property
    def is_public(self) -> bool:
        return self.state is PublicationState.PUBLISHED


class PublicationRevision(Base):
    """One approved, immutable version of a public record; a correction adds one with its
    change note."""

    __tablename__ = "publication_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text)
    classification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    month: Mapped[str | None] = mapped_column(sa.String(7))
    countries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    change_note: Mapped[str] = mapped_column(sa.Text, default="")
    drafted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    publication: Mapped[Publication] = relationship(back_populates="revisions")

    __table_args__ = (sa.UniqueConstraint("publication_id", "number"),)
