"""``/api/v1`` for analysts: incidents, a report's candidates, triage decisions, curation, and
what the engine asks to reconsider (merge proposals, doubtful links).

Reads need ``incident:read``, triage decisions ``dedup:triage``, curation, merge, split and
unlink ``incident:curate``. An incident or report the caller may not see answers 404 exactly
like a missing one, and only the reports the caller may read are shown. A merged incident
(a tombstone) answers 301 to the incident that absorbed it. Writes accept an
``Idempotency-Key``; bad input answers 422 keyed by field path, a change that lost a race
(a stale version, a decided candidate, a merged incident) 409 with nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Blueprint, Response, jsonify, url_for
from marshmallow import Schema
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.api.routing import Answer, Call, PathParameter, json_route, page_links
from incidents.registry import access, audiences, curation, queries, services
from incidents.registry.access import INCIDENT_PATTERN
from incidents.registry.models import DedupCandidate, Incident
from incidents.registry.queries import IncidentView
from incidents.registry.schemas import (
    AnalystIncident,
    CurationSchema,
    IncidentListQuerySchema,
    IncidentPageSchema,
    IncidentSchema,
    LinkedReport,
    MergedSchema,
    MergeSchema,
    Placement,
    PlacementSchema,
    SeenCandidate,
    SeenIncident,
    SplitSchema,
    TriageDecisionSchema,
    TriagePageSchema,
    UnlinkSchema,
    UnmergeSchema,
)
from incidents.registry.triage import TriageDecision, decide
from incidents.reports.access import REFERENCE_PATTERN, submitted_report
from incidents.reports.models import Report
from incidents.reports.services import note_read
from incidents.schemas import PageQuerySchema
from incidents.security.permissions import Permission

incidents_api = Blueprint("incidents_api", __name__, url_prefix="/api/v1")

INCIDENT = {
    "incident": PathParameter("The incident's reference (INC-YYYY-NNNNN).", INCIDENT_PATTERN)
}
REPORT = {"reference": PathParameter("The report's reference (RPT-YYYY-NNNNN).", REFERENCE_PATTERN)}
MERGED = {
    "301": {
        "description": "The incident was merged into another one: Location is its URL.",
        "headers": {"Location": {"description": "The URL.", "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": MergedSchema}},
    }
}


# --- what the caller sees ------------------------------------------------------------------


def _incident_body(session: Session, user: User, incident: Incident) -> AnalystIncident:
    """``incident`` as ``user`` sees it, after a change (named by its reference when none
    of its reports is visible any more)."""
    view = queries.incident_for(session, user, incident.reference)
    if view is None or view.incident.is_tombstone:
        view = IncidentView(incident, incident.reference, [])
    return _analyst_incident(session, user, view)


def _analyst_incident(session: Session, user: User, view: IncidentView) -> AnalystIncident:
    incident = view.incident
    links = {link.report_id: link for link in incident.active_links}
    shown = queries.shown_provenance(session, user, links.values())
    tombstones = queries.merged_from(session, user, incident)
    return AnalystIncident(
        view=view,
        reports=[
            LinkedReport(report, links[report.id], links[report.id].id in shown)
            for report in view.reports
        ],
        pending_candidates=len(queries.pending_for_incident(session, user, incident)),
        merged_from=[tombstone.reference for tombstone in tombstones],
    )


def _titles(session: Session, user: User, incidents: Iterable[Incident]) -> dict[int, str | None]:
    """Each incident's title (followed past merges) as ``user`` sees it, by id; None when
    none of its reports is visible to ``user``."""
    seen = queries.seen_incidents(session, user, incidents)
    return {key: view.title if view else None for key, view in seen.items()}


def _seen(session: Session, user: User, rows: Sequence[DedupCandidate]) -> list[SeenCandidate]:
    titles = _titles(session, user, (c.incident for c in rows))
    return [SeenCandidate(c, titles[c.incident_id]) for c in rows]


def _placement(session: Session, user: User, report: Report) -> Placement:
    incidents = queries.incidents_of(session, report)
    candidates = queries.candidates_of(session, user, report)
    titles = _titles(session, user, [*incidents, *(c.incident for c in candidates)])
    return Placement(
        report=report,
        incidents=[SeenIncident(incident, titles[incident.id]) for incident in incidents],
        candidates=[SeenCandidate(c, titles[c.incident_id]) for c in candidates],
    )


# --- reading -------------------------------------------------------------------------------


@json_route(
    incidents_api,
    "/incidents",
    permission=Permission.INCIDENT_READ,
    tag="incidents",
    query=IncidentListQuerySchema,
    response=IncidentPageSchema,
)
def index(call: Call) -> dict[str, Any]:
    """The incidents the caller may see, newest first
    ``q`` matches part of the reference, the title or a visible report's title.
    """
    query = call.query
    views, total = queries.incident_page(
        call.session, call.user, query.get("q", ""), page=query["page"], per_page=query["per_page"]
    )
    return {"incidents": views, **page_links("incidents_api.index", query, total)}


@json_route(
    incidents_api,
    "/incidents/<incident_ref:incident>",
    permission=Permission.INCIDENT_READ,
    tag="incidents",
    parameters=INCIDENT,
    response=IncidentSchema,
    errors=("NotFound",),
    responses=MERGED,
)
def show(call: Call, incident: str) -> Response | AnalystIncident:
    """An incident as the caller sees it"""
    view = access.visible_incident(call.session, call.user, incident)
    if not view.incident.is_tombstone:
        return _analyst_incident(call.session, call.user, view)
    target = queries.follow(view.incident).reference
    response = jsonify(
        {"error": f"{view.reference} was merged into {target}.", "merged_into": target}
    )
    response.status_code = 301
    response.headers["Location"] = url_for("incidents_api.show", incident=target)
    return response


@json_route(
    incidents_api,
    "/reports/<report_key:reference>/candidates",
    permission=Permission.INCIDENT_READ,
    tag="triage",
    parameters=REPORT,
    response=PlacementSchema,
    errors=("NotFound",),
)
def candidates(call: Call, reference: str) -> Placement:
    """A report's incidents and its candidates
    Only the candidates the caller may see; a read of another organisation's report is
    audited.
    """
    report = submitted_report(call.session, call.user, reference)
    result = _placement(call.session, call.user, report)
    note_read(call.session, call.caller, report)
    call.session.commit()
    return result


@json_route(
    incidents_api,
    "/triage",
    permission=Permission.DEDUP_TRIAGE,
    tag="triage",
    query=PageQuerySchema,
    response=TriagePageSchema,
)
def queue(call: Call) -> dict[str, Any]:
    """The triage queue: pending candidates, best score and most severe first"""
    query = call.query
    rows, total = queries.triage_queue(
        call.session, call.user, page=query["page"], per_page=query["per_page"]
    )
    return {
        "candidates": _seen(call.session, call.user, rows),
        **page_links("incidents_api.queue", query, total),
    }


# --- deciding and curating -----------------------------------------------------------------


def _write(
    rule: str, body: type[Schema], **options: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A write on an incident or a report: idempotent, 404 for what the caller may not see,
    409 when the state changed meanwhile."""
    options.setdefault("errors", ("NotFound",))
    options.setdefault("response", IncidentSchema)
    return json_route(incidents_api, rule, method="POST", body=body, **options)


