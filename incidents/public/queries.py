"""Reading the public record: published incidents, their statistics and exports.

Only what was approved for the public is read here (the published revisions of
publications); nothing from reports, incidents' curations or anything else confidential.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from incidents.public.models import Publication, PublicationRevision, PublicationState
from incidents.registry.models import IncidentLink

#: Dimensions the public list can be narrowed by, and the statistics count.
FACETS = ("event_class", "harm_type", "sector", "countries")


@dataclass(frozen=True)
class PublicRecord:
    """A published (or withdrawn) incident as the public sees it."""

    reference: str
    state: PublicationState
    current: PublicationRevision
    revisions: list[PublicationRevision]
    first_published_at: Any
    withdrawn_at: Any = None
    withdrawal_reason: str | None = None

    @property
    def title(self) -> str:
        return self.current.title

    @property
    def is_withdrawn(self) -> bool:
        return self.state is PublicationState.WITHDRAWN

    @property
    def corrections(self) -> list[PublicationRevision]:
        return [each for each in self.revisions[1:] if each.change_note]


@dataclass(frozen=True)
class PublicFilters:
    text: str = ""
    facets: dict[str, list[str]] = field(default_factory=dict)


def _record(publication: Publication) -> PublicRecord:
    current = publication.current
    assert current is not None
    assert publication.public_reference is not None
    return PublicRecord(
        reference=publication.public_reference,
        state=publication.state,
        current=current,
        revisions=list(publication.revisions),
        first_published_at=publication.revisions[0].published_at,
        withdrawn_at=publication.withdrawn_at,
        withdrawal_reason=publication.withdrawal_reason,
    )


def _published() -> sa.Select[Publication]:
    return (
        sa.select(Publication)
        .where(Publication.state == PublicationState.PUBLISHED)
        .options(selectinload(Publication.revisions))
    )


def record_for(session: Session, public_reference: str) -> PublicRecord | None:
    """The published or withdrawn record ``public_reference``; None for anything else."""
    publication = session.scalar(
        sa.select(Publication)
        .where(
            Publication.public_reference == public_reference.upper(),
            Publication.state != PublicationState.DRAFT,
        )
        .options(selectinload(Publication.revisions))
    )
    if publication is None or not publication.revisions:
        return None
    return _record(publication)


def published_records(session: Session) -> list[PublicRecord]:
    """Every published record, newest first (withdrawn ones are not listed)."""
    rows = session.scalars(_published().order_by(Publication.published_at.desc()))
    return [_record(each) for each in rows if each.revisions]


def matching(records: Iterable[PublicRecord], filters: PublicFilters) -> list[PublicRecord]:
    """The records whose facets hold every chosen value and whose text has every word."""
    words = [word.lower() for word in filters.text.split() if word]
    found = []
    for record in records:
        facts = facets_of(record)
        if any(
            not set(values) & set(facts.get(name, ())) for name, values in filters.facets.items()
        ):
            continue
        text = f"{record.current.title} {record.current.summary}".lower()
        if all(word in text for word in words):
            found.append(record)
    return found


def facets_of(record: PublicRecord) -> dict[str, list[str]]:
    """A record's values by facet (countries from the record, the rest from its public
    classification)."""
    classification = record.current.classification or {}
    found: dict[str, list[str]] = {"countries": list(record.current.countries)}
    for name in FACETS:
        if name == "countries":
            continue
        value = classification.get(name)
        if value is not None:
            found[name] = [str(each) for each in value] if isinstance(value, list) else [str(value)]
    return found


def facet_counts(records: Sequence[PublicRecord]) -> dict[str, dict[str, int]]:
    """How many records hold each value of each facet."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for record in records:
        for name, values in facets_of(record).items():
            counts[name].update(set(values))
    return {name: dict(counter.most_common()) for name, counter in counts.items()}


def by_month(records: Sequence[PublicRecord]) -> list[tuple[str, int]]:
    """Records per month of the event (YYYY-MM), in order; months without any included
    between the first and the last."""
    counter = Counter(record.current.month for record in records if record.current.month)
    if not counter:
        return []
    first, last = min(counter), max(counter)
    months, year, month = [], int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        months.append((key, counter.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def published_for_report(session: Session, report_id: int) -> list[str]:
    """The public references of published incidents ``report_id`` is part of (what its
    filing organisation may know: that its report contributed, and nothing else)."""
    query = (
        sa.select(Publication.public_reference)
        .join(IncidentLink, IncidentLink.incident_id == Publication.incident_id)
        .where(
            IncidentLink.report_id == report_id,
            IncidentLink.removed_at.is_(None),
            Publication.state == PublicationState.PUBLISHED,
        )
        .order_by(Publication.public_reference)
    )
    return [str(reference) for reference in session.scalars(query)]
