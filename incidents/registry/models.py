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

from incidents.accounts.models import Organization, User
from incidents.db import Base, UTCDateTime, enum_type, utcnow
from incidents.reports.models import Report, Tlp


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


audience_recipients = sa.Table(
    "audience_recipients",
    Base.metadata,
    sa.Column("audience_id", sa.ForeignKey("audiences.id"), primary_key=True),
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True),
)


class Audience(Base):
    """Who may read something an analyst (or the engine) wrote from reports: the writer's
    institute, and a TLP label with its recipient institutes, like a report's distribution.
    Never changed: widening a text's audience gives it a new one (audited)."""

    __tablename__ = "audiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The writing institute (for the engine: the organisation that filed the report).
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    tlp: Mapped[Tlp] = mapped_column(enum_type(Tlp))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recipients: Mapped[list[Organization]] = relationship(
        secondary=audience_recipients, order_by=Organization.name, lazy="selectin"
    )

    @property
    def recipient_ids(self) -> frozenset[int]:
        return frozenset(organization.id for organization in self.recipients)

    @property
    def is_draft(self) -> bool:
        return False


class Incident(Base):
    """A real-world event, curated by analysts, linked to the reports that describe it."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    status: Mapped[IncidentStatus] = mapped_column(enum_type(IncidentStatus), index=True)
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


class IncidentCuration(Base):
    """What one institute's analysts wrote about an incident: title, narrative and
    classification, under the audience the writer gave it. Each institute sees its own
    curation, else one it may read, else what a report it may read says."""

    __tablename__ = "incident_curations"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    audience_id: Mapped[int] = mapped_column(sa.ForeignKey("audiences.id"))
    title: Mapped[str | None] = mapped_column(sa.String(300))
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    classification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    incident: Mapped[Incident] = relationship()
    audience: Mapped[Audience] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("incident_id", "organization_id"),)


class IncidentLink(Base):
    """That a report describes an incident: who linked it, when and why; kept when removed."""

    __tablename__ = "incident_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    origin: Mapped[LinkOrigin] = mapped_column(enum_type(LinkOrigin))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    # Who may read the reason and how the link came about (origin, score): None for what
    # the platform states without reading a report (e.g. "opened the incident").
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audiences.id"))
    score: Mapped[float | None]
    # The incident a merge moved this link from (undoing the merge moves it back).
    merged_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(sa.Text)
    removed_audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audiences.id"))

    incident: Mapped[Incident] = relationship(back_populates="links", foreign_keys=[incident_id])
    report: Mapped[Report] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
    audience: Mapped[Audience | None] = relationship(foreign_keys=[audience_id])
    removed_audience: Mapped[Audience | None] = relationship(foreign_keys=[removed_audience_id])

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
    # Who may read an analyst's reason (None: the engine's own words).
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audiences.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    report: Mapped[Report] = relationship(foreign_keys=[report_id])
    incident: Mapped[Incident] = relationship()
    evidence_report: Mapped[Report] = relationship(foreign_keys=[evidence_report_id])
    decided_by: Mapped[User | None] = relationship()
    audience: Mapped[Audience | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it
    __table_args__ = (sa.UniqueConstraint("report_id", "incident_id"),)

    @property
    def is_pending(self) -> bool:
        return self.decision is CandidateDecision.PENDING


class ReconsiderationKind(enum.StrEnum):
    MERGE = "merge"  # a report bridges the incident it joined and another: merge the two?
    DOUBTFUL_LINK = "doubtful_link"  # a report's automatic link no longer holds up


class ReconsiderationDecision(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # merged by an analyst
    REJECTED = "rejected"  # kept apart; proposed again only on stronger evidence
    KEPT = "kept"  # a doubtful link an analyst keeps
    UNLINKED = "unlinked"  # a doubtful link an analyst removed
    UNDECIDABLE = "undecidable"  # no institute may read every report of the evidence


class Reconsideration(Base):
    """What the engine asks analysts to look at again after a placement: two incidents a
    report bridges (``incident`` joined, ``other`` matched), or a report's doubtful automatic
    link to ``incident`` (``other``: the rival scoring higher, if any). Evidence as for a
    candidate: the report, and each incident's closest report with the signals."""

    __tablename__ = "reconsiderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReconsiderationKind] = mapped_column(enum_type(ReconsiderationKind))
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    other_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    evidence_report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id"))
    other_evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id"))
    score: Mapped[float | None]
    other_score: Mapped[float | None]
    direct_score: Mapped[float | None]
    # Auto-link grade on both sides and directly (a merge the engine would dare alone).
    is_automatic: Mapped[bool] = mapped_column(default=False)
    # {"joined": [...], "other": [...], "direct": [...]}: signals as candidates store them.
    signals: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    decision: Mapped[ReconsiderationDecision] = mapped_column(
        enum_type(ReconsiderationDecision), index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audiences.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    report: Mapped[Report] = relationship(foreign_keys=[report_id])
    incident: Mapped[Incident] = relationship(foreign_keys=[incident_id])
    other: Mapped[Incident | None] = relationship(foreign_keys=[other_id])
    evidence_report: Mapped[Report | None] = relationship(foreign_keys=[evidence_report_id])
    other_evidence: Mapped[Report | None] = relationship(foreign_keys=[other_evidence_id])
    decided_by: Mapped[User | None] = relationship()
    audience: Mapped[Audience | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it

    @property
    def is_pending(self) -> bool:
        return self.decision is ReconsiderationDecision.PENDING

    @property
    def evidence(self) -> list[Report]:
        """The reports the evidence was read from: who judges must read them all."""
        found = [self.report, self.evidence_report, self.other_evidence]
        return [each for each in found if each is not None]