@_write(
    "/reports/<report_key:reference>/triage",
    TriageDecisionSchema,
    permission=Permission.DEDUP_TRIAGE,
    tag="triage",
    parameters=REPORT,
    response=PlacementSchema,
)
def triage(call: Call, reference: str) -> Placement:
    """Decide on a report's candidates: confirm, reject, link, new_incident
    The answer is the report's incidents and candidates afterwards.
    """
    report = submitted_report(call.session, call.user, reference)
    data = call.read()
    decision = TriageDecision(data["decision"])
    candidate = target = None
    if decision is TriageDecision.LINK:
        target = access.named_incident(call.session, call.user, data["incident"], "incident")
    elif decision is not TriageDecision.NEW_INCIDENT:
        candidate = access.candidate_of(call.session, call.user, report, data["incident"])
    decide(
        call.session,
        call.caller,
        report,
        decision,
        reason=data["reason"],
        candidate=candidate,
        target=target,
    )
    return _placement(call.session, call.user, report)


@_write(
    "/incidents/<incident_ref:incident>/curation",
    CurationSchema,
    permission=Permission.INCIDENT_CURATE,
    tag="incidents",
    parameters=INCIDENT,
)
def curate(call: Call, incident: str) -> AnalystIncident:
    """Curate: title, status, classification
    Applied only if nobody changed the incident since ``version``; an omitted field keeps its
    value.
    """
    current = access.open_incident(call.session, call.user, incident).incident
    data = call.read()
    own = curation.curation_of(call.session, current, call.user.organization_id)
    chosen = data.get("distribution")
    curation.curate(
        call.session,
        call.caller,
        current,
        version=data["version"],
        title=data.get("title", own.title if own else None),
        status=data.get("status", current.status.value),
        classification=data.get("classification", own.classification if own else {}),
        narrative=data.get("narrative", own.narrative if own else ""),
        distribution=audiences.named(
            call.session, chosen["tlp"], chosen["recipients"], "distribution"
        )
        if chosen
        else None,
    )
    return _incident_body(call.session, call.user, current)


