"""Changing the registry: incidents, links, merge and split, curation, candidate decisions.

Every function takes the session and the :class:`~incidents.security.caller.Caller`, flushes
and records an audit event; the view or command that owns the transaction commits. Nothing is
deleted, and each change can be undone by another: a removed link keeps its row, a merge leaves
a tombstone (:func:`unmerge` restores it), a split is undone by merging back, a rejected
auto-link moves the report back out.

A submitted report always belongs to at least one incident: operations that would leave it
in none open a new incident for it. An incident left without reports becomes a tombstone
pointing at the incident its last report moved to, so its reference keeps working.

Raises :class:`RegistryInvalid` (bad input, with a field → messages map) and
:class:`RegistryConflict` (the state changed: a stale version, a decided candidate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.dedup.models import DedupFingerprint
from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    Incident,
    IncidentLink,
    IncidentStatus,
    LinkOrigin,
)
from incidents.reports.models import Report
from incidents.reports.references import next_reference
from incidents.security.caller import Caller

MAX_TITLE = 300
MAX_REASON = 2_000

Problems = dict[str, list[str]]


class RegistryInvalid(ValueError):
    """The change cannot be made as asked; ``problems`` maps field names to messages."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{path}: {' '.join(m)}" for path, m in problems.items()))
        self.problems = problems


class RegistryConflict(RuntimeError):
    """The incident or candidate changed since the caller read it; nothing was saved."""


# --- reading helpers -----------------------------------------------------------------------


def active_links(session: Session, report: Report) -> list[IncidentLink]:
    """The report's active links, oldest first."""
    query = (
        sa.select(IncidentLink)
        .where(IncidentLink.report_id == report.id, IncidentLink.removed_at.is_(None))
        .order_by(IncidentLink.id)
    )
    return list(session.scalars(query))


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


# --- incidents and links -------------------------------------------------------------------


def open_incident(
    session: Session,
    caller: Caller,
    report: Report,
    *,
    origin: LinkOrigin = LinkOrigin.NEW,
    reason: str = "",
    title: str | None = None,
) -> Incident:
    """Open a new incident with ``report`` as its first report."""
    incident = Incident(
        reference=next_reference(session, "INC", utcnow().year),
        title=_checked_title(title) if title else None,
        status=IncidentStatus.OPEN,
        classification={},
        created_by_id=_actor_id(caller),
        links=[],
    )
    session.add(incident)
    session.flush()
    record(
        session,
        caller,
        "incident.open",
        subject_type="incident",
        subject_ref=incident.reference,
        report=report.reference,
        flush=False,
    )
    add_link(session, caller, incident, report, origin=origin, reason=reason)
    return incident


def link_report(
    session: Session, caller: Caller, incident: Incident, report: Report, *, reason: str
) -> IncidentLink:
    """Link ``report`` to ``incident`` as well (a report may describe several incidents)."""
    _check_open(incident)
    if _active_link(session, incident, report) is not None:
        raise RegistryConflict(f"{report.reference} is already linked to {incident.reference}.")
    link = add_link(session, caller, incident, report, origin=LinkOrigin.ANALYST, reason=reason)
    _resolve_candidates(session, caller, report)
    return link


def unlink_report(
    session: Session, caller: Caller, incident: Incident, report: Report, *, reason: str
) -> None:
    """Remove ``report`` from ``incident``; a report left in no incident gets a new one."""
    link = _active_link(session, incident, report)
    if link is None:
        raise RegistryConflict(f"{report.reference} is not linked to {incident.reference}.")
    _unlink(session, caller, link, _checked_reason(reason, required=True))
    remaining = active_links(session, report)
    now_in = (
        remaining[0].incident
        if remaining
        else open_incident(session, caller, report, origin=LinkOrigin.SPLIT, reason=reason)
    )
    # Left empty, the incident redirects to where its last report now is.
    _retire_if_empty(session, caller, incident, now_in)
    _sync_fingerprints(session, [report.id])


def move_report(
    session: Session,
    caller: Caller,
    report: Report,
    source: Incident,
    target: Incident,
    *,
    reason: str,
    origin: LinkOrigin = LinkOrigin.ANALYST,
) -> None:
    """Move ``report`` from ``source`` to ``target``. A source left empty redirects to target."""
    _check_open(target)
    link = _active_link(session, source, report)
    if link is None:
        raise RegistryConflict(f"{report.reference} is not linked to {source.reference}.")
    if source.id == target.id:
        return
    _unlink(session, caller, link, reason or f"moved to {target.reference}")
    if _active_link(session, target, report) is None:
        add_link(session, caller, target, report, origin=origin, reason=reason)
    _retire_if_empty(session, caller, source, target)
    _sync_fingerprints(session, [report.id])


