"""``dedup verify``: does the dedup store still agree with the reports it was built from?

The store is derived data (rebuilt by ``flask dedup rebuild``): every submitted report placed
in an incident has exactly one fingerprint, under its first incident; every key count equals
the number of postings of that key; the stored report count equals the fingerprints. Reports
still waiting in the outbox are not drift: they are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.dedup.models import (
    META_KIND,
    REPORT_COUNT_KEY,
    DedupFingerprint,
    DedupKey,
    DedupKeyCount,
)
from incidents.registry.models import Incident, IncidentLink
from incidents.reports.models import Report, ReportState


@dataclass(frozen=True)
class StoreDrift:
    """Disagreements between the dedup store and the reports (all 0 when in step)."""

    missing: int  # placed reports without a fingerprint
    stray: int  # fingerprints of reports that are not (or no longer) placed
    wrong_incident: int  # fingerprints under another incident than the report's first one
    key_counts: int  # keys whose stored count differs from their postings
    report_count: int  # |stored report count - fingerprints|
    waiting: int  # submitted reports not placed yet (outbox work, not drift)

    @property
    def total(self) -> int:
        return self.missing + self.stray + self.wrong_incident + self.key_counts + self.report_count


def _count(session: Session, query: sa.Select[Any]) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)


def store_drift(session: Session) -> StoreDrift:
    """Compare the dedup store with the reports and their incident links (read only)."""
    submitted = sa.and_(Report.reference.is_not(None), Report.state != ReportState.DRAFT)
    active = sa.and_(IncidentLink.removed_at.is_(None))
    linked = sa.exists().where(IncidentLink.report_id == Report.id, active)
    fingerprinted = sa.exists().where(DedupFingerprint.report_id == Report.id)
    missing = _count(session, sa.select(Report.id).where(submitted, linked, ~fingerprinted))
    waiting = _count(session, sa.select(Report.id).where(submitted, ~linked))
    placed = sa.select(Report.id).where(submitted, linked)
    stray = _count(
        session,
        sa.select(DedupFingerprint.report_id).where(DedupFingerprint.report_id.not_in(placed)),
    )
    first_links = (
        sa.select(IncidentLink.report_id, sa.func.min(IncidentLink.id).label("link_id"))
        .where(active)
        .group_by(IncidentLink.report_id)
        .subquery()
    )
    wrong = _count(
        session,
        sa.select(DedupFingerprint.report_id)
        .join(first_links, first_links.c.report_id == DedupFingerprint.report_id)
        .join(IncidentLink, IncidentLink.id == first_links.c.link_id)
        .join(Incident, Incident.id == IncidentLink.incident_id)
        .where(Incident.reference != DedupFingerprint.incident_ref),
    )
    return StoreDrift(
        missing=missing,
        stray=stray,
        wrong_incident=wrong,
        key_counts=_key_count_drift(session),
        report_count=_report_count_drift(session),
        waiting=waiting,
    )


def _key_count_drift(session: Session) -> int:
    postings = (
        sa.select(DedupKey.kind, DedupKey.key, sa.func.count().label("n"))
        .group_by(DedupKey.kind, DedupKey.key)
        .subquery()
    )
    not_total = DedupKeyCount.kind != META_KIND  # the report count and the generation
    stored_wrong = _count(
        session,
        sa.select(DedupKeyCount.kind)
        .outerjoin(
            postings,
            sa.and_(postings.c.kind == DedupKeyCount.kind, postings.c.key == DedupKeyCount.key),
        )
        .where(not_total, DedupKeyCount.count != sa.func.coalesce(postings.c.n, 0)),
    )
    uncounted = _count(
        session,
        sa.select(postings.c.kind)
        .outerjoin(
            DedupKeyCount,
            sa.and_(postings.c.kind == DedupKeyCount.kind, postings.c.key == DedupKeyCount.key),
        )
        .where(DedupKeyCount.kind.is_(None)),
    )
    return stored_wrong + uncounted


def _report_count_drift(session: Session) -> int:
    kind, key = REPORT_COUNT_KEY
    stored = session.scalar(
        sa.select(DedupKeyCount.count).where(DedupKeyCount.kind == kind, DedupKeyCount.key == key)
    )
    fingerprints = session.scalar(sa.select(sa.func.count()).select_from(DedupFingerprint))
    return abs(int(stored or 0) - int(fingerprints or 0))
