"""Publishing an incident: a draft written for the public, redacted and reviewed, approved by
a second person, corrected in the open, withdrawn with a tombstone. Every step is audited.

A public summary is new text: the draft is pre-filled only from what may feed one (reports
shared as TLP:CLEAR, or a curation its writer made TLP:CLEAR), already redacted, and the
approval guard re-runs the redaction on the final text. Needs ``summary:draft`` to draft and
``summary:approve`` to approve (an editor who is not the drafter).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.public.models import Publication, PublicationRevision, PublicationState
from incidents.public.redaction import Finding, KnownNames, findings, month_of, redact
from incidents.references import next_reference
from incidents.refusals import Conflict, Forbidden, Invalid, Problems
from incidents.registry.models import Incident, IncidentCuration, IncidentLink
from incidents.reports.models import Report, Tlp
from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

MAX_TITLE = 300
MAX_SUMMARY = 20_000
MAX_NOTE = 2_000
MONTH = r"^(?:19|2[01])[0-9]{2}-(?:0[1-9]|1[0-2])$"
#: Dimensions a public classification may hold: those the taxonomy marks public, without
#: exact dates (the public sees the month, from ``month``).
DATES = frozenset({"occurred_on", "ended_on", "date_precision"})


def public_dimensions(version: str | None = None) -> list[taxonomy.Dimension]:
    """The taxonomy's dimensions that a public classification may hold."""
    return [
        dimension
        for dimension in taxonomy.load(version).dimensions
        if dimension.visibility == "public" and dimension.id not in DATES
    ]


class PublicationRefused(Conflict):
    """The approval guard found personal data, or structured names nobody cleared, in the
    text to publish; ``details`` lists each finding."""


@dataclass(frozen=True)
class Draft:
    """What pre-fills a new draft: redacted text, the spans removed, and the facts."""

    title: str
    summary: str
    classification: dict[str, Any]
    month: str | None
    countries: list[str]
    removed: list[Finding] = field(default_factory=list)


def publication_of(session: Session, incident: Incident) -> Publication | None:
    return session.scalar(sa.select(Publication).where(Publication.incident_id == incident.id))


def names_of(session: Session, incident: Incident) -> KnownNames:
    """The structured names of every report of ``incident`` (whatever its distribution):
    the people who submitted them, the organisations, AI systems, developers and deployers.
    Each must be redacted or deliberately cleared before anything is published."""
    reports = list(
        session.scalars(
            sa.select(Report)
            .join(IncidentLink, IncidentLink.report_id == Report.id)
            .where(IncidentLink.incident_id == incident.id)
        )
    )
    people, organisations, systems, developers, deployers = [], [], [], [], []
    for report in reports:
        if report.author is not None and report.author.name:
            people.append(report.author.name)
        organisations.append(report.organization.name)
        system = (report.classification or {}).get("ai_system") or {}
        if isinstance(system, Mapping):
            systems.append(str(system.get("name") or ""))
            developers.append(str(system.get("developer") or ""))
            deployers.append(str(system.get("deployer") or ""))
    return KnownNames(
        people=tuple(people),
        organisations=tuple(organisations),
        systems=tuple(systems),
        developers=tuple(developers),
        deployers=tuple(deployers),
    )


def prefill(session: Session, caller: Caller, incident: Incident) -> Draft:
    """A first draft from what may feed a public summary: the caller's institute's curation
    when it is TLP:CLEAR, else the first TLP:CLEAR report; redacted. Empty when neither
    exists: the analyst writes it."""
    principal = caller.principal
    names = names_of(session, incident)
    curation = (
        session.scalar(
            sa.select(IncidentCuration).where(
                IncidentCuration.incident_id == incident.id,
                IncidentCuration.organization_id == principal.organization_id,
            )
        )
        if principal is not None
        else None
    )
    clear = _clear_reports(session, incident)
    title, text, facts = "", "", {}
    if curation is not None and curation.audience.tlp is Tlp.CLEAR:
        title, text, facts = curation.title or "", curation.narrative, curation.classification
    elif clear:
        first = clear[0]
        title, text, facts = first.title, first.description, first.classification or {}
    redacted_title, redacted_text = redact(title, names), redact(text, names)
    allowed = {dimension.id for dimension in public_dimensions()}
    return Draft(
        title=redacted_title.text,
        summary=redacted_text.text,
        classification={k: v for k, v in facts.items() if k in allowed and v not in (None, [])},
        month=month_code(facts.get("occurred_on")),
        countries=list(facts.get("countries") or []),
        removed=[*redacted_title.spans, *redacted_text.spans],
    )