def merge(
    session: Session, caller: Caller, absorbed: Incident, target: Incident, *, reason: str
) -> Incident:
    """Merge ``absorbed`` into ``target``: its reports move, it stays as a tombstone."""
    _check_open(absorbed)
    _check_open(target)
    if absorbed.id == target.id:
        raise RegistryInvalid({"target": ["An incident cannot be merged into itself."]})
    reason = _checked_reason(reason, required=True)
    moved = []
    for link in list(absorbed.active_links):
        _unlink(session, caller, link, f"merged into {target.reference}: {reason}")
        if _active_link(session, target, link.report) is None:
            add_link(
                session,
                caller,
                target,
                link.report,
                origin=LinkOrigin.MERGE,
                reason=reason,
                merged_from=absorbed,
            )
        moved.append(link.report_id)
    absorbed.status = IncidentStatus.MERGED
    absorbed.merged_into = target
    _retarget_candidates(session, caller, absorbed, target)
    session.flush()
    _sync_fingerprints(session, moved)
    record(
        session,
        caller,
        "incident.merge",
        subject_type="incident",
        subject_ref=absorbed.reference,
        into=target.reference,
        reports=len(moved),
        reason=reason,
    )
    return target


def unmerge(session: Session, caller: Caller, absorbed: Incident, *, reason: str) -> Incident:
    """Undo the merge of ``absorbed``: the reports it brought move back, it is open again."""
    target = absorbed.merged_into
    if not absorbed.is_tombstone or target is None:
        raise RegistryConflict(f"{absorbed.reference} is not merged into another incident.")
    reason = _checked_reason(reason, required=True)
    brought = [link for link in target.active_links if link.merged_from_id == absorbed.id]
    for link in brought:
        _unlink(session, caller, link, f"merge of {absorbed.reference} undone: {reason}")
        add_link(session, caller, absorbed, link.report, origin=LinkOrigin.ANALYST, reason=reason)
    absorbed.status = IncidentStatus.OPEN
    absorbed.merged_into = None
    session.flush()
    _sync_fingerprints(session, [link.report_id for link in brought])
    record(
        session,
        caller,
        "incident.unmerge",
        subject_type="incident",
        subject_ref=absorbed.reference,
        was_in=target.reference,
        reports=len(brought),
        reason=reason,
    )
    return absorbed


def split(
    session: Session,
    caller: Caller,
    incident: Incident,
    reports: Sequence[Report],
    *,
    reason: str,
    title: str | None = None,
) -> Incident:
    """Move ``reports`` out of ``incident`` into a new incident, and return it."""
    _check_open(incident)
    reason = _checked_reason(reason, required=True)
    members = {link.report_id for link in incident.active_links}
    if not reports:
        raise RegistryInvalid({"reports": ["Choose at least one report to split off."]})
    strangers = [r.reference or str(r.id) for r in reports if r.id not in members]
    if strangers:
        raise RegistryInvalid(
            {"reports": [f"Not linked to {incident.reference}: {', '.join(strangers)}."]}
        )
    if len({r.id for r in reports}) == len(members):
        raise RegistryInvalid({"reports": ["Leave at least one report in the incident."]})
    first, *rest = reports
    _unlink(session, caller, _required_link(session, incident, first), f"split off: {reason}")
    new = open_incident(session, caller, first, origin=LinkOrigin.SPLIT, reason=reason, title=title)
    for report in rest:
        move_report(session, caller, report, incident, new, reason=reason, origin=LinkOrigin.SPLIT)
    _sync_fingerprints(session, [r.id for r in reports])
    record(
        session,
        caller,
        "incident.split",
        subject_type="incident",
        subject_ref=incident.reference,
        new=new.reference,
        reports=[r.reference for r in reports],
        reason=reason,
    )
    return new


