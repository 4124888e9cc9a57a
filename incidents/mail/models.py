"""The outgoing mail table: one row per message, kept after it is sent (without its link)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incidents.db import Base, UTCDateTime, utcnow


class OutgoingMail(Base):
    """One message to one recipient, waiting for (or done by) the ``mail`` consumer."""

    __tablename__ = "outgoing_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random; with the host of INCIDENTS_BASE_URL it makes the Message-ID (and the file name).
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # A path or URL shown at the end of the message; may be a secret, so deleted once sent.
    link: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
