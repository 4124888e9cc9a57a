"""The outbox table: one row per event and consumer, kept after it is done."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incidents.db import Base, UTCDateTime, utcnow


class OutboxEntry(Base):
    """One event waiting for (or done by) one consumer."""

    __tablename__ = "outbox_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer: Mapped[str] = mapped_column(sa.String(32))
    event: Mapped[str] = mapped_column(sa.String(32))
    subject_type: Mapped[str] = mapped_column(sa.String(16))
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # Not before this time (a failed entry waits a growing delay before it is tried again).
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Given up after too many failures: an operator looks (``flask outbox status``).
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # What a drain reads: the waiting entries of one consumer, oldest first.
        sa.Index(
            "ix_outbox_entries_waiting",
            "consumer",
            "id",
            sqlite_where=sa.text("done_at IS NULL AND parked_at IS NULL"),
            postgresql_where=sa.text("done_at IS NULL AND parked_at IS NULL"),
        ),
        sa.Index("ix_outbox_entries_subject", "subject_type", "subject_id"),
    )

    @property
    def is_waiting(self) -> bool:
        return self.done_at is None and self.parked_at is None
