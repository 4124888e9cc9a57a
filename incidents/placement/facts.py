"""What the dedup engine sees of a stored report: :class:`~incidents.dedup.ReportFacts`.

Only facts that say something are passed on. Values a reporter gives when they do not know
(a system "unknown", sector or harm "other", a date known only to the month or year) would
make unrelated reports look alike, so they are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidents.dedup import AISystem, ReportFacts
from incidents.reports.models import Report

#: Names that mean "not known" (compared case-insensitively, without punctuation).
UNKNOWN_NAMES = frozenset(
    {"unknown", "not known", "not stated", "unspecified", "undisclosed", "n a", "na", "none"}
)
#: Values of sector and harm type that carry no information for matching.
UNINFORMATIVE = frozenset({"other"})


def facts_of(report: Report) -> ReportFacts:
    """Return the engine's view of a submitted ``report`` (its id is ``str(report.id)``).

    A public-source report's ``published_on`` is passed as a publication date, never as
    ``occurred_on``."""
    classification: Mapping[str, Any] = report.classification or {}
    system = classification.get("ai_system") or {}
    sector = classification.get("sector")
    precise = classification.get("date_precision", "day") == "day"
    # A public-source report was imported, not filed: the importing institute is not its
    # author, and each item stands alone (no series).
    public = report.is_public_source
    return ReportFacts(
        report_id=str(report.id),
        title=report.title,
        description=report.description,
        organisation_id=None if public else str(report.organization_id),
        series_key=None if public else str(report.series_id),
        occurred_on=report.occurred_on if precise else None,
        countries=tuple(classification.get("countries") or ()),
        sector=sector if sector not in UNINFORMATIVE else None,
        harm_types=tuple(
            h for h in classification.get("harm_type") or () if h not in UNINFORMATIVE
        ),
        event_class=classification.get("event_class"),
        ai_system=AISystem(
            name=_known(system.get("name")),
            version=_known(system.get("version")),
            developer=_known(system.get("developer")),
            deployer=_known(system.get("deployer")),
        ),
        references=tuple(report.references or ()),
        is_public_source=public,
        published_on=report.published_on,
    )


def _known(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    plain = " ".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
    return None if not plain or plain in UNKNOWN_NAMES else name.strip()
