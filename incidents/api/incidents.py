"""``/api/v1`` for analysts: incidents, a report's candidates, triage decisions, curation.

Reads need ``incident:read``, triage decisions ``dedup:triage``, curation, merge, split and
unlink ``incident:curate``. An incident or report the caller may not see answers 404 exactly
like a missing one, and only the reports the caller may read are shown. A merged incident
(a tombstone) answers 301 to the incident that absorbed it. Writes accept an
``Idempotency-Key``; bad input answers 422 keyed by field path, a change that lost a race
(a stale version, a decided candidate, a merged incident) 409 with nothing saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from incidents.accounts.authentication import require_user
from incidents.accounts.models import User
from incidents.api.idempotency import Reply, run_once
from incidents.api.incident_schemas import (
    INCIDENT_PATTERN,
    REPORT_PATTERN,
    AnalystIncident,
    CurationSchema,
    IncidentListQuerySchema,
    IncidentSchema,
    IncidentSummarySchema,
    LinkedReport,
    MergeSchema,
    PageQuerySchema,
    Placement,
    PlacementSchema,
    SeenCandidate,
    SeenIncident,
    SplitSchema,
    TriageDecisionSchema,
    TriageItemSchema,
    UnlinkSchema,
    UnmergeSchema,
)
from incidents.api.reports import json_body, load
from incidents.errors import ValidationFailed
from incidents.extensions import db_session
from incidents.registry import queries, services
from incidents.registry.models import DedupCandidate, Incident
from incidents.registry.queries import IncidentView
from incidents.reports.models import Report
from incidents.reports.queries import report_for
from incidents.reports.services import note_read
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission

incidents_api = Blueprint("incidents_api", __name__, url_prefix="/api/v1")

INCIDENT_KEY = re.compile(INCIDENT_PATTERN)
REPORT_KEY = re.compile(REPORT_PATTERN)
NO_INCIDENT = "There is no incident with this reference."
NO_REPORT = "There is no report with this reference."
# The services name the incident a merge absorbs into "target"; the request calls it "into".
BODY_FIELDS = {"target": "into"}


# --- loading what the caller may see -------------------------------------------------------


def _incident(reference: str, user: User) -> IncidentView:
    """The incident ``reference`` as ``user`` sees it (a tombstone too), or 404."""
    # Only well-formed references reach the database (a NUL character would be an error).
    view = (
        queries.incident_for(db_session(), user, reference)
        if _is(INCIDENT_KEY, reference)
        else None
    )
    if view is None:
        abort(404, description=NO_INCIDENT)
    return view


def _open_incident(reference: str, user: User) -> IncidentView:
    """The incident ``reference``; 409 if it was merged into another one."""
    view = _incident(reference, user)
    if view.incident.is_tombstone:
        target = services.follow(view.incident)
        raise Conflict(description=f"{reference} was merged into {target.reference}; use that one.")
    return view


def _named_incident(reference: str, user: User, field: str) -> Incident:
    """The incident a request body names in ``field``; 422 if the caller may not see it."""
    view = queries.incident_for(db_session(), user, reference)
    if view is None:
        raise ValidationFailed({field: [f"There is no incident {reference} that you may see."]})
    return view.incident


def _report(reference: str, user: User) -> Report:
    """The submitted report ``reference`` if ``user`` may read it, or 404."""
    report = report_for(db_session(), user, reference) if _is(REPORT_KEY, reference) else None
    if report is None:
        abort(404, description=NO_REPORT)
    return report


def _members(view: IncidentView, references: Sequence[str], field: str) -> list[Report]:
    """The reports ``references`` among the incident's visible reports; 422 for any other."""
    visible = {report.reference: report for report in view.reports}
    problems = {
        f"{field}[{index}]" if field == "reports" else field: [
            f"{reference} is not a report of {view.reference} that you may see."
        ]
        for index, reference in enumerate(references)
        if reference not in visible
    }
    if problems:
        raise ValidationFailed(problems)
    return [visible[reference] for reference in dict.fromkeys(references)]


def _candidate(session: Session, user: User, report: Report, reference: str) -> DedupCandidate:
    """The report's candidate for incident ``reference`` (or for the incident it was merged
    into) among those ``user`` may see; 422 when there is none."""
    candidates = queries.candidates_of(session, user, report)
    for matches in (
        lambda c: c.incident.reference == reference,
        lambda c: services.follow(c.incident).reference == reference,
    ):
        for candidate in candidates:
            if matches(candidate):
                return candidate
    raise ValidationFailed(
        {"incident": [f"{reference} is not a candidate for {report.reference} that you may see."]}
    )


def _is(pattern: re.Pattern[str], reference: str) -> bool:
    return pattern.fullmatch(reference) is not None


# --- what the caller sees ------------------------------------------------------------------


def _incident_body(session: Session, user: User, incident: Incident) -> dict[str, Any]:
    """``incident`` as ``user`` sees it, after a change (named by its reference when none
    of its reports is visible any more)."""
    view = queries.incident_for(session, user, incident.reference)
    if view is None or view.incident.is_tombstone:
        view = IncidentView(incident, incident.reference, [])
    return _view_body(session, user, view)


