"""The outbox: what happened to reports, written in the same transaction as the change.

Work that follows a submission (deduplication now, the search index later) reads this table
after the commit instead of being called inside the transaction, so a crash between the two
loses nothing: unprocessed entries are taken by the next drain. Each consumer marks its own
columns; an entry is never deleted.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from incidents.db import Base, UTCDateTime, enum_type, utcnow

#: In ``Session.info``, once entries written by the session are committed: how many, so the
#: request (or command) that owns the session can drain its share.
PENDING = "outbox_pending"
_WRITTEN = "outbox_written"


class OutboxEvent(enum.StrEnum):
    SUBMITTED = "submitted"  # a new report (an initial one or a follow-up)
    AMENDED = "amended"  # its content changed


class OutboxEntry(Base):
    """One change of one report, waiting for the consumers that follow it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("reports.id"), index=True)
    event: Mapped[OutboxEvent] = mapped_column(enum_type(OutboxEvent))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dedup_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    dedup_attempts: Mapped[int] = mapped_column(default=0)
    dedup_error: Mapped[str | None] = mapped_column(sa.Text)


def add_entries(session: Session, report_ids: list[int], event: OutboxEvent) -> None:
    """Write one entry per report into the session's transaction (flushed with it)."""
    if not report_ids:
        return
    now = utcnow()
    session.execute(
        sa.insert(OutboxEntry),
        [{"report_id": r, "event": event, "created_at": now} for r in report_ids],
    )
    session.info[_WRITTEN] = session.info.get(_WRITTEN, 0) + len(report_ids)


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    written = session.info.pop(_WRITTEN, 0)
    if written:
        session.info[PENDING] = session.info.get(PENDING, 0) + written


@sa.event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
