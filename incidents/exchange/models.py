"""Requests for information and their append-only messages; notifications, preferences,
followed incidents and the desk's last visit."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incidents.accounts.models import Organization, User
from incidents.db import Base, UTCDateTime, enum_type, utcnow
from incidents.reports.models import Report


class RequestState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class MessageKind(enum.StrEnum):
    QUESTION = "question"  # the institute asks (the first message, and any later one)
    ANSWER = "answer"  # the filing organisation answers
    CLOSE = "close"  # either side closes the thread, with a note


class InformationRequest(Base):
    """An institute's questions to the filing organisation of one report.

    Readable by exactly the filing organisation and the analysts of the asking institute.
    """

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    # The report's filing organisation (copied: lists filter on it).
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    institute_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    answer_by: Mapped[date | None] = mapped_column(sa.Date, index=True)
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship()
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    institute: Mapped[Organization] = relationship(foreign_keys=[institute_id])
    asked_by: Mapped[User] = relationship()
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", order_by="RequestMessage.id"
    )

    def is_overdue(self, today: date) -> bool:
        """Open and past its answer-by date."""
        return (
            self.state is RequestState.OPEN
            and self.answer_by is not None
            and today > self.answer_by
        )


class RequestMessage(Base):
    """One message of a thread; never changed or deleted (append-only)."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("information_requests.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    # An answer given as a follow-up report or an amendment (a revision of the report).
    linked_report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reports.id"))
    linked_revision: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[InformationRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
    linked_report: Mapped[Report | None] = relationship()


class NotificationKind(enum.StrEnum):
    """What a user is told about; each has a per-user delivery preference."""

    # institute
    REPORT_ADDRESSED = "report_addressed"  # a report naming my institute as recipient
    TRIAGE_WAITING = "triage_waiting"  # a candidate waited longer than the configured time
    REQUEST_ANSWERED = "request_answered"  # an answer to our request
    SAVED_SEARCH = "saved_search"  # new matches of a saved search
    INCIDENT_FOLLOWED = "incident_followed"  # a followed incident changed
    # company
    REQUEST_RECEIVED = "request_received"  # a request for information (or a new question)
    REQUEST_DUE = "request_due"  # its answer-by date approaching or passed
    DEADLINE_DUE = "deadline_due"  # a report deadline approaching or passed
    REPORT_PUBLISHED = "report_published"  # a report contributed to a published incident


class Delivery(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


class Notification(Base):
    """One thing told to one user; ``key`` makes it once only (per user)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind))
    key: Mapped[str] = mapped_column(sa.String(200))
    # What the notification names (RPT-…, RFI-…, INC-…) and says: never confidential content.
    reference: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.String(300))
    link: Mapped[str] = mapped_column(sa.String(500))
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it went out by e-mail (alone, or in a digest); None: not (yet) mailed.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)


class NotificationPreference(Base):
    """How one user wants one kind of notification by e-mail (absent: the kind's default)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery))


class DigestSent(Base):
    """A daily digest sent to a user on a day: at most one per user and day."""

    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    sent_on: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    count: Mapped[int]


class IncidentFollow(Base):
    """An analyst follows an incident: told when a report joins, a merge or split touches it,
    or its publication changes."""

    __tablename__ = "incident_follows"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeskVisit(Base):
    """When a user last looked at the desk ("new since I last looked")."""

    __tablename__ = "desk_visits"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