def _view_body(session: Session, user: User, view: IncidentView) -> dict[str, Any]:
    """The body of the incident ``view`` shows (as ``user`` sees it)."""
    incident = view.incident
    links = {link.report_id: link for link in incident.active_links}
    shown = AnalystIncident(
        incident=incident,
        title=view.title,
        reports=[LinkedReport(report, links[report.id]) for report in view.reports],
        pending_candidates=len(queries.pending_for_incident(session, user, incident)),
        merged_from=[tombstone.reference for tombstone in queries.merged_from(session, incident)],
    )
    result: dict[str, Any] = IncidentSchema().dump(shown)
    return result


def _titles(session: Session, user: User, incidents: Iterable[Incident]) -> dict[int, str | None]:
    """Each incident's title (followed past merges) as ``user`` sees it, by id; None when
    none of its reports is visible to ``user``."""
    seen = queries.seen_incidents(session, user, incidents)
    return {key: view.title if view else None for key, view in seen.items()}


def _seen(session: Session, user: User, rows: Sequence[DedupCandidate]) -> list[SeenCandidate]:
    titles = _titles(session, user, (c.incident for c in rows))
    return [SeenCandidate(c, titles[c.incident_id]) for c in rows]


def _placement_body(session: Session, user: User, report: Report) -> dict[str, Any]:
    incidents = services.incidents_of(session, report)
    candidates = queries.candidates_of(session, user, report)
    titles = _titles(session, user, [*incidents, *(c.incident for c in candidates)])
    placement = Placement(
        report=report,
        incidents=[SeenIncident(incident, titles[incident.id]) for incident in incidents],
        candidates=[SeenCandidate(c, titles[c.incident_id]) for c in candidates],
    )
    result: dict[str, Any] = PlacementSchema().dump(placement)
    return result


def _page(endpoint: str, query: dict[str, Any], total: int) -> dict[str, Any]:
    page, per_page = query["page"], query["per_page"]
    pages = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for(endpoint, **{**query, "page": number})

    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": {
            "self": link(page),
            "first": link(1),
            "last": link(pages),
            "prev": link(page - 1) if 1 < page <= pages + 1 else None,
            "next": link(page + 1) if page < pages else None,
        },
    }


# --- acting --------------------------------------------------------------------------------


def _acting(work: Callable[[], Reply]) -> Callable[[], Reply]:
    """``work`` with the registry's refusals turned into 422 and 409 answers."""

    def run() -> Reply:
        try:
            return work()
        except services.RegistryInvalid as invalid:
            problems = {BODY_FIELDS.get(path, path): m for path, m in invalid.problems.items()}
            raise ValidationFailed(problems) from None
        except services.RegistryConflict as conflict:
            raise Conflict(description=str(conflict)) from None
        except StaleDataError:
            raise Conflict(
                description="Someone else changed it meanwhile; nothing was saved. "
                "Read it again and retry."
            ) from None

    return run


Work = Callable[[User, Session, Any], Reply]


def _write(work: Work) -> Response:
    """Run ``work`` with the caller, the session and the JSON body, once per
    Idempotency-Key, and commit; the registry's refusals answer 422 and 409."""
    user = require_user()
    session = db_session()
    body = json_body()
    return run_once(session, user.id, body, _acting(lambda: work(user, session, body)))


def _decide(session: Session, user: User, report: Report, decision: dict[str, Any]) -> None:
    caller, kind, reason = current_caller(), decision["decision"], decision["reason"]
    if kind == "new_incident":
        services.keep_separate(session, caller, report, reason=reason)
    elif kind == "link":
        target = _named_incident(decision["incident"], user, "incident")
        services.link_elsewhere(session, caller, report, target, reason=reason)
    else:
        candidate = _candidate(session, user, report, decision["incident"])
        if kind == "confirm":
            services.confirm(session, caller, candidate, reason=reason)
        else:
            services.reject(session, caller, candidate, reason=reason)


# --- reading -------------------------------------------------------------------------------


@incidents_api.get("/incidents")
@require(Permission.INCIDENT_READ)
def index() -> dict[str, Any]:
    """The incidents the caller may see, newest first; ``q`` searches them."""
    user = require_user()
    query = load(IncidentListQuerySchema(), request.args.to_dict())
    views, total = queries.incident_page(
        db_session(), user, query.get("q", ""), page=query["page"], per_page=query["per_page"]
    )
    rows = IncidentSummarySchema(many=True).dump(views)
    return {"incidents": rows, **_page("incidents_api.index", query, total)}


@incidents_api.get("/incidents/<incident>")
@require(Permission.INCIDENT_READ)
def show(incident: str) -> Response | dict[str, Any]:
    """One incident as the caller sees it; a merged one answers 301 to where it went."""
    user = require_user()
    view = _incident(incident, user)
    if not view.incident.is_tombstone:
        return _view_body(db_session(), user, view)
    target = services.follow(view.incident).reference
    response = jsonify(
        {"error": f"{view.reference} was merged into {target}.", "merged_into": target}
    )
    response.status_code = 301
    response.headers["Location"] = url_for("incidents_api.show", incident=target)
    return response


