"""What an incident's readable reports say, put together for its page: a timeline of the
reports and their follow-ups, where their classifications agree and disagree, and the facts
(countries, dates, severity) a reader looks for first.

Pure: it takes the reports its caller may read (``security.scope`` decided that) and whether
each report's submitter may be named; it never reads anything else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import taxonomy
from incidents.classification.display import STAGE_LABELS, in_words
from incidents.reports.models import Report, ReportState

#: The dimensions compared across reports, in the order a reader asks about them.
COMPARED = (
    "event_class",
    "harm_materialisation",
    "harm_type",
    "persons_affected",
    "severity_scope",
    "severity_reversibility",
    "risk_domain",
    "ai_role",
    "sector",
    "critical_infrastructure",
    "countries",
    "response_status",
)
SEVERITY = ("event_class", "severity_scope", "severity_geo_scale", "severity_reversibility")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    report: Report
    stage: str
    submitter: str  # the organisation's name, or "Withheld" at the submitter's request
    relation: str  # the submitter's relation to the event, in words ("Developer"), or ""
    is_linked: bool  # linked to the incident itself (else a follow-up of a linked report)


@dataclass(frozen=True)
class Agreement:
    """One dimension across the readable reports: how many say each value."""

    label: str
    counts: tuple[tuple[str, int], ...]  # (value in words, reports saying it), most first
    answered: int  # reports that answer it

    @property
    def agrees(self) -> bool:
        """Every report that answers it gives the same value(s)."""
        return all(count == self.answered for _value, count in self.counts)


@dataclass(frozen=True)
class Overview:
    timeline: list[TimelineEntry]
    agreements: list[Agreement]
    countries: list[str]
    occurred: tuple[date, date] | None  # earliest and latest day the reports give
    first_aware: datetime | None
    severity: list[Agreement]


def overview(
    linked: Sequence[Report],
    readable: Callable[[Report], bool],
    shows_identity: Callable[[Report], bool],
) -> Overview:
    """The overview of an incident whose readable linked reports are ``linked``;
    ``readable`` decides which of their follow-ups the caller may read too."""
    submitted = [r for r in linked if r.state is not ReportState.DRAFT]
    agreements = [a for a in (_agreement(submitted, d) for d in COMPARED) if a is not None]
    days = sorted(r.occurred_on for r in submitted if r.occurred_on is not None)
    awareness = [r.aware_at for r in submitted if r.aware_at is not None]
    return Overview(
        timeline=_timeline(submitted, readable, shows_identity),
        agreements=agreements,
        countries=_countries(submitted),
        occurred=(days[0], days[-1]) if days else None,
        first_aware=min(awareness) if awareness else None,
        severity=[a for a in (_agreement(submitted, d) for d in SEVERITY) if a is not None],
    )


def _timeline(
    linked: Sequence[Report],
    readable: Callable[[Report], bool],
    shows_identity: Callable[[Report], bool],
) -> list[TimelineEntry]:
    linked_ids = {report.id for report in linked}
    seen: dict[int, Report] = {}
    for report in linked:
        for each in (report, *report.series.reports):
            if each.submitted_at is not None and (each.id in linked_ids or readable(each)):
                seen.setdefault(each.id, each)
    entries = [_entry(report, report.id in linked_ids, shows_identity) for report in seen.values()]
    return sorted(entries, key=lambda entry: (entry.at, entry.report.id))


def _entry(
    report: Report, is_linked: bool, shows_identity: Callable[[Report], bool]
) -> TimelineEntry:
    assert report.submitted_at is not None
    tax = taxonomy.load(report.taxonomy_version)
    relation = report.classification.get("submitter_relation")
    return TimelineEntry(
        at=report.submitted_at,
        report=report,
        stage=STAGE_LABELS[report.stage],
        submitter=_submitter(report, shows_identity),
        relation=in_words(tax.dimension("submitter_relation"), relation) if relation else "",
        is_linked=is_linked,
    )


def _submitter(report: Report, shows_identity: Callable[[Report], bool]) -> str:
    """Who the timeline names: a public source's outlet (the importing institute did not
    file it), else the filing organisation unless it asked to be withheld."""
    if report.is_public_source:
        return f"Public source: {report.source_outlet}" if report.source_outlet else "Public source"
    return report.organization.name if shows_identity(report) else "Withheld"


def _agreement(reports: Iterable[Report], dimension_id: str) -> Agreement | None:
    counts: Counter[str] = Counter()
    answered = 0
    label = ""
    for report in reports:
        tax = taxonomy.load(report.taxonomy_version)
        if not tax.has_dimension(dimension_id):
            continue
        dimension = tax.dimension(dimension_id)
        label = dimension.label
        value = report.classification.get(dimension_id)
        if value is None or value == []:
            continue
        answered += 1
        for each in value if isinstance(value, list) else [value]:
            counts[in_words(dimension, each)] += 1
    if not answered:
        return None
    ordered = tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return Agreement(label, ordered, answered)


def _countries(reports: Iterable[Report]) -> list[str]:
    found: set[str] = set()
    for report in reports:
        tax = taxonomy.load(report.taxonomy_version)
        if not tax.has_dimension("countries"):
            continue
        for code in report.classification.get("countries") or []:
            found.add(in_words(tax.dimension("countries"), code))
    return sorted(found)
