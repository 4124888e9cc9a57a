"""Analysts' decisions on the dedup engine's candidates: confirm, reject, link elsewhere, or
keep a report as an incident of its own; :func:`decide` is what pages and API both call.

Each flushes and records audit events; the caller commits. Raises Invalid (a reason
too long or missing where one is required) and Conflict (a decided candidate, a
merged incident).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from incidents.registry.candidates import (
    check_pending,
    decide_candidate,
    pending_candidates,
    resolve_candidates,
)
from incidents.registry.checks import check_open, checked_reason
from incidents.registry.models import CandidateDecision, DedupCandidate, Incident, LinkOrigin
from incidents.registry.queries import active_link, active_links, follow, primary_incident
from incidents.registry.services import (
    link_report,
    move_report,
    open_incident,
    split,
    unlink_report,
)
from incidents.reports.models import Report
from incidents.security.caller import Caller


class TriageDecision(enum.StrEnum):
    CONFIRM = "confirm"  # the report describes the candidate's incident
    REJECT = "reject"  # it does not (an automatic link is undone)
    LINK = "link"  # it describes another incident, chosen by the analyst
    NEW_INCIDENT = "new_incident"  # it describes an event of its own

    @property
    def names_incident(self) -> bool:
        """Whether the decision is about an incident the analyst names."""
        return self is not TriageDecision.NEW_INCIDENT


@dataclass(frozen=True)
class Decided:
    """What a decision did: the incident the report is in now, and a sentence saying so."""

    incident: Incident
    summary: str


def decide(
    session: Session,
    caller: Caller,
    report: Report,
    decision: TriageDecision,
    *,
    reason: str = "",
    candidate: DedupCandidate | None = None,
    target: Incident | None = None,
) -> Decided:
    """Apply one analyst decision on ``report``: ``candidate`` is needed to confirm or reject,
    ``target`` to link elsewhere. Raises Invalid and Conflict."""
    name = report.reference
    if decision is TriageDecision.NEW_INCIDENT:
        incident = keep_separate(session, caller, report, reason=reason)
        return Decided(incident, f"{name} stays a separate event: {incident.reference}.")
    if decision is TriageDecision.LINK:
        assert target is not None, "linking needs the incident chosen"
        incident = link_elsewhere(session, caller, report, target, reason=reason)
        return Decided(incident, f"{name} is linked to {incident.reference}.")
    assert candidate is not None, "confirming or rejecting needs the candidate"
    proposed = follow(candidate.incident)
    if decision is TriageDecision.CONFIRM:
        incident = confirm(session, caller, candidate, reason=reason)
        return Decided(incident, f"Confirmed: {name} is part of {proposed.reference}.")
    was_linked = candidate.decision is CandidateDecision.AUTO_LINKED
    reject(session, caller, candidate, reason=reason)
    moved = " It was moved out of that incident." if was_linked else ""
    now_in = primary_incident(session, report) or proposed
    return Decided(now_in, f"Rejected: {name} is not part of {proposed.reference}.{moved}")


def confirm(
    session: Session, caller: Caller, candidate: DedupCandidate, *, reason: str = ""
) -> Incident:
    """Confirm that the candidate's report describes its incident, and link it there.

    The report leaves the incident the engine opened for it when it is alone there.
    """
    check_pending(candidate)
    target = follow(candidate.incident)
    _place(session, caller, candidate.report, target, reason=checked_reason(reason))
    decide_candidate(session, caller, candidate, CandidateDecision.CONFIRMED, reason)
    resolve_candidates(session, caller, candidate.report)
    return target


def reject(
    session: Session, caller: Caller, candidate: DedupCandidate, *, reason: str = ""
) -> None:
    """Reject a candidate; rejecting an automatic link moves the report back out."""
    if candidate.decision is CandidateDecision.AUTO_LINKED:
        reason = checked_reason(reason, required=True)
        incident = follow(candidate.incident)
        if active_link(session, incident, candidate.report) is not None:
            unlink_report(session, caller, incident, candidate.report, reason=reason)
    else:
        check_pending(candidate)
    decide_candidate(session, caller, candidate, CandidateDecision.REJECTED, checked_reason(reason))


def link_elsewhere(
    session: Session, caller: Caller, report: Report, target: Incident, *, reason: str = ""
) -> Incident:
    """Link ``report`` to ``target`` (chosen by the analyst) and settle its pending candidates."""
    target = follow(target)
    _place(session, caller, report, target, reason=checked_reason(reason))
    for candidate in pending_candidates(session, report):
        decision = (
            CandidateDecision.CONFIRMED
            if follow(candidate.incident).id == target.id
            else CandidateDecision.REJECTED
        )
        decide_candidate(
            session, caller, candidate, decision, reason or f"linked to {target.reference}"
        )
    return target


def keep_separate(
    session: Session, caller: Caller, report: Report, *, reason: str = ""
) -> Incident:
    """Reject the report's pending candidates; it stays in (or gets) an incident of its own."""
    for candidate in pending_candidates(session, report):
        decide_candidate(
            session, caller, candidate, CandidateDecision.REJECTED, reason or "a new incident"
        )
    incident = primary_incident(session, report)
    if incident is not None and len(incident.active_links) == 1:
        return incident
    if incident is None:
        return open_incident(session, caller, report, origin=LinkOrigin.ANALYST, reason=reason)
    return split(session, caller, incident, [report], reason=reason or "a separate event")


def _place(
    session: Session, caller: Caller, report: Report, target: Incident, *, reason: str
) -> None:
    """Put ``report`` in ``target``: moved out of an incident it is alone in, else added."""
    check_open(target)
    if active_link(session, target, report) is not None:
        return
    for link in active_links(session, report):
        if len(link.incident.active_links) == 1:
            move_report(session, caller, report, link.incident, target, reason=reason)
            return
    link_report(session, caller, target, report, reason=reason)
