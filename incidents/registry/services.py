"""Changing the registry: incidents, the links of reports to them, merge and split.

Every function takes the session and the :class:`~incidents.security.caller.Caller`, flushes
and records an audit event; the view or command that owns the transaction commits. Nothing is
deleted, and each change can be undone by another: a removed link keeps its row, a merge leaves
a tombstone (:func:`unmerge` restores it), a split is undone by merging back.

A submitted report always belongs to at least one incident: operations that would leave it
in none open a new incident for it. An incident left without reports becomes a tombstone
pointing at the incident its last report moved to, so its reference keeps working.

Raises :class:`Invalid` (bad input, with a field → messages map) and
:class:`Conflict` (the state changed: a stale version, a merged incident).
Candidate decisions are in :mod:`.triage`, curation in :mod:`.curation`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.references import next_reference
from incidents.refusals import Conflict, Invalid
from incidents.registry import audiences, curation
from incidents.registry.candidates import resolve_candidates, retarget_candidates
from incidents.registry.checks import (
    actor_id,
    check_open,
    checked_reason,
    checked_title,
)
from incidents.registry.models import Audience, Incident, IncidentLink, IncidentStatus, LinkOrigin
from incidents.registry.queries import active_link, active_links, visible_reports
from incidents.reports.models import Report
from incidents.security.caller import Caller

# --- incidents and links -------------------------------------------------------------------


def open_incident(
    session: Session,
    caller: Caller,
    report: Report,
    *,
    origin: LinkOrigin = LinkOrigin.NEW,
    reason: str = "",
    sources: Sequence[Report] = (),
) -> Incident:
    """Open a new incident with ``report`` as its first report (``sources``: what the
    engine compared it with, which the reason may speak of)."""
    incident = Incident(
        reference=next_reference(session, "INC", utcnow().year),
        status=IncidentStatus.OPEN,
        created_by_id=actor_id(caller),
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
    add_link(session, caller, incident, report, origin=origin, reason=reason, sources=sources)
    return incident


def link_report(
    session: Session, caller: Caller, incident: Incident, report: Report, *, reason: str
) -> IncidentLink:
    """Link ``report`` to ``incident`` as well (a report may describe several incidents)."""
    check_open(incident)
    if active_link(session, incident, report) is not None:
        raise Conflict(f"{report.reference} is already linked to {incident.reference}.")
    link = add_link(session, caller, incident, report, origin=LinkOrigin.ANALYST, reason=reason)
    resolve_candidates(session, caller, report)
    return link


def unlink_report(
    session: Session, caller: Caller, incident: Incident, report: Report, *, reason: str
) -> None:
    """Remove ``report`` from ``incident``; a report left in no incident gets a new one."""
    link = active_link(session, incident, report)
    if link is None:
        raise Conflict(f"{report.reference} is not linked to {incident.reference}.")
    remove_link(session, caller, link, checked_reason(reason, required=True))
    remaining = active_links(session, report)
    now_in = (
        remaining[0].incident
        if remaining
        else open_incident(session, caller, report, origin=LinkOrigin.SPLIT, reason=reason)
    )
    # Left empty, the incident redirects to where its last report now is.
    _retire_if_empty(session, caller, incident, now_in)
    publish(session, Event.REPORT_MOVED, "report", [report.id])


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
    check_open(target)
    link = active_link(session, source, report)
    if link is None:
        raise Conflict(f"{report.reference} is not linked to {source.reference}.")
    if source.id == target.id:
        return
    remove_link(session, caller, link, reason or f"moved to {target.reference}")
    if active_link(session, target, report) is None:
        add_link(session, caller, target, report, origin=origin, reason=reason)
    _retire_if_empty(session, caller, source, target)
    publish(session, Event.REPORT_MOVED, "report", [report.id])


def merge(
    session: Session, caller: Caller, absorbed: Incident, target: Incident, *, reason: str
) -> Incident:
    """Merge ``absorbed`` into ``target``: its reports move, it stays as a tombstone."""
    check_open(absorbed)
    check_open(target)
    if absorbed.id == target.id:
        raise Invalid({"into": ["An incident cannot be merged into itself."]})
    reason = checked_reason(reason, required=True)
    moved = []
    for link in list(absorbed.active_links):
        remove_link(session, caller, link, f"merged into {target.reference}: {reason}")
        if active_link(session, target, link.report) is None:
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
    retarget_candidates(session, caller, absorbed, target)
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [absorbed.id, target.id])
    publish(session, Event.REPORT_MOVED, "report", moved)
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
        raise Conflict(f"{absorbed.reference} is not merged into another incident.")
    reason = checked_reason(reason, required=True)
    brought = [link for link in target.active_links if link.merged_from_id == absorbed.id]
    for link in brought:
        remove_link(session, caller, link, f"merge of {absorbed.reference} undone: {reason}")
        add_link(session, caller, absorbed, link.report, origin=LinkOrigin.ANALYST, reason=reason)
    absorbed.status = IncidentStatus.OPEN
    absorbed.merged_into = None
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [absorbed.id, target.id])
    publish(session, Event.REPORT_MOVED, "report", [link.report_id for link in brought])
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
    check_open(incident)
    reason = checked_reason(reason, required=True)
    members = {link.report_id for link in incident.active_links}
    if not reports:
        raise Invalid({"reports": ["Choose at least one report to split off."]})
    strangers = [r.reference or str(r.id) for r in reports if r.id not in members]
    if strangers:
        raise Invalid({"reports": [f"Not linked to {incident.reference}: {', '.join(strangers)}."]})
    if len({r.id for r in reports}) == len(members):
        raise Invalid({"reports": ["Leave at least one report in the incident."]})
    first, *rest = reports
    remove_link(session, caller, required_link(session, incident, first), f"split off: {reason}")
    new = open_incident(session, caller, first, origin=LinkOrigin.SPLIT, reason=reason)
    if title and caller.principal is not None:  # the new incident's title is the analyst's
        curation.curate(
            session,
            caller,
            new,
            version=new.lock_version,
            title=checked_title(title),
            status=IncidentStatus.OPEN.value,
            classification={},
        )
    for report in rest:
        move_report(session, caller, report, incident, new, reason=reason, origin=LinkOrigin.SPLIT)
    publish(session, Event.REPORT_MOVED, "report", [r.id for r in reports])
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
    sources: Sequence[Report] = (),
) -> IncidentLink:
    """Link ``report`` to ``incident`` as ``origin`` says (no checks: callers make them).

    How it came about (origin, score, reason) gets the audience of what it derives from:
    for an analyst, the incident's reports the analyst may read; for the engine, the report
    and ``sources``, the reports it was compared with.
    """
    link = IncidentLink(
        incident=incident,
        report=report,
        origin=origin,
        reason=reason,
        score=score,
        merged_from_id=merged_from.id if merged_from else None,
        created_by_id=actor_id(caller),
        audience=_written_audience(session, caller, incident, [report, *sources]),
    )
    session.add(link)  # flushed with what follows (publish needs only the incident's id)
    publish(session, Event.INCIDENT_CHANGED, "incident", [incident.id])
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


def remove_link(session: Session, caller: Caller, link: IncidentLink, reason: str) -> None:
    link.removed_at = utcnow()
    link.removed_by_id = actor_id(caller)
    link.removed_reason = reason
    if caller.principal is not None:
        link.removed_audience = _written_audience(session, caller, link.incident, [link.report])
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [link.incident_id])
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


def required_link(session: Session, incident: Incident, report: Report) -> IncidentLink:
    link = active_link(session, incident, report)
    if link is None:
        raise Conflict(f"{report.reference} is not linked to {incident.reference}.")
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
    publish(session, Event.INCIDENT_CHANGED, "incident", [incident.id])
    record(
        session,
        caller,
        "incident.retire",
        subject_type="incident",
        subject_ref=incident.reference,
        into=successor.reference if successor else None,
        flush=False,
    )


def _written_audience(
    session: Session, caller: Caller, incident: Incident, sources: Sequence[Report]
) -> Audience | None:
    """The audience of what ``caller`` writes about ``incident``: derived from ``sources``
    and, for an analyst, from the incident's reports the analyst may read. None when the
    platform says only what derives from no report at all."""
    principal = caller.principal
    if principal is None:
        if len(sources) < 2:  # the report alone: "opened the incident", nothing compared
            return None
        return audiences.audience(
            session, sources[0].organization_id, audiences.derived_from(sources)
        )
    read = visible_reports(session, principal, incident) if incident.id else []
    derived = audiences.derived_from([*read, *sources])
    return audiences.audience(session, principal.organization_id, derived)
