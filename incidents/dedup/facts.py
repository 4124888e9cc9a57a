"""What the deduplication engine sees of a report."""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True, slots=True)
class AISystem:
    """The AI system a report names; every part may be missing or spelled loosely."""

    name: str | None = None
    version: str | None = None
    developer: str | None = None
    deployer: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ReportFacts:
    """The facts of one report that deduplication may use.

    ``organisation_id`` and ``series_key`` identify the submitting organisation and the
    follow-up series it chose; a report in an existing series is never a new incident.
    A public-source report (``is_public_source``: a news item, a public database's entry) has
    neither: nobody filed it about its own systems. Its ``published_on`` is when it was
    published, which may be months after ``occurred_on`` (the event, when the item states it).
    Nothing here is confidential beyond what the engine needs, and nothing names the gold
    event: the engine decides from these facts alone.
    """

    report_id: str
    title: str
    description: str
    organisation_id: str | None = None
    series_key: str | None = None
    occurred_on: dt.date | None = None
    countries: tuple[str, ...] = ()
    sector: str | None = None
    harm_types: tuple[str, ...] = ()
    event_class: str | None = None
    ai_system: AISystem = dataclasses.field(default_factory=AISystem)
    references: tuple[str, ...] = ()
    is_public_source: bool = False
    published_on: dt.date | None = None