def month_code(day: object) -> str | None:
    """``2026-03-14`` → ``2026-03`` (the public sees the month only)."""
    if isinstance(day, str) and len(day) >= 7 and day[4] == "-":
        return day[:7]
    return None


def _clear_reports(session: Session, incident: Incident) -> list[Report]:
    return list(
        session.scalars(
            sa.select(Report)
            .join(IncidentLink, IncidentLink.report_id == Report.id)
            .where(
                IncidentLink.incident_id == incident.id,
                IncidentLink.removed_at.is_(None),
                Report.tlp == Tlp.CLEAR,
            )
            .order_by(IncidentLink.id)
        )
    )


def save_draft(
    session: Session,
    caller: Caller,
    incident: Incident,
    *,
    title: str,
    summary: str,
    classification: Mapping[str, Any],
    month: str | None,
    countries: Sequence[str],
    cleared_names: Sequence[str] = (),
    change_note: str = "",
    version: int | None = None,
) -> Publication:
    """Create or replace the draft of ``incident``'s public record and note what the
    redaction engine finds in it. Raises Forbidden without ``summary:draft``, Conflict on a
    stale ``version``, Invalid on bad values."""
    _require(caller, Permission.SUMMARY_DRAFT)
    publication = publication_of(session, incident)
    if publication is not None and version is not None and version != publication.lock_version:
        raise Conflict("The draft changed since you opened it; nothing was saved.")
    _check(title, summary, classification, month, countries, change_note, publication)
    if publication is None:
        publication = Publication(incident_id=incident.id, state=PublicationState.DRAFT)
        session.add(publication)
    names = names_of(session, incident)
    cleared = frozenset(each.strip() for each in cleared_names if each.strip())
    found = [*findings(title, names, cleared), *findings(summary, names, cleared)]
    publication.title = title.strip()
    publication.summary = summary.strip()
    publication.classification = dict(classification)
    publication.month = month
    publication.countries = list(countries)
    publication.cleared_names = sorted(cleared)
    publication.change_note = change_note.strip()
    publication.findings = [finding_json(each) for each in found]
    publication.has_draft = True
    publication.drafted_by_id = caller.principal.id if caller.principal else None
    publication.drafted_at = utcnow()
    session.flush()
    record(
        session,
        caller,
        "publication.draft",
        subject_type="incident",
        subject_ref=incident.reference,
        findings=len(found),
        cleared=sorted(cleared),
    )
    return publication


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind.value,
        "text": finding.text,
        "start": finding.start,
        "end": finding.end,
        "reason": finding.reason,
    }