@_write(
    "/incidents/<incident_ref:incident>/merge",
    MergeSchema,
    permission=Permission.INCIDENT_CURATE,
    tag="incidents",
    parameters=INCIDENT,
)
def merge(call: Call, incident: str) -> AnalystIncident:
    """Merge this incident into another
    It stays as a tombstone that redirects; the answer is the incident it was merged into.
    """
    absorbed = access.visible_incident(call.session, call.user, incident).incident
    data = call.read()
    target = access.named_incident(call.session, call.user, data["into"], "into")
    services.merge(call.session, call.caller, absorbed, target, reason=data["reason"])
    return _incident_body(call.session, call.user, target)


@_write(
    "/incidents/<incident_ref:incident>/unmerge",
    UnmergeSchema,
    permission=Permission.INCIDENT_CURATE,
    tag="incidents",
    parameters=INCIDENT,
)
def unmerge(call: Call, incident: str) -> AnalystIncident:
    """Undo the merge of this incident"""
    absorbed = access.visible_incident(call.session, call.user, incident).incident
    data = call.read()
    services.unmerge(call.session, call.caller, absorbed, reason=data["reason"])
    return _incident_body(call.session, call.user, absorbed)


@_write(
    "/incidents/<incident_ref:incident>/split",
    SplitSchema,
    permission=Permission.INCIDENT_CURATE,
    tag="incidents",
    parameters=INCIDENT,
    status=201,
    location=True,
)
def split(call: Call, incident: str) -> Answer:
    """Move reports to a new incident"""
    view = access.open_incident(call.session, call.user, incident)
    data = call.read()
    reports = access.members(view, data["reports"], "reports")
    new = services.split(
        call.session,
        call.caller,
        view.incident,
        reports,
        reason=data["reason"],
        title=data.get("title"),
    )
    location = {"Location": url_for("incidents_api.show", incident=new.reference)}
    return Answer(_incident_body(call.session, call.user, new), headers=location)


@_write(
    "/incidents/<incident_ref:incident>/unlink",
    UnlinkSchema,
    permission=Permission.INCIDENT_CURATE,
    tag="incidents",
    parameters=INCIDENT,
    response=PlacementSchema,
)
def unlink(call: Call, incident: str) -> Placement:
    """Remove a report from the incident
    A report left in no incident gets a new one; the answer is its incidents and candidates.
    """
    view = access.open_incident(call.session, call.user, incident)
    data = call.read()
    [report] = access.members(view, [data["report"]], "report")
    services.unlink_report(call.session, call.caller, view.incident, report, reason=data["reason"])
    return _placement(call.session, call.user, report)
