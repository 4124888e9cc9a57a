"""What the index holds: one document per submitted report, one per incident text and audience,
and, in the public tier's separate index, one per published summary.

A document carries its words as tokens (never the engines' own analysers), its access keys
(``incidents.security.scope``), its facet values as ``dimension=value`` and the few numbers
sorting needs. ``digest`` fingerprints all of it, so ``verify`` can tell a stale entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import taxonomy
from incidents.classification.severity import severity_rank
from incidents.reports.models import Report, ReportState
from incidents.search.query import tokens
from incidents.security.scope import report_keys

#: Most tokens indexed per document (PostgreSQL keeps positions up to 16,383; both engines
#: cut at the same place so they agree on every phrase).
MAX_TOKENS = 16_000
#: Separates title and body in the token stream, so no phrase spans the two (never a token).
BREAK = "|"
#: Access key of everything in the public tier.
PUBLIC = "public"

#: Facets every report document has besides the taxonomy's.
BUILT_IN_FACETS = ("stage", "state", "distribution", "regime", "organization")
WITHHELD = "withheld"
PUBLIC_SOURCE = "public_source"


@dataclass(frozen=True)
class Document:
    """One entry of an index (analyst or public tier)."""

    id: str  # "report:<id>", "incident:<reference>:<key>", "public:<reference>"
    kind: str  # "report" | "incident" | "public"
    reference: str
    subject_id: int  # report id; 0 for incident texts and public summaries
    incident: str  # the incident reference this document belongs to ("" for none)
    title: str
    body: str
    access: frozenset[str]
    facets: frozenset[str]  # "dimension=value"
    occurred_on: date | None = None
    submitted_at: datetime | None = None
    severity: int = 0
    digest: str = field(default="", compare=False)

    def words(self) -> list[str]:
        """The token stream indexed: title, a break, the body (cut at MAX_TOKENS)."""
        return ([*tokens(self.title), BREAK, *tokens(self.body)])[:MAX_TOKENS]

    @property
    def submitted_epoch(self) -> int:
        if self.submitted_at is None:
            return 0
        moment = self.submitted_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())

    @property
    def day(self) -> int:
        """The date filters and the date facet use: when it happened, else when filed."""
        if self.occurred_on is not None:
            return self.occurred_on.toordinal()
        if self.submitted_at is not None:
            return self.submitted_at.date().toordinal()
        return 0

    def facet_values(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for each in sorted(self.facets):
            name, _, value = each.partition("=")
            found.setdefault(name, []).append(value)
        return found


def _digest(doc: Document) -> Document:
    payload = json.dumps(
        [
            doc.id,
            doc.kind,
            doc.reference,
            doc.subject_id,
            doc.incident,
            doc.title,
            doc.body,
            sorted(doc.access),
            sorted(doc.facets),
            doc.occurred_on.isoformat() if doc.occurred_on else None,
            doc.submitted_epoch,
            doc.severity,
        ],
        ensure_ascii=True,
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()[:32]
    return Document(**{**doc.__dict__, "digest": digest})


def taxonomy_facets() -> tuple[str, ...]:
    """The taxonomy dimensions search offers as facets, in the order reporters see them."""
    return tuple(each.id for each in taxonomy.load().dimensions if each.facet)


def classification_facets(classification: Mapping[str, Any]) -> set[str]:
    """``dimension=value`` for each facet dimension answered in ``classification``."""
    found: set[str] = set()
    for dimension in taxonomy_facets():
        value = classification.get(dimension)
        values: Iterable[Any] = value if isinstance(value, list) else [value]
        for each in values:
            if each is None or isinstance(each, dict):
                continue
            text = ("true" if each else "false") if isinstance(each, bool) else str(each)
            found.add(f"{dimension}={_clean(text)}")
    return found


def _clean(value: str) -> str:
    return "_".join(value.split())[:64]


def _system_words(classification: Mapping[str, Any]) -> str:
    system = classification.get("ai_system")
    if not isinstance(system, dict):
        return ""
    return " ".join(str(system.get(key) or "") for key in ("name", "developer", "version"))


def _submitter(report: Report) -> str | int:
    """The organisation facet's value: who filed ``report`` (a public source was imported,
    not filed: it is no organisation's, whoever imported it)."""
    if report.is_public_source:
        return PUBLIC_SOURCE
    return WITHHELD if report.withhold_identity else report.organization_id


def report_document(
    report: Report, incident_reference: str | None, *, public_source: bool | None = None
) -> Document | None:
    """The analyst-tier document of ``report``; None for a draft or a withdrawn report (which
    must not be found)."""
    if report.state is not ReportState.SUBMITTED or not report.reference:
        return None
    classification = dict(report.classification or {})
    regimes = set(classification.get("regulatory_regimes") or [])
    regimes |= {deadline.regime for deadline in report.deadlines}
    facets = classification_facets(classification)
    facets |= {
        f"stage={report.stage.value}",
        f"state={report.state.value}",
        f"distribution={report.tlp.value}",
        f"organization={_submitter(report)}",
    }
    facets |= {f"regime={_clean(str(each))}" for each in regimes}
    body = "\n".join(part for part in (report.description, _system_words(classification)) if part)
    return _digest(
        Document(
            id=f"report:{report.id}",
            kind="report",
            reference=report.reference,
            subject_id=report.id,
            incident=incident_reference or "",
            title=report.title,
            body=body,
            access=report_keys(report, public_source=public_source),
            facets=frozenset(facets),
            occurred_on=report.occurred_on,
            submitted_at=report.submitted_at,
            severity=severity_rank(classification),
        )
    )


def incident_note_document(
    incident_ref: str,
    key: str,
    *,
    title: str,
    narrative: str,
    classification: Mapping[str, Any],
    access: frozenset[str],
    status: str | None = None,
    occurred_on: date | None = None,
) -> Document:
    """The document of what analysts wrote about an incident for one audience (``key`` names
    the audience, e.g. its id); only readers holding one of ``access`` find it."""
    facets = classification_facets(classification)
    if status:
        facets.add(f"status={_clean(status)}")
    return _digest(
        Document(
            id=f"incident:{incident_ref}:{key}",
            kind="incident",
            reference=incident_ref,
            subject_id=0,
            incident=incident_ref,
            title=title,
            body=narrative,
            access=access,
            facets=frozenset(facets),
            occurred_on=occurred_on,
            severity=severity_rank(classification),
        )
    )


@dataclass(frozen=True)
class PublicDocument:
    """A published, redacted incident summary: all the public tier ever holds."""

    public_reference: str
    title: str
    summary: str
    classification: Mapping[str, Any]
    month: str  # "YYYY-MM"
    countries: tuple[str, ...] = ()

    def document(self) -> Document:
        facets = classification_facets(self.classification)
        facets |= {f"countries={_clean(each)}" for each in self.countries}
        facets.add(f"month={_clean(self.month)}")
        year, _, month = self.month.partition("-")
        occurred = date(int(year), int(month or 1), 1) if year.isdigit() else None
        return _digest(
            Document(
                id=f"public:{self.public_reference}",
                kind="public",
                reference=self.public_reference,
                subject_id=0,
                incident="",
                title=self.title,
                body=self.summary,
                access=frozenset({PUBLIC}),
                facets=frozenset(facets),
                occurred_on=occurred,
                severity=severity_rank(self.classification),
            )
        )
