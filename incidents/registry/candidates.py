"""The dedup engine's candidates as the registry's changes settle them.

Low-level steps shared by the registry's services and the analysts' triage decisions
(:mod:`.triage`): which candidates of a report still wait, recording a decision, and keeping
candidates true when reports move (a merge retargets them, a link confirms them).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.refusals import Conflict
from incidents.registry import audiences
from incidents.registry.models import CandidateDecision, DedupCandidate, Incident
from incidents.registry.queries import active_links, follow
from incidents.reports.models import Report
from incidents.security.caller import Caller


def pending_candidates(session: Session, report: Report) -> list[DedupCandidate]:
    """The report's candidates still waiting for an analyst, best first."""
    query = (
        sa.select(DedupCandidate)
        .where(
            DedupCandidate.report_id == report.id,
            DedupCandidate.decision == CandidateDecision.PENDING,
        )
        .order_by(DedupCandidate.rank)
    )
    return list(session.scalars(query))


def decide_candidate(
    session: Session,
    caller: Caller,
    candidate: DedupCandidate,
    decision: CandidateDecision,
    reason: str,
) -> None:
    """Record ``decision`` on ``candidate`` with its reason; an analyst's reason is readable
    by who may read both the report and the incident's report it was compared with."""
    before = candidate.decision
    candidate.decision = decision
    candidate.reason = reason
    principal = caller.principal
    candidate.decided_by_id = principal.id if principal else None
    if principal is not None:
        derived = audiences.derived_from([candidate.report, candidate.evidence_report])
        candidate.audience = audiences.audience(session, principal.organization_id, derived)
    candidate.decided_at = utcnow()
    session.flush()
    # A decision changes what the incident says about its reports (search reads it again).
    publish(session, Event.INCIDENT_CHANGED, "incident", [candidate.incident_id])
    record(
        session,
        caller,
        f"candidate.{decision.value}",
        subject_type="report",
        subject_ref=candidate.report.reference or str(candidate.report_id),
        incident=candidate.incident.reference,
        before=before.value,
        score=round(candidate.score, 4),
        reason=reason,
    )


def resolve_candidates(session: Session, caller: Caller, report: Report) -> None:
    """Pending candidates of ``report`` whose incident now holds it are confirmed."""
    linked = {link.incident_id for link in active_links(session, report)}
    for candidate in pending_candidates(session, report):
        if follow(candidate.incident).id in linked:
            decide_candidate(session, caller, candidate, CandidateDecision.CONFIRMED, "linked")


def retarget_candidates(
    session: Session, caller: Caller, absorbed: Incident, target: Incident
) -> None:
    """Pending candidates of a merged incident now point at the incident that absorbed it."""
    query = sa.select(DedupCandidate).where(
        DedupCandidate.incident_id == absorbed.id,
        DedupCandidate.decision == CandidateDecision.PENDING,
    )
    for candidate in list(session.scalars(query)):
        duplicate = session.scalar(
            sa.select(DedupCandidate).where(
                DedupCandidate.report_id == candidate.report_id,
                DedupCandidate.incident_id == target.id,
            )
        )
        if duplicate is None:
            candidate.incident = target
        else:
            decide_candidate(
                session,
                caller,
                candidate,
                CandidateDecision.REJECTED,
                f"{absorbed.reference} was merged into {target.reference}",
            )
    session.flush()


def check_pending(candidate: DedupCandidate) -> None:
    if not candidate.is_pending:
        raise Conflict(
            f"This candidate was already decided ({candidate.decision.value}); reload the queue."
        )
