"""Incidents, the links of reports to them, and the dedup engine's candidates.

Nothing is deleted: a removed link keeps its row with who/when/why, a merged incident stays as
a tombstone pointing at the incident that absorbed it, a decided candidate keeps its decision.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incidents.accounts.models import User
from incidents.db import Base, UTCDateTime, enum_type, utcnow
from incidents.reports.models import Report


class IncidentStatus(enum.StrEnum):
    OPEN = "open"  # reports are coming in; not yet reviewed
    CONFIRMED = "confirmed"  # an analyst reviewed it: one real-world event
    CLOSED = "closed"  # no more reports expected
    MERGED = "merged"  # a tombstone: its reports moved to ``merged_into``

    @classmethod
    def curated(cls) -> tuple[IncidentStatus, ...]:
        """The statuses an analyst may set by hand (``merged`` comes from merging)."""
        return (cls.OPEN, cls.CONFIRMED, cls.CLOSED)


class LinkOrigin(enum.StrEnum):
    NEW = "new"  # the report opened the incident
    AUTO = "auto"  # the engine linked it above the auto-link threshold
    SERIES = "series"  # a follow-up in the same organisation's series
    ANALYST = "analyst"  # an analyst confirmed a candidate or linked it by hand
    MERGE = "merge"  # moved here when another incident was merged into this one
    SPLIT = "split"  # moved here when an analyst split it off


class CandidateDecision(enum.StrEnum):
    PENDING = "pending"
    AUTO_LINKED = "auto_linked"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Incident(Base):
    """A real-world event, curated by analysts, linked to the reports that describe it."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # The curated title; until an analyst writes one, each reader sees the title of the first
    # linked report they may read (a confidential report's title never leaks through it).
    title: Mapped[str | None] = mapped_column(sa.String(300))
    status: Mapped[IncidentStatus] = mapped_column(enum_type(IncidentStatus), index=True)
    classification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    merged_into: Mapped[Incident | None] = relationship(remote_side=[id])
    links: Mapped[list[IncidentLink]] = relationship(
        back_populates="incident",
        order_by="IncidentLink.id",
        foreign_keys="IncidentLink.incident_id",
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it

    @property
    def is_tombstone(self) -> bool:
        return self.status is IncidentStatus.MERGED

    @property
    def active_links(self) -> list[IncidentLink]:
        return [link for link in self.links if link.is_active]


class IncidentLink(Base):
    """That a report describes an incident: who linked it, when and why; kept when removed."""

    __tablename__ = "incident_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    origin: Mapped[LinkOrigin] = mapped_column(enum_type(LinkOrigin))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    score: Mapped[float | None]
    # The incident a merge moved this link from (undoing the merge moves it back).
    merged_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(sa.Text)

    incident: Mapped[Incident] = relationship(back_populates="links", foreign_keys=[incident_id])
    report: Mapped[Report] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    __table_args__ = (
        # One active link per report and incident; removed links stay as history.
        sa.Index(
            "uq_incident_links_active",
            "incident_id",
            "report_id",
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class DedupCandidate(Base):
    """An incident the engine proposed for a report, with its score, signals and decision."""

    __tablename__ = "dedup_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    # The incident's best-matching report, which the signals compare the report with.
    evidence_report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"))
    rank: Mapped[int]
    score: Mapped[float]
    # Severity of the report (higher first in the queue): see ``pipeline.severity``.
    severity: Mapped[int] = mapped_column(default=0)
    signals: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    decision: Mapped[CandidateDecision] = mapped_column(enum_type(CandidateDecision), index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    report: Mapped[Report] = relationship(foreign_keys=[report_id])
    incident: Mapped[Incident] = relationship()
    evidence_report: Mapped[Report] = relationship(foreign_keys=[evidence_report_id])
    decided_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it
    __table_args__ = (sa.UniqueConstraint("report_id", "incident_id"),)

    @property
    def is_pending(self) -> bool:
        return self.decision is CandidateDecision.PENDING
