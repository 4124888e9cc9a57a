"""Reading the registry for a principal: what an analyst may see of incidents and candidates.

An incident is visible to a principal who holds ``incident:read`` and may read at least one
of its reports; only those reports are shown. It is named by the curation its reader's
institute wrote, else by a curation the reader may read (its audience allows it), else by
the first report the reader may read. A candidate is visible only when its report and the
report its signals were computed against are both readable. Everything hidden answers
``None``, exactly like something missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from incidents.registry import audiences
from incidents.registry.models import (
    Audience,
    CandidateDecision,
    DedupCandidate,
    Incident,
    IncidentCuration,
    IncidentLink,
    IncidentStatus,
    LinkOrigin,
)
from incidents.reports.models import Report
from incidents.reports.queries import readable_by
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission


@dataclass(frozen=True)
class IncidentView:
    """An incident as one principal sees it: the reports it may read, and the curation it
    sees (its own institute's, else one it may read; None: named after a report)."""

    incident: Incident
    title: str
    reports: list[Report]
    curation: IncidentCuration | None = None

    @property
    def reference(self) -> str:
        return self.incident.reference

    @property
    def classification(self) -> dict[str, Any]:
        return dict(self.curation.classification) if self.curation else {}

    @property
    def narrative(self) -> str:
        return self.curation.narrative if self.curation else ""

    @property
    def updated_at(self) -> datetime:
        """When what its reader sees last changed: a report it may read, the curation it sees."""
        times = [each.submitted_at for each in self.reports if each.submitted_at is not None]
        if self.curation is not None:
            times.append(self.curation.updated_at)
        return max(times, default=self.incident.created_at)

    @property
    def is_curated(self) -> bool:
        return self.curation is not None and self.curation.title is not None


def shown_curation(
    principal: Principal | None, curations: Sequence[IncidentCuration]
) -> IncidentCuration | None:
    """Of the curations ``principal`` may read, the one it sees: its own institute's, else
    the one most recently written."""
    if principal is None or not curations:
        return None
    own = [each for each in curations if each.organization_id == principal.organization_id]
    if own:
        return own[0]
    return max(curations, key=lambda each: (each.updated_at, each.id))


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
    curations = readable_curations(session, principal, [incident.id])[incident.id]
    return _view(principal, incident, reports, curations)


def seen_incidents(
    session: Session, principal: Principal | None, incidents: Iterable[Incident]
) -> dict[int, IncidentView | None]:
    """Each of ``incidents``, followed past merges, as ``principal`` sees it (what
    :func:`incident_for` answers for the incident it leads to), keyed by the id of the incident
    given; None where it is hidden. One query for them all."""
    targets = {incident.id: follow(incident) for incident in incidents}
    if not has_permission(principal, Permission.INCIDENT_READ):
        return dict.fromkeys(targets)
    ids = [target.id for target in targets.values()]
    reports = _visible_reports_of(session, principal, ids)
    curations = readable_curations(session, principal, ids)
    return {
        key: _view(principal, target, reports[target.id], curations[target.id])
        for key, target in targets.items()
    }


def _view(
    principal: Principal | None,
    incident: Incident,
    reports: list[Report],
    curations: Sequence[IncidentCuration],
) -> IncidentView | None:
    """``incident`` as ``principal`` sees it: named by the curation it sees when that has a
    title, else by the first of ``reports``; None without any report."""
    if not reports:
        return None
    curation = shown_curation(principal, curations)
    title = curation.title if curation is not None and curation.title else reports[0].title
    return IncidentView(incident, title, reports, curation)


def readable_curations(
    session: Session, principal: Principal | None, incident_ids: Sequence[int]
) -> dict[int, list[IncidentCuration]]:
    """The curations of each of ``incident_ids`` that ``principal`` may read (their audience
    allows it), in one query."""
    found: dict[int, list[IncidentCuration]] = {incident_id: [] for incident_id in incident_ids}
    if not found or not has_permission(principal, Permission.INCIDENT_READ):
        return found
    query = (
        sa.select(IncidentCuration)
        .join(Audience, Audience.id == IncidentCuration.audience_id)
        .where(IncidentCuration.incident_id.in_(list(found)), audiences.readable(principal))
        .order_by(IncidentCuration.id)
    )
    for curation in session.scalars(query):
        found[curation.incident_id].append(curation)
    return found


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


@dataclass(frozen=True)
class Placement:
    """Where a report is now: an incident it is linked to, and how (None when the principal
    may not read how the link came about)."""

    incident_reference: str
    origin: LinkOrigin | None


def placements(
    session: Session, principal: Principal | None, reports: Iterable[Report]
) -> dict[int, list[Placement]]:
    """The incidents each of ``reports`` is linked to now, keyed by report id, oldest link
    first; the link's origin only where its audience is readable by ``principal``."""
    ids = {report.id for report in reports}
    found: dict[int, list[Placement]] = {each: [] for each in ids}
    if not ids:
        return found
    query = (
        sa.select(IncidentLink.report_id, Incident.reference, IncidentLink.origin)
        .join(Incident, Incident.id == IncidentLink.incident_id)
        .where(IncidentLink.report_id.in_(ids), IncidentLink.removed_at.is_(None))
        .where(sa.or_(IncidentLink.audience_id.is_(None), _readable_link(principal)))
        .order_by(IncidentLink.id)
    )
    for report_id, reference, origin in session.execute(query):
        found[report_id].append(Placement(reference, origin))
    hidden = (
        sa.select(IncidentLink.report_id, Incident.reference)
        .join(Incident, Incident.id == IncidentLink.incident_id)
        .where(IncidentLink.report_id.in_(ids), IncidentLink.removed_at.is_(None))
        .where(IncidentLink.audience_id.is_not(None), sa.not_(_readable_link(principal)))
        .order_by(IncidentLink.id)
    )
    for report_id, reference in session.execute(hidden):
        found[report_id].append(Placement(reference, None))
    return found


def _readable_link(principal: Principal | None) -> sa.ColumnElement[bool]:
    audience = aliased(Audience)
    return sa.exists().where(
        audience.id == IncidentLink.audience_id, audiences.readable(principal, audience)
    )


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
        curated = (
            sa.select(IncidentCuration.incident_id)
            .join(Audience, Audience.id == IncidentCuration.audience_id)
            .where(
                audiences.readable(principal), sa.func.lower(IncidentCuration.title).like(pattern)
            )
        )
        query = query.where(
            sa.or_(
                sa.func.lower(Incident.reference).like(pattern),
                Incident.id.in_(curated),
                Incident.id.in_(titled),
            )
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = list(
        session.scalars(
            query.order_by(Incident.id.desc()).limit(per_page).offset((page - 1) * per_page)
        )
    )
    ids = [incident.id for incident in rows]
    reports = _visible_reports_of(session, principal, ids)
    curations = readable_curations(session, principal, ids)
    views = [_view(principal, each, reports[each.id], curations[each.id]) for each in rows]
    return [view for view in views if view is not None], total


def find_incidents(
    session: Session, principal: Principal | None, text: str, *, limit: int = 10
) -> list[IncidentView]:
    """Up to ``limit`` incidents matching ``text`` (the "incident" fields' autocomplete)."""
    if not text.strip():
        return []
    return incident_page(session, principal, text, per_page=limit)[0]


def merged_from(
    session: Session, principal: Principal | None, incident: Incident
) -> list[Incident]:
    """The tombstones that redirect to ``incident`` (merged into it) that ``principal`` could
    see before the merge (it may read a report one held), oldest first."""
    held = (
        sa.select(IncidentLink.incident_id)
        .join(Report, Report.id == IncidentLink.report_id)
        .where(readable_by(principal))
    )
    query = sa.select(Incident).where(Incident.merged_into_id == incident.id, Incident.id.in_(held))
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


def shown_provenance(
    session: Session, principal: Principal | None, links: Iterable[IncidentLink]
) -> set[int]:
    """Ids of the ``links`` whose provenance (origin, score, reason) ``principal`` may see:
    what the platform states of its own, or what derives from reports it may read."""
    given = list(links)
    readable = audiences.readable_ids(session, principal, [link.audience_id for link in given])
    return {link.id for link in given if link.audience_id is None or link.audience_id in readable}