def curate(
    session: Session,
    caller: Caller,
    incident: Incident,
    *,
    version: int,
    title: str | None,
    status: str,
    classification: Mapping[str, Any],
) -> Incident:
    """Set the curated title, status and classification, if nobody changed it since ``version``.

    Raises RegistryConflict on a stale ``version`` and RegistryInvalid on bad values.
    """
    if version != incident.lock_version:
        raise RegistryConflict(
            f"{incident.reference} was changed by someone else since you opened it; "
            "your changes were not saved. Reload it and apply them again."
        )
    _check_open(incident)
    problems: Problems = {}
    if title is not None and len(title) > MAX_TITLE:
        problems["title"] = [f"Keep the title under {MAX_TITLE} characters."]
    allowed = [s.value for s in IncidentStatus.curated()]
    if status not in allowed:
        problems["status"] = [f"{status!r} is not a status; choose one of {', '.join(allowed)}."]
    for problem in taxonomy.load().validate(classification, "final"):
        if problem.code != "required":
            path = f"classification.{problem.path}" if problem.path else "classification"
            problems.setdefault(path, []).append(problem.message)
    if problems:
        raise RegistryInvalid(problems)
    before = {"title": incident.title, "status": incident.status.value}
    incident.title = (title or "").strip() or None
    incident.status = IncidentStatus(status)
    incident.classification = dict(classification)
    session.flush()
    record(
        session,
        caller,
        "incident.curate",
        subject_type="incident",
        subject_ref=incident.reference,
        before=before,
        after={"title": incident.title, "status": incident.status.value},
    )
    return incident


# --- candidate decisions -------------------------------------------------------------------


def confirm(
    session: Session, caller: Caller, candidate: DedupCandidate, *, reason: str = ""
) -> Incident:
    """Confirm that the candidate's report describes its incident, and link it there.

    The report leaves the incident the engine opened for it when it is alone there.
    """
    _check_pending(candidate)
    target = follow(candidate.incident)
    _place(session, caller, candidate.report, target, reason=_checked_reason(reason))
    _decide(session, caller, candidate, CandidateDecision.CONFIRMED, reason)
    _resolve_candidates(session, caller, candidate.report)
    return target


def reject(
    session: Session, caller: Caller, candidate: DedupCandidate, *, reason: str = ""
) -> None:
    """Reject a candidate; rejecting an automatic link moves the report back out."""
    if candidate.decision is CandidateDecision.AUTO_LINKED:
        reason = _checked_reason(reason, required=True)
        incident = follow(candidate.incident)
        if _active_link(session, incident, candidate.report) is not None:
            unlink_report(session, caller, incident, candidate.report, reason=reason)
    else:
        _check_pending(candidate)
    _decide(session, caller, candidate, CandidateDecision.REJECTED, _checked_reason(reason))


def link_elsewhere(
    session: Session, caller: Caller, report: Report, target: Incident, *, reason: str = ""
) -> Incident:
    """Link ``report`` to ``target`` (chosen by the analyst) and settle its pending candidates."""
    target = follow(target)
    _place(session, caller, report, target, reason=_checked_reason(reason))
    for candidate in pending_candidates(session, report):
        decision = (
            CandidateDecision.CONFIRMED
            if follow(candidate.incident).id == target.id
            else CandidateDecision.REJECTED
        )
        _decide(session, caller, candidate, decision, reason or f"linked to {target.reference}")
    return target


def keep_separate(
    session: Session, caller: Caller, report: Report, *, reason: str = ""
) -> Incident:
    """Reject the report's pending candidates; it stays in (or gets) an incident of its own."""
    for candidate in pending_candidates(session, report):
        _decide(session, caller, candidate, CandidateDecision.REJECTED, reason or "a new incident")
    incident = primary_incident(session, report)
    if incident is not None and len(incident.active_links) == 1:
        return incident
    if incident is None:
        return open_incident(session, caller, report, origin=LinkOrigin.ANALYST, reason=reason)
    return split(session, caller, incident, [report], reason=reason or "a separate event")


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


# --- internals -----------------------------------------------------------------------------


def _place(
    session: Session, caller: Caller, report: Report, target: Incident, *, reason: str
) -> None:
    """Put ``report`` in ``target``: moved out of an incident it is alone in, else added."""
    _check_open(target)
    if _active_link(session, target, report) is not None:
        return
    for link in active_links(session, report):
        if len(link.incident.active_links) == 1:
            move_report(session, caller, report, link.incident, target, reason=reason)
            return
    link_report(session, caller, target, report, reason=reason)


def add_link(
    session: Session,
    caller: Caller,
    incident: Incident,
    report: Report,
    *,
    origin: LinkOrigin,
    reason: str,
    score: float | None = None,
    merged_from: Incident | None = None,
) -> IncidentLink:
    """Link ``report`` to ``incident`` as ``origin`` says (no checks: callers make them)."""
    link = IncidentLink(
        incident=incident,
        report=report,
        origin=origin,
        reason=reason,
        score=score,
        merged_from_id=merged_from.id if merged_from else None,
        created_by_id=_actor_id(caller),
    )
    session.add(link)
    session.flush()
    record(
        session,
        caller,
        "incident.link",
        subject_type="incident",
        subject_ref=incident.reference,
        report=report.reference,
        origin=origin.value,
        reason=reason,
        flush=False,
    )
    return link


