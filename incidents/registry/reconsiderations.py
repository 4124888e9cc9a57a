"""What the engine asks analysts to reconsider after a placement, and their decisions.

A :class:`~incidents.registry.models.Reconsideration` is either a **merge proposal** (a report
bridges the incident it joined and another) or a **doubtful link** (a report's automatic link
no longer holds up). The engine records them (:func:`propose_merge`, :func:`flag_doubtful`);
it merges on its own only a first proposal between two incidents at auto-link grade on every
side (:func:`merge_automatically`, undone by an analyst's unmerge); everything else waits
until an analyst accepts or rejects a proposal, keeps or unlinks a link (:func:`decide`).
Accepting merges through :func:`~incidents.registry.services.merge`; a rejected pair is
proposed again only on stronger evidence (a later bridge whose weaker side scores at least
``STRONGER`` more).

Who sees one: like a candidate, only principals who may read every report of its evidence
(the report and each incident's closest report). One that no institute may read all of is
recorded as ``undecidable`` by the engine and never shown. Services flush and audit; the
caller commits. Raises Invalid (a reason too long) and Conflict (decided already, an
incident merged meanwhile).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.refusals import Conflict, NotFound
from incidents.registry import audiences, services
from incidents.registry.checks import checked_reason
from incidents.registry.models import (
    Incident,
    IncidentStatus,
    Reconsideration,
    ReconsiderationDecision,
    ReconsiderationKind,
)
from incidents.registry.queries import active_link, follow
from incidents.reports.models import Report
from incidents.reports.queries import readable_by
from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission

#: The reason of a reconsideration no institute may read all the evidence of.
UNDECIDABLE = "undecidable: no institute may read every report of the evidence"

#: How much more strongly a new bridge must tie a rejected pair to propose it again.
STRONGER = 0.1

Decision = ReconsiderationDecision
Kind = ReconsiderationKind


class Answer(enum.StrEnum):
    """What an analyst may answer: accept or reject a merge, keep or unlink a doubtful link."""

    ACCEPT = "accept"
    REJECT = "reject"
    KEEP = "keep"
    UNLINK = "unlink"

    @property
    def kind(self) -> ReconsiderationKind:
        merge = self in (Answer.ACCEPT, Answer.REJECT)
        return ReconsiderationKind.MERGE if merge else ReconsiderationKind.DOUBTFUL_LINK


# --- the engine's side ---------------------------------------------------------------------


def propose_merge(
    session: Session,
    caller: Caller,
    report: Report,
    joined: Incident,
    other: Incident,
    *,
    evidence: tuple[Report, Report],
    scores: tuple[float, float, float],
    signals: dict[str, list[dict[str, Any]]],
    automatic: bool,
    decidable: bool,
) -> Reconsideration | None:
    """Propose merging ``joined`` and ``other``, which ``report`` bridges; None when the pair
    waits already, or was rejected (or undecidable) on evidence as strong."""
    joined, other = follow(joined), follow(other)
    if joined.id == other.id or joined.is_tombstone or other.is_tombstone:
        return None
    strength = min(scores[0], scores[1])
    for earlier in _pair(session, joined, other):
        if earlier.is_pending or strength < _strength(earlier) + STRONGER:
            return None
    row = Reconsideration(
        kind=Kind.MERGE,
        report=report,
        incident=joined,
        other=other,
        evidence_report=evidence[0],
        other_evidence=evidence[1],
        score=scores[0],
        other_score=scores[1],
        direct_score=scores[2],
        is_automatic=automatic,
        signals=signals,
        decision=Decision.PENDING if decidable else Decision.UNDECIDABLE,
        reason="" if decidable else UNDECIDABLE,
        decided_at=None if decidable else utcnow(),
    )
    return _recorded(session, caller, row, "reconsideration.propose_merge")


def merge_automatically(session: Session, caller: Caller, row: Reconsideration) -> Incident | None:
    """Merge the two incidents of ``row`` as the engine, when it is a proposal at auto-link
    grade on both sides and directly (``is_automatic``), the first ever made between them
    (after an analyst's answer or an unmerge, the engine only proposes), and neither incident
    has been reviewed (both still ``open``: an analyst's confirmed or closed incident is not
    the engine's to change); return the incident that absorbed the other, or None when
    nothing was merged.

    Like an automatic link, it does not wait for an institute that may read every report of
    the evidence: one nobody may read all of is resolved by the engine alone.
    """
    if not row.is_automatic or row.decision not in (Decision.PENDING, Decision.UNDECIDABLE):
        return None
    assert row.other is not None, "a merge proposal names two incidents"
    one, two = follow(row.incident), follow(row.other)
    if one.status is not IncidentStatus.OPEN or two.status is not IncidentStatus.OPEN:
        return None
    if any(earlier.id != row.id for earlier in _pair(session, one, two)):
        return None
    reason = (
        f"merged by the engine: {row.report.reference} matches both at auto-link grade "
        f"({row.score:.2f} and {row.other_score:.2f}; the two directly {row.direct_score:.2f})"
    )
    target = _merge(session, caller, row, reason)
    _decided(session, caller, row, Decision.ACCEPTED, reason)
    return target


def flag_doubtful(
    session: Session,
    caller: Caller,
    report: Report,
    incident: Incident,
    *,
    rival: Incident | None,
    evidence: tuple[Report | None, Report | None],
    scores: tuple[float | None, float | None],
    signals: dict[str, list[dict[str, Any]]],
    why: str,
    decidable: bool,
) -> Reconsideration | None:
    """Flag ``report``'s automatic link to ``incident`` as doubtful (``why``); None when it is
    flagged already or an analyst decided on it before."""
    earlier = session.scalar(
        sa.select(Reconsideration.id).where(
            Reconsideration.kind == Kind.DOUBTFUL_LINK,
            Reconsideration.report_id == report.id,
            Reconsideration.incident_id == incident.id,
        )
    )
    if earlier is not None:
        return None
    row = Reconsideration(
        kind=Kind.DOUBTFUL_LINK,
        report=report,
        incident=incident,
        other=rival,
        evidence_report=evidence[0],
        other_evidence=evidence[1],
        score=scores[0],
        other_score=scores[1],
        signals=signals,
        decision=Decision.PENDING if decidable else Decision.UNDECIDABLE,
        reason=why if decidable else f"{UNDECIDABLE} ({why})",
        decided_at=None if decidable else utcnow(),
    )
    return _recorded(session, caller, row, "reconsideration.flag_link")


def _strength(row: Reconsideration) -> float:
    """How well a bridge tied its two incidents: its weaker side."""
    return min(row.score or 0.0, row.other_score or 0.0)


def _pair(session: Session, one: Incident, two: Incident) -> list[Reconsideration]:
    ids = (one.id, two.id)
    query = sa.select(Reconsideration).where(
        Reconsideration.kind == Kind.MERGE,
        Reconsideration.incident_id.in_(ids),
        Reconsideration.other_id.in_(ids),
    )
    return list(session.scalars(query))


def _recorded(
    session: Session, caller: Caller, row: Reconsideration, action: str
) -> Reconsideration:
    session.add(row)
    session.flush()
    record(
        session,
        caller,
        action,
        subject_type="incident",
        subject_ref=row.incident.reference,
        other=row.other.reference if row.other else None,
        report=row.report.reference,
        decision=row.decision.value,
        automatic=row.is_automatic,
        score=round(row.score, 4) if row.score is not None else None,
    )
    return row


# --- the analysts' side --------------------------------------------------------------------


def decide(
    session: Session, caller: Caller, row: Reconsideration, answer: Answer, *, reason: str = ""
) -> Incident:
    """Apply an analyst's ``answer`` to a pending ``row``; return the incident the report is
    in afterwards (for a merge: the incident that absorbed the other). Raises Invalid and
    Conflict (decided already, wrong kind of answer, an incident merged meanwhile)."""
    if not row.is_pending:
        raise Conflict(f"This was already decided ({row.decision.value}); reload the queue.")
    if answer.kind is not row.kind:
        raise Conflict(f"Answer a {row.kind.value.replace('_', ' ')} with the right buttons.")
    reason = checked_reason(reason)
    now_in = follow(row.incident)
    if answer is Answer.ACCEPT:
        now_in = _merge(session, caller, row, reason)
        decision = Decision.ACCEPTED
    elif answer is Answer.UNLINK:
        if active_link(session, row.incident, row.report) is None:
            raise Conflict(f"{row.report.reference} is not in {row.incident.reference} any more.")
        why = reason or f"automatic link doubtful: {row.reason}"
        services.unlink_report(session, caller, row.incident, row.report, reason=why)
        decision = Decision.UNLINKED
    else:
        decision = Decision.REJECTED if answer is Answer.REJECT else Decision.KEPT
    _decided(session, caller, row, decision, reason)
    return now_in


def _merge(session: Session, caller: Caller, row: Reconsideration, reason: str) -> Incident:
    """Merge the younger of the two incidents into the older (its reference stays)."""
    assert row.other is not None, "a merge proposal names two incidents"
    one, two = follow(row.incident), follow(row.other)
    if one.id == two.id:
        raise Conflict(f"{row.incident.reference} and {row.other.reference} are one already.")
    target, absorbed = sorted((one, two), key=lambda each: each.id)
    why = reason or f"{row.report.reference} describes both (merge proposed by the engine)"
    return services.merge(session, caller, absorbed, target, reason=why)


def _decided(
    session: Session, caller: Caller, row: Reconsideration, decision: Decision, reason: str
) -> None:
    before = row.decision
    row.decision = decision
    row.reason = reason or row.reason
    principal = caller.principal
    row.decided_by_id = principal.id if principal else None
    if principal is not None and reason:
        derived = audiences.derived_from(row.evidence)
        row.audience = audiences.audience(session, principal.organization_id, derived)
    row.decided_at = utcnow()
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [row.incident_id])
    record(
        session,
        caller,
        f"reconsideration.{decision.value}",
        subject_type="incident",
        subject_ref=row.incident.reference,
        kind=row.kind.value,
        other=row.other.reference if row.other else None,
        report=row.report.reference,
        before=before.value,
        reason=reason,
    )


# --- reading -------------------------------------------------------------------------------


def _visible(principal: Principal | None) -> sa.Select[Reconsideration]:
    """Reconsiderations whose every evidence report ``principal`` may read."""
    evidence, other_evidence = aliased(Report), aliased(Report)
    return (
        sa.select(Reconsideration)
        .join(Report, Report.id == Reconsideration.report_id)
        .outerjoin(evidence, evidence.id == Reconsideration.evidence_report_id)
        .outerjoin(other_evidence, other_evidence.id == Reconsideration.other_evidence_id)
        .where(
            readable_by(principal),
            sa.or_(evidence.id.is_(None), readable_by(principal, evidence)),
            sa.or_(other_evidence.id.is_(None), readable_by(principal, other_evidence)),
        )
        .options(
            selectinload(Reconsideration.report),
            selectinload(Reconsideration.incident),
            selectinload(Reconsideration.other),
            selectinload(Reconsideration.evidence_report),
            selectinload(Reconsideration.other_evidence),
        )
    )


def queue(
    session: Session, principal: Principal | None, *, page: int = 1, per_page: int = 25
) -> tuple[list[Reconsideration], int]:
    """One page of pending reconsiderations ``principal`` may judge (of incidents not merged
    meanwhile), automatic-grade merges and best scores first, and how many in all."""
    if not has_permission(principal, Permission.DEDUP_TRIAGE):
        return [], 0
    merged = sa.select(Incident.id).where(Incident.status == IncidentStatus.MERGED)
    query = _visible(principal).where(
        Reconsideration.decision == Decision.PENDING,
        Reconsideration.incident_id.not_in(merged),
        sa.or_(Reconsideration.other_id.is_(None), Reconsideration.other_id.not_in(merged)),
    )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(
            Reconsideration.is_automatic.desc(),
            Reconsideration.score.desc(),
            Reconsideration.id,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total


def of_report(
    session: Session, principal: Principal | None, report: Report
) -> list[Reconsideration]:
    """The reconsiderations about ``report`` that ``principal`` may see, oldest first."""
    if not has_permission(principal, Permission.DEDUP_TRIAGE):
        return []
    query = _visible(principal).where(
        Reconsideration.report_id == report.id,
        Reconsideration.decision != Decision.UNDECIDABLE,
    )
    return list(session.scalars(query.order_by(Reconsideration.id)))


def named(rows: Sequence[Reconsideration], answer: Answer, reference: str) -> Reconsideration:
    """The pending row of ``rows`` that ``answer`` may apply to and that names incident
    ``reference`` (a merge: either incident; a doubtful link: its incident); raises NotFound,
    naming ``incident``."""
    wanted = reference.strip().upper()
    for row in rows:
        names = {row.incident.reference, follow(row.incident).reference}
        if row.kind is Kind.MERGE and row.other is not None:
            names |= {row.other.reference, follow(row.other).reference}
        if row.is_pending and row.kind is answer.kind and wanted in names:
            return row
    message = f"Nothing waits to be reconsidered about {wanted} here."
    raise NotFound(message, {"incident": [message]})
