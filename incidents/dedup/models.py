"""Tables of the SQL candidate store (:mod:`incidents.dedup.sql_store`).

Pure SQLAlchemy, no Flask. Every read of the engine is an equality probe on ``(kind, key)``
or on report ids, so:

* ``dedup_keys`` has the primary key ``(kind, key, report_id)``: a probe
  ``WHERE (kind, key) IN (...) GROUP BY report_id`` reads that index alone (on SQLite and
  PostgreSQL), and a report cannot carry the same key twice;
* ``dedup_key_counts`` keeps how many reports carry each key (document frequencies), updated
  on insert, so counts are one primary-key probe per key instead of a count over postings.
  It also holds the number of stored reports under :data:`REPORT_COUNT_KEY` and the store's
  generation under :data:`GENERATION_KEY`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from incidents.db import Base, UTCDateTime, utcnow

#: Longest key stored as is; longer keys (long URLs) are stored as a digest.
KEY_LENGTH = 255
#: The row of ``dedup_key_counts`` that counts stored reports (no engine key has this kind).
REPORT_COUNT_KEY = ("#", "reports")
#: The row whose count changes with every report stored or removed (the store's generation);
#: it starts at a random number, so a store emptied or made again never repeats an earlier
#: generation. What a process remembers of the store is exact while it has not changed.
GENERATION_KEY = ("#", "generation")
#: The kind of the two rows above: no engine key has it.
META_KIND = "#"


class DedupFingerprint(Base):
    """A report known to the dedup engine: its incident and the features scoring reads."""

    __tablename__ = "dedup_fingerprints"

    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reports.id"), primary_key=True, autoincrement=False
    )
    # The incident the report belongs to; a plain reference until the incident registry exists.
    incident_ref: Mapped[str] = mapped_column(sa.String(16), index=True)
    features: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DedupKey(Base):
    """One blocking key of one stored report (a posting)."""

    __tablename__ = "dedup_keys"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dedup_fingerprints.report_id"), primary_key=True, autoincrement=False
    )


class DedupKeyCount(Base):
    """How many stored reports carry a key."""

    __tablename__ = "dedup_key_counts"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