def approve(session: Session, caller: Caller, incident: Incident, *, version: int) -> Publication:
    """Publish the draft as the next public revision. Raises Forbidden for a caller without
    ``summary:approve`` or who drafted it (two-person rule), Conflict when there is no draft
    or ``version`` is stale, and PublicationRefused (a Conflict) while the guard still finds
    personal data or an uncleared structured name in the text."""
    _require(caller, Permission.SUMMARY_APPROVE)
    publication = publication_of(session, incident)
    if publication is None or not publication.has_draft:
        raise Conflict("There is no draft to approve.")
    if version != publication.lock_version:
        raise Conflict("The draft changed since you read it; read it again before approving.")
    principal = caller.principal
    assert principal is not None
    if publication.drafted_by_id == principal.id:
        raise Forbidden("A second person approves a summary: you drafted this one.")
    names = names_of(session, incident)
    cleared = frozenset(publication.cleared_names)
    left = [
        *findings(publication.title, names, cleared),
        *findings(publication.summary, names, cleared),
    ]
    if left:
        raise PublicationRefused(
            "The text still holds personal data or names nobody cleared; nothing was published.",
            [finding_json(each) for each in left],
        )
    if publication.revisions and not publication.change_note:
        raise Invalid({"change_note": ["Say what this correction changes, for the public."]})
    first = publication.public_reference is None
    if first:
        publication.public_reference = next_reference(session, "PUB", utcnow().year)
    now = utcnow()
    publication.revisions.append(
        PublicationRevision(
            number=len(publication.revisions) + 1,
            title=publication.title,
            summary=publication.summary,
            classification=dict(publication.classification),
            month=publication.month,
            countries=list(publication.countries),
            change_note=publication.change_note if not first else "",
            drafted_by_id=publication.drafted_by_id,
            approved_by_id=principal.id,
            published_at=now,
        )
    )
    publication.state = PublicationState.PUBLISHED
    publication.published_at = publication.published_at or now
    publication.has_draft = False
    publication.withdrawn_at = None
    publication.withdrawal_reason = None
    session.flush()
    publish(session, Event.PUBLICATION_CHANGED, "publication", [publication.id])
    record(
        session,
        caller,
        "publication.approve" if first else "publication.correct",
        subject_type="incident",
        subject_ref=incident.reference,
        public_reference=publication.public_reference,
        revision=len(publication.revisions),
    )
    return publication


def withdraw(session: Session, caller: Caller, incident: Incident, *, reason: str) -> Publication:
    """Withdraw a published record: its page becomes a tombstone with the reason. Raises
    Forbidden without ``summary:approve``, Conflict when nothing is published, Invalid
    without a reason."""
    _require(caller, Permission.SUMMARY_APPROVE)
    publication = publication_of(session, incident)
    if publication is None or publication.state is not PublicationState.PUBLISHED:
        raise Conflict("Only a published summary can be withdrawn.")
    reason = reason.strip()
    if not reason or len(reason) > MAX_NOTE:
        raise Invalid({"reason": [f"Say why, for the public (at most {MAX_NOTE:,} characters)."]})
    publication.state = PublicationState.WITHDRAWN
    publication.withdrawn_at = utcnow()
    publication.withdrawal_reason = reason
    session.flush()
    publish(session, Event.PUBLICATION_CHANGED, "publication", [publication.id])
    record(
        session,
        caller,
        "publication.withdraw",
        subject_type="incident",
        subject_ref=incident.reference,
        public_reference=publication.public_reference,
        reason=reason,
    )
    return publication


def _require(caller: Caller, permission: Permission) -> None:
    if not has_permission(caller.principal, permission):
        raise Forbidden("Your role may not do this.")


def _check(
    title: str,
    summary: str,
    classification: Mapping[str, Any],
    month: str | None,
    countries: Sequence[str],
    change_note: str,
    publication: Publication | None,
) -> None:
    problems: Problems = {}
    if not title.strip() or len(title) > MAX_TITLE:
        problems["title"] = [f"Give the public a title (at most {MAX_TITLE} characters)."]
    if not summary.strip() or len(summary) > MAX_SUMMARY:
        problems["summary"] = [f"Write the summary (at most {MAX_SUMMARY:,} characters)."]
    if len(change_note) > MAX_NOTE:
        problems["change_note"] = [f"Keep the change note under {MAX_NOTE:,} characters."]
    allowed = {dimension.id for dimension in public_dimensions()}
    for key in classification:
        if key not in allowed:
            problems.setdefault(f"classification.{key}", []).append(
                "Not a dimension the public may see."
            )
    tax = taxonomy.load()
    for problem in tax.validate(dict(classification), "final"):
        if problem.code not in ("required", "unknown_dimension"):
            path = f"classification.{problem.path}" if problem.path else "classification"
            problems.setdefault(path, []).append(problem.message)
    if month is not None and (len(month) != 7 or month_of(f"{month}-01") is None):
        problems["month"] = ["Give the month as YYYY-MM."]
    known = {value.id for value in tax.dimension("countries").values}
    for index, code in enumerate(countries):
        if code not in known:
            problems[f"countries[{index}]"] = [f"{code!r} is not a country code."]
    if problems:
        raise Invalid(problems)