@incidents_api.get("/reports/<reference>/candidates")
@require(Permission.INCIDENT_READ)
def candidates(reference: str) -> dict[str, Any]:
    """The report's incidents and the candidates the caller may see (a read of another
    organisation's report is audited)."""
    user = require_user()
    session = db_session()
    report = _report(reference, user)
    result = _placement_body(session, user, report)
    note_read(session, current_caller(), report)
    session.commit()
    return result


@incidents_api.get("/triage")
@require(Permission.DEDUP_TRIAGE)
def queue() -> dict[str, Any]:
    """The pending candidates the caller may judge, best score and most severe first."""
    user = require_user()
    session = db_session()
    query = load(PageQuerySchema(), request.args.to_dict())
    rows, total = queries.triage_queue(
        session, user, page=query["page"], per_page=query["per_page"]
    )
    items = TriageItemSchema(many=True).dump(_seen(session, user, rows))
    return {"candidates": items, **_page("incidents_api.queue", query, total)}


# --- deciding and curating -----------------------------------------------------------------


@incidents_api.post("/reports/<reference>/triage")
@require(Permission.DEDUP_TRIAGE)
def triage(reference: str) -> Response:
    """Confirm, reject, link elsewhere or open a new incident; 200 with the report's
    incidents and candidates afterwards."""

    def work(user: User, session: Session, body: Any) -> Reply:
        report = _report(reference, user)
        _decide(session, user, report, load(TriageDecisionSchema(), body))
        return Reply(200, _placement_body(session, user, report))

    return _write(work)


@incidents_api.post("/incidents/<incident>/curation")
@require(Permission.INCIDENT_CURATE)
def curate(incident: str) -> Response:
    """Set the title, status and classification if nobody changed the incident since
    ``version``; an omitted field keeps its value. 200 with the incident."""

    def work(user: User, session: Session, body: Any) -> Reply:
        current = _open_incident(incident, user).incident
        data = load(CurationSchema(), body)
        services.curate(
            session,
            current_caller(),
            current,
            version=data["version"],
            title=data.get("title", current.title),
            status=data.get("status", current.status.value),
            classification=data.get("classification", current.classification),
        )
        return Reply(200, _incident_body(session, user, current))

    return _write(work)


@incidents_api.post("/incidents/<incident>/merge")
@require(Permission.INCIDENT_CURATE)
def merge(incident: str) -> Response:
    """Merge this incident into ``into``; it stays as a tombstone. 200 with ``into``."""

    def work(user: User, session: Session, body: Any) -> Reply:
        absorbed = _incident(incident, user).incident
        data = load(MergeSchema(), body)
        target = _named_incident(data["into"], user, "into")
        services.merge(session, current_caller(), absorbed, target, reason=data["reason"])
        return Reply(200, _incident_body(session, user, target))

    return _write(work)


@incidents_api.post("/incidents/<incident>/unmerge")
@require(Permission.INCIDENT_CURATE)
def unmerge(incident: str) -> Response:
    """Undo the merge of this (tombstone) incident; 200 with it, open again."""

    def work(user: User, session: Session, body: Any) -> Reply:
        absorbed = _incident(incident, user).incident
        data = load(UnmergeSchema(), body)
        services.unmerge(session, current_caller(), absorbed, reason=data["reason"])
        return Reply(200, _incident_body(session, user, absorbed))

    return _write(work)


@incidents_api.post("/incidents/<incident>/split")
@require(Permission.INCIDENT_CURATE)
def split(incident: str) -> Response:
    """Move some of the incident's reports to a new incident; 201 with the new incident."""

    def work(user: User, session: Session, body: Any) -> Reply:
        view = _open_incident(incident, user)
        data = load(SplitSchema(), body)
        reports = _members(view, data["reports"], "reports")
        new = services.split(
            session,
            current_caller(),
            view.incident,
            reports,
            reason=data["reason"],
            title=data.get("title"),
        )
        location = {"Location": url_for("incidents_api.show", incident=new.reference)}
        return Reply(201, _incident_body(session, user, new), location)

    return _write(work)


@incidents_api.post("/incidents/<incident>/unlink")
@require(Permission.INCIDENT_CURATE)
def unlink(incident: str) -> Response:
    """Remove a report from the incident (it gets a new incident if left in none); 200 with
    the report's incidents and candidates afterwards."""

    def work(user: User, session: Session, body: Any) -> Reply:
        view = _open_incident(incident, user)
        data = load(UnlinkSchema(), body)
        [report] = _members(view, [data["report"]], "report")
        services.unlink_report(
            session, current_caller(), view.incident, report, reason=data["reason"]
        )
        return Reply(200, _placement_body(session, user, report))

    return _write(work)
