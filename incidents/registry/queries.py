"""Reading the registry for a principal: what an analyst may see of incidents and candidates.

An incident is visible to a principal who holds ``incident:read`` and may read at least one
of its reports; only those reports are shown, and until an analyst writes a title the
incident is named after the first of them. A candidate is visible only when its report and
the report its signals were computed against are both readable. Everything hidden answers
``None``, exactly like something missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    Incident,
    IncidentLink,
    IncidentStatus,
)
from incidents.reports.models import Report
from incidents.reports.queries import readable_by
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission


@dataclass(frozen=True)
class IncidentView:
    """An incident as one principal sees it."""

    incident: Incident
    title: str
    reports: list[Report]

    @property
    def reference(self) -> str:
        return self.incident.reference


def incident_for(
    session: Session, principal: Principal | None, reference: str
) -> IncidentView | None:
    """The incident ``reference`` as ``principal`` sees it, or None if missing or hidden.

    A tombstone is returned as itself (callers redirect to ``incident.merged_into``) to a
    principal who may read one of the reports it held and one of the incident it points at:
    who could not see the incident before the merge cannot see, or undo, the merge.
    """
    if not has_permission(principal, Permission.INCIDENT_READ):
        return None
    incident = session.scalar(sa.select(Incident).where(Incident.reference == reference.upper()))
    if incident is None:
        return None
    shown = follow(incident)
    reports = visible_reports(session, principal, shown)
    if not reports:
        return None
    if shown.id != incident.id:
        if not visible_reports(session, principal, incident, removed=True):
            return None
        return IncidentView(incident, incident.reference, [])
    return _view(incident, reports)


def seen_incidents(
    session: Session, principal: Principal | None, incidents: Iterable[Incident]
) -> dict[int, IncidentView | None]:
    """Each of ``incidents``, followed past merges, as ``principal`` sees it (what
    :func:`incident_for` answers for the incident it leads to), keyed by the id of the incident
    given; None where it is hidden. One query for them all."""
    targets = {incident.id: follow(incident) for incident in incidents}
    if not has_permission(principal, Permission.INCIDENT_READ):
        return dict.fromkeys(targets)
    reports = _visible_reports_of(session, principal, [target.id for target in targets.values()])
    return {key: _view(target, reports[target.id]) for key, target in targets.items()}


def _view(incident: Incident, reports: list[Report]) -> IncidentView | None:
    """``incident`` named by its curated title, else by the first of ``reports``; None
    without any."""
    if not reports:
        return None
    return IncidentView(incident, incident.title or reports[0].title, reports)


def visible_reports(
    session: Session, principal: Principal | None, incident: Incident, *, removed: bool = False
) -> list[Report]:
    """The reports of ``incident`` that ``principal`` may read, in the order they were linked
    (with ``removed``: also those whose link was removed, each once)."""
    query = (
        sa.select(Report)
        .join(IncidentLink, IncidentLink.report_id == Report.id)
        .where(IncidentLink.incident_id == incident.id, readable_by(principal))
        .order_by(IncidentLink.id)
    )
    if not removed:
        query = query.where(IncidentLink.removed_at.is_(None))
    return list(dict.fromkeys(session.scalars(query)))


def _visible_reports_of(
    session: Session, principal: Principal | None, incident_ids: Sequence[int]
) -> dict[int, list[Report]]:
    """What :func:`visible_reports` answers for each of ``incident_ids``, in one query."""
    found: dict[int, list[Report]] = {incident_id: [] for incident_id in incident_ids}
    if not found:
        return found
    query = (
        sa.select(IncidentLink.incident_id, Report)
        .join(Report, Report.id == IncidentLink.report_id)
        .where(
            IncidentLink.incident_id.in_(list(found)),
            IncidentLink.removed_at.is_(None),
            readable_by(principal),
        )
        .order_by(IncidentLink.id)
    )
    for incident_id, report in session.execute(query):
        found[incident_id].append(report)
    return found


def visible_incidents(session: Session, principal: Principal | None) -> sa.Select[int]:
    """Ids of the incidents ``principal`` may see (not tombstones)."""
    return (
        sa.select(IncidentLink.incident_id)
        .join(Report, Report.id == IncidentLink.report_id)
        .where(IncidentLink.removed_at.is_(None), readable_by(principal))
        .distinct()
    )


def _visible_candidates(principal: Principal | None) -> sa.Select[DedupCandidate]:
    evidence = aliased(Report)
    return (
        sa.select(DedupCandidate)
        .join(Report, Report.id == DedupCandidate.report_id)
        .join(evidence, evidence.id == DedupCandidate.evidence_report_id)
        .where(readable_by(principal), readable_by(principal, evidence))
    )


def triage_queue(
    session: Session, principal: Principal | None, *, page: int = 1, per_page: int = 25
) -> tuple[list[DedupCandidate], int]:
    """One page of pending candidates ``principal`` may judge, best score and most severe
    first, and how many there are in all."""
    if not has_permission(principal, Permission.DEDUP_TRIAGE):
        return [], 0
    query = _visible_candidates(principal).where(
        DedupCandidate.decision == CandidateDecision.PENDING
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(DedupCandidate.incident), selectinload(DedupCandidate.report))
        .order_by(DedupCandidate.score.desc(), DedupCandidate.severity.desc(), DedupCandidate.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total


def candidate_for(
    session: Session, principal: Principal | None, candidate_id: int
) -> DedupCandidate | None:
    """The candidate ``candidate_id`` if ``principal`` may triage it, else None."""
    if not has_permission(principal, Permission.DEDUP_TRIAGE):
        return None
    return session.scalar(_visible_candidates(principal).where(DedupCandidate.id == candidate_id))


def candidates_of(
    session: Session, principal: Principal | None, report: Report
) -> list[DedupCandidate]:
    """The candidates of ``report`` that ``principal`` may see, by rank."""
    if not has_permission(principal, Permission.INCIDENT_READ):
        return []
    query = _visible_candidates(principal).where(DedupCandidate.report_id == report.id)
    query = query.options(
        selectinload(DedupCandidate.incident), selectinload(DedupCandidate.evidence_report)
    )
    return list(session.scalars(query.order_by(DedupCandidate.rank)))


def incident_page(
    session: Session,
    principal: Principal | None,
    text: str = "",
    *,
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[IncidentView], int]:
    """One page of the incidents ``principal`` may see (not tombstones), newest first,
    optionally those whose reference, curated title or visible report titles contain
    ``text``; and how many match in all."""
    if not has_permission(principal, Permission.INCIDENT_READ):
        return [], 0
    query = sa.select(Incident).where(
        Incident.id.in_(visible_incidents(session, principal)),
        Incident.status != IncidentStatus.MERGED,
    )
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        titled = (
            sa.select(IncidentLink.incident_id)
            .join(Report, Report.id == IncidentLink.report_id)
            .where(
                IncidentLink.removed_at.is_(None),
                readable_by(principal),
                sa.func.lower(Report.title).like(pattern),
            )
        )
        query = query.where(
            sa.or_(
                sa.func.lower(Incident.reference).like(pattern),
                sa.func.lower(Incident.title).like(pattern),
                Incident.id.in_(titled),
            )
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(
        session.scalars(
            query.order_by(Incident.id.desc()).limit(per_page).offset((page - 1) * per_page)
        )
    )
    reports = _visible_reports_of(session, principal, [incident.id for incident in rows])
    views = []
    for incident in rows:
        shown = reports[incident.id]
        views.append(IncidentView(incident, incident.title or shown[0].title, shown))
    return views, total


def find_incidents(
    session: Session, principal: Principal | None, text: str, *, limit: int = 10
) -> list[IncidentView]:
    """Up to ``limit`` incidents matching ``text`` (the "incident" fields' autocomplete)."""
    if not text.strip():
        return []
    return incident_page(session, principal, text, per_page=limit)[0]


def merged_from(session: Session, incident: Incident) -> list[Incident]:
    """The tombstones that redirect to ``incident`` (merged into it), oldest first."""
    query = sa.select(Incident).where(Incident.merged_into_id == incident.id)
    return list(session.scalars(query.order_by(Incident.id)))


def pending_for_incident(
    session: Session, principal: Principal | None, incident: Incident
) -> list[DedupCandidate]:
    """The pending candidates proposing ``incident`` that ``principal`` may judge, best first."""
    if not has_permission(principal, Permission.DEDUP_TRIAGE):
        return []
    query = _visible_candidates(principal).where(
        DedupCandidate.incident_id == incident.id,
        DedupCandidate.decision == CandidateDecision.PENDING,
    )
    query = query.options(
        selectinload(DedupCandidate.report), selectinload(DedupCandidate.evidence_report)
    )
    return list(session.scalars(query.order_by(DedupCandidate.score.desc(), DedupCandidate.id)))


def links_of(session: Session, incident: Incident) -> list[IncidentLink]:
    """Every link of ``incident``, active and removed, oldest first, with their reports and
    the people who made and removed them (the incident page's reports and history)."""
    query = (
        sa.select(IncidentLink)
        .where(IncidentLink.incident_id == incident.id)
        .options(
            selectinload(IncidentLink.report),
            selectinload(IncidentLink.created_by),
            selectinload(IncidentLink.removed_by),
        )
        .order_by(IncidentLink.id)
    )
    return list(session.scalars(query))


def active_links(session: Session, report: Report) -> list[IncidentLink]:
    """The report's active links, oldest first."""
    query = (
        sa.select(IncidentLink)
        .where(IncidentLink.report_id == report.id, IncidentLink.removed_at.is_(None))
        .order_by(IncidentLink.id)
    )
    return list(session.scalars(query))


def active_link(session: Session, incident: Incident, report: Report) -> IncidentLink | None:
    return session.scalar(
        sa.select(IncidentLink).where(
            IncidentLink.incident_id == incident.id,
            IncidentLink.report_id == report.id,
            IncidentLink.removed_at.is_(None),
        )
    )


def incidents_of(session: Session, report: Report) -> list[Incident]:
    """The incidents ``report`` is linked to, oldest link first."""
    return [link.incident for link in active_links(session, report)]


def primary_incident(session: Session, report: Report) -> Incident | None:
    """The incident the report joined first (what the dedup engine groups it under)."""
    links = active_links(session, report)
    return links[0].incident if links else None


def follow(incident: Incident) -> Incident:
    """The incident a tombstone redirects to (itself when it is not one)."""
    seen = {incident.id}
    while incident.merged_into is not None and incident.merged_into.id not in seen:
        incident = incident.merged_into
        seen.add(incident.id)
    return incident