def _unlink(session: Session, caller: Caller, link: IncidentLink, reason: str) -> None:
    link.removed_at = utcnow()
    link.removed_by_id = _actor_id(caller)
    link.removed_reason = reason
    session.flush()
    record(
        session,
        caller,
        "incident.unlink",
        subject_type="incident",
        subject_ref=link.incident.reference,
        report=link.report.reference,
        reason=reason,
        flush=False,
    )


def _active_link(session: Session, incident: Incident, report: Report) -> IncidentLink | None:
    return session.scalar(
        sa.select(IncidentLink).where(
            IncidentLink.incident_id == incident.id,
            IncidentLink.report_id == report.id,
            IncidentLink.removed_at.is_(None),
        )
    )


def _required_link(session: Session, incident: Incident, report: Report) -> IncidentLink:
    link = _active_link(session, incident, report)
    if link is None:
        raise RegistryConflict(f"{report.reference} is not linked to {incident.reference}.")
    return link


def _retire_if_empty(
    session: Session, caller: Caller, incident: Incident, successor: Incident | None
) -> None:
    """Make an incident left without reports a tombstone (redirecting to ``successor``)."""
    session.refresh(incident, ["links"])
    if incident.active_links or incident.is_tombstone:
        return
    incident.status = IncidentStatus.MERGED
    incident.merged_into = successor
    session.flush()
    record(
        session,
        caller,
        "incident.retire",
        subject_type="incident",
        subject_ref=incident.reference,
        into=successor.reference if successor else None,
        flush=False,
    )


def _retarget_candidates(
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
            _decide(
                session,
                caller,
                candidate,
                CandidateDecision.REJECTED,
                f"{absorbed.reference} was merged into {target.reference}",
            )
    session.flush()


def _resolve_candidates(session: Session, caller: Caller, report: Report) -> None:
    """Pending candidates of ``report`` whose incident now holds it are confirmed."""
    linked = {link.incident_id for link in active_links(session, report)}
    for candidate in pending_candidates(session, report):
        if follow(candidate.incident).id in linked:
            _decide(session, caller, candidate, CandidateDecision.CONFIRMED, "linked")


def _decide(
    session: Session,
    caller: Caller,
    candidate: DedupCandidate,
    decision: CandidateDecision,
    reason: str,
) -> None:
    before = candidate.decision
    candidate.decision = decision
    candidate.reason = reason
    candidate.decided_by_id = _actor_id(caller)
    candidate.decided_at = utcnow()
    session.flush()
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


def _sync_fingerprints(session: Session, report_ids: Sequence[int]) -> None:
    """Keep the engine's incident of each report equal to its primary incident."""
    for report_id in set(report_ids):
        first = session.scalar(
            sa.select(Incident.reference)
            .join(IncidentLink, IncidentLink.incident_id == Incident.id)
            .where(IncidentLink.report_id == report_id, IncidentLink.removed_at.is_(None))
            .order_by(IncidentLink.id)
            .limit(1)
        )
        if first is not None:
            session.execute(
                sa.update(DedupFingerprint)
                .where(DedupFingerprint.report_id == report_id)
                .values(incident_ref=first)
            )


def _check_open(incident: Incident) -> None:
    if incident.is_tombstone:
        into = incident.merged_into.reference if incident.merged_into else "another incident"
        raise RegistryConflict(f"{incident.reference} was merged into {into}; use that one.")


def _check_pending(candidate: DedupCandidate) -> None:
    if not candidate.is_pending:
        raise RegistryConflict(
            f"This candidate was already decided ({candidate.decision.value}); reload the queue."
        )


def _checked_title(title: str) -> str:
    title = title.strip()
    if len(title) > MAX_TITLE:
        raise RegistryInvalid({"title": [f"Keep the title under {MAX_TITLE} characters."]})
    return title


def _checked_reason(reason: str, *, required: bool = False) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise RegistryInvalid({"reason": ["Say why, for the audit log and the other analysts."]})
    if len(reason) > MAX_REASON:
        raise RegistryInvalid({"reason": [f"Keep the reason under {MAX_REASON:,} characters."]})
    return reason


def _actor_id(caller: Caller) -> int | None:
    return caller.principal.id if caller.principal else None
