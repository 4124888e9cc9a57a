"""The report, its immutable revisions, recipients, deadlines, and the counters behind them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incidents.accounts.models import Organization, User
from incidents.db import Base, UTCDateTime, enum_type, utcnow


class Tlp(enum.StrEnum):
    """FIRST TLP 2.0 labels, chosen per report by the submitter."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber_strict"
    RED = "red"

    @property
    def needs_recipients(self) -> bool:
        """RED and AMBER+STRICT go to named institutes only."""
        return self in (Tlp.RED, Tlp.AMBER_STRICT)


class ReportStage(enum.StrEnum):
    INITIAL = "initial"
    INTERMEDIATE = "intermediate"
    FINAL = "final"


class ReportState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


report_recipients = sa.Table(
    "report_recipients",
    Base.metadata,
    sa.Column("report_id", sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("organization_id", sa.ForeignKey("organizations.id"), primary_key=True),
)


class ReportSeries(Base):
    """The reports of one event by one organisation: initial, intermediate(s), final."""

    __tablename__ = "report_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reports: Mapped[list[Report]] = relationship(back_populates="series", order_by="Report.id")


class Report(Base):
    """One organisation's report. Its content after submission changes only by revisions."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("report_series.id"), index=True)
    stage: Mapped[ReportStage] = mapped_column(enum_type(ReportStage))
    state: Mapped[ReportState] = mapped_column(enum_type(ReportState), index=True)
    tlp: Mapped[Tlp] = mapped_column(enum_type(Tlp))
    withhold_identity: Mapped[bool] = mapped_column(default=False)
    taxonomy_version: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    classification: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    references: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Copied out of the classification so lists can be filtered and sorted in SQL.
    occurred_on: Mapped[date | None] = mapped_column(sa.Date)
    aware_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    content_hash: Mapped[str | None] = mapped_column(sa.String(64))
    lock_version: Mapped[int] = mapped_column(default=1)
    # A public-source report (a news item, a public database's entry: ``incidents.sources``)
    # is imported by an analyst: every analyst reads it, and it is no organisation's own
    # report. ``published_on`` is when it was published, never when the event occurred;
    # ``source_url`` and ``source_id`` (e.g. ``aiid:report:12``) make an import idempotent.
    is_public_source: Mapped[bool] = mapped_column(default=False, index=True)
    published_on: Mapped[date | None] = mapped_column(sa.Date)
    source_url: Mapped[str | None] = mapped_column(sa.String(2000), unique=True)
    source_outlet: Mapped[str | None] = mapped_column(sa.String(300))
    source_id: Mapped[str | None] = mapped_column(sa.String(100), unique=True)

    organization: Mapped[Organization] = relationship(lazy="joined")
    author: Mapped[User] = relationship()
    series: Mapped[ReportSeries] = relationship(back_populates="reports")
    recipients: Mapped[list[Organization]] = relationship(
        secondary=report_recipients, order_by=Organization.name
    )
    revisions: Mapped[list[ReportRevision]] = relationship(
        back_populates="report", order_by="ReportRevision.number"
    )
    deadlines: Mapped[list[ReportDeadline]] = relationship(
        back_populates="report", order_by="ReportDeadline.due_at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it

    @property
    def recipient_ids(self) -> frozenset[int]:
        return frozenset(organization.id for organization in self.recipients)

    @property
    def is_draft(self) -> bool:
        return self.state is ReportState.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state is ReportState.SUBMITTED

    @property
    def year_submitted(self) -> int:
        assert self.submitted_at is not None
        return self.submitted_at.year

    @property
    def label(self) -> str:
        """The reference once submitted; drafts have none yet."""
        return self.reference or f"draft #{self.id}"


class ReportRevision(Base):
    """An immutable snapshot of a report's content: one per submission and amendment."""

    __tablename__ = "report_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    report: Mapped[Report] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("report_id", "number"),)


class ReportDeadline(Base):
    """When a report is due to a regulator under one rule (from the taxonomy's clocks)."""

    __tablename__ = "report_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    regime: Mapped[str] = mapped_column(sa.String(32))
    regime_label: Mapped[str] = mapped_column(sa.String(200))
    rule: Mapped[str] = mapped_column(sa.String(64))
    obligation: Mapped[str] = mapped_column(sa.String(16))
    citation: Mapped[str] = mapped_column(sa.String(300))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    binding: Mapped[bool]
    recurring: Mapped[bool] = mapped_column(default=False)

    report: Mapped[Report] = relationship(back_populates="deadlines")


class ReferenceCounter(Base):
    """The last number handed out per prefix and year: references are never reused."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class IdempotencyRecord(Base):
    """The first response to an API request carrying an ``Idempotency-Key``.

    A retry with the same key and body gets this response again; the same key with another
    body is refused. The unique constraint makes concurrent retries wait for the first.
    """

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)
