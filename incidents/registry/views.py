"""The analysts' pages: the triage queue, one report's candidates, incidents and curation.

Each view loads what it shows through :mod:`.queries` (hidden answers 404 like missing),
acts through :mod:`.services` and commits once. Bad input re-renders the page with the
messages beside the form that was sent; a conflict (the state changed meanwhile) is flashed.
Reading another organisation's reports on the triage page is audited like the report page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

import taxonomy
from incidents.accounts.authentication import require_user
from incidents.accounts.models import User
from incidents.db import utcnow
from incidents.extensions import db_session
from incidents.registry import queries, services
from incidents.registry.forms import (
    STATUS_LABELS,
    ConfirmForm,
    LinkForm,
    NewIncidentForm,
    RejectForm,
    incident_reference,
)
from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    Incident,
    IncidentStatus,
)
from incidents.registry.queries import IncidentView
from incidents.registry.services import RegistryConflict, RegistryInvalid
from incidents.reports import services as report_services
from incidents.reports.forms import in_words
from incidents.reports.models import Report
from incidents.reports.queries import report_for
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission

registry = Blueprint("registry", __name__)

PER_PAGE = 25
Page = Response | str | tuple[str, int]
#: The facts shown beside a report on the triage page, in this order.
KEY_FACTS = ("event_class", "harm_type", "countries", "sector", "ai_system", "occurred_on")
DECISIONS = {
    "confirm": "confirm",
    "reject": "reject",
    "link": "link elsewhere",
    "new": "open a new incident",
}


# --- helpers shared by the pages -----------------------------------------------------------


@registry.app_template_filter("age")
def age(moment: datetime | None) -> str:
    """How long ago ``moment`` was, in the largest whole unit (for queues and lists)."""
    if moment is None:
        return "—"
    seconds = max(int((utcnow() - moment).total_seconds()), 0)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "just now"


@registry.app_template_global()
def status_label(status: IncidentStatus | str) -> str:
    status = IncidentStatus(status)
    return STATUS_LABELS.get(status, status.value).split(" — ")[0]


def session_and_principal() -> tuple[Session, User]:
    return db_session(), require_user()


def form_errors(form: FlaskForm | None) -> list[tuple[str, str, str]]:
    """(field id, label, message) of the posted form's errors, for the error summary."""
    if form is None:
        return []
    return [(f.id, f.label.text, message) for f in form for message in f.errors]


def attach(form: FlaskForm, problems: dict[str, list[str]]) -> list[str]:
    """Put the services' problems beside the form's fields; return those no field shows."""
    unplaced = []
    for path, messages in problems.items():
        field = form._fields.get(path.split(".")[0])
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    return unplaced


def conflict_flashed(error: RegistryConflict, url: str) -> Response:
    db_session().rollback()
    flash(str(error), "error")
    return redirect(url)


def page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


# --- the triage queue ----------------------------------------------------------------------


@registry.route("/triage")
@require(Permission.DEDUP_TRIAGE)
def queue() -> str:
    session, principal = session_and_principal()
    page = page_number()
    candidates, total = queries.triage_queue(session, principal, page=page, per_page=PER_PAGE)
    seen = queries.seen_incidents(session, principal, (c.incident for c in candidates))
    rows = [
        (candidate, seen[candidate.incident_id], _event_class(candidate.report))
        for candidate in candidates
    ]
    return render_template(
        "registry/queue.html",
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
    )


# --- one report's triage page --------------------------------------------------------------


@dataclass
class CandidateRow:
    """One candidate on the triage page, with its incident as the analyst sees it."""

    candidate: DedupCandidate
    incident: IncidentView | None
    confirm: ConfirmForm
    reject: RejectForm

    @property
    def key(self) -> str:
        return self.candidate.incident.reference

    @property
    def target_reference(self) -> str:
        return self.incident.reference if self.incident else self.key

    @property
    def is_open(self) -> bool:
        return self.candidate.decision in (
            CandidateDecision.PENDING,
            CandidateDecision.AUTO_LINKED,
        )


@dataclass
class PageForms:
    """The small forms of a page, each under its own prefix (key); the one that was posted
    carries its data and errors, the others are empty."""

    posted: FlaskForm | None = None
    posted_key: str = ""
    unplaced: list[str] | None = None

    def get(self, key: str, kind: type[FlaskForm]) -> Any:
        if self.posted is not None and key == self.posted_key:
            return self.posted
        return kind(prefix=key, formdata=None)


def get_triage_report(reference: str) -> Report:
    """The submitted report ``reference`` if the caller may read it; else 404."""
    report = report_for(db_session(), require_user(), reference)
    if report is None or report.reference is None:
        abort(404)
    return report


@registry.route("/triage/<reference>", methods=["GET", "POST"])
@require(Permission.DEDUP_TRIAGE)
def triage(reference: str) -> Page:
    report = get_triage_report(reference)
    if request.method == "GET":
        return _render_triage(report, PageForms())
    decision = request.form.get("decision", "")
    if decision not in DECISIONS:
        choices = ", ".join(DECISIONS.values())
        return _render_triage(report, PageForms(unplaced=[f"Choose a decision: {choices}."]))
    try:
        return _decide(report, decision)
    except RegistryConflict as error:
        return conflict_flashed(error, url_for("registry.triage", reference=report.reference))


def _decide(report: Report, decision: str) -> Page:
    """Apply one posted decision; re-render with its messages when it cannot be applied."""
    session, caller = db_session(), current_caller()
    key = decision if decision in ("link", "new") else f"{decision}-{request.form.get('incident')}"
    kind: type[FlaskForm] = {
        "confirm": ConfirmForm,
        "reject": RejectForm,
        "link": LinkForm,
        "new": NewIncidentForm,
    }[decision]
    form: Any = kind(prefix=key)
    forms = PageForms(posted=form, posted_key=key, unplaced=[])
    if not form.validate():
        return _render_triage(report, forms)
    reason = form.reason.data or ""
    try:
        if decision == "new":
            incident = services.keep_separate(session, caller, report, reason=reason)
            message = f"{report.reference} stays a separate event: {incident.reference}."
        elif decision == "link":
            target = target_incident(form, "target")
            if target is None:
                return _render_triage(report, forms)
            incident = services.link_elsewhere(session, caller, report, target, reason=reason)
            message = f"{report.reference} is linked to {incident.reference}."
        else:
            candidate = _candidate(report, request.form.get("incident", ""))
            if candidate is None:
                forms.unplaced = [
                    "That incident is not a candidate of this report any more; see the list below."
                ]
                return _render_triage(report, forms)
            message = _decide_candidate(candidate, decision, reason)
    except RegistryInvalid as invalid:
        session.rollback()
        forms.unplaced = attach(form, invalid.problems)
        return _render_triage(report, forms)
    session.commit()
    flash(message, "info")
    return redirect(url_for("registry.triage", reference=report.reference))


def _decide_candidate(candidate: DedupCandidate, decision: str, reason: str) -> str:
    session, caller = db_session(), current_caller()
    report, incident = candidate.report.reference, services.follow(candidate.incident).reference
    if decision == "confirm":
        services.confirm(session, caller, candidate, reason=reason)
        return f"Confirmed: {report} is part of {incident}."
    was_linked = candidate.decision is CandidateDecision.AUTO_LINKED
    services.reject(session, caller, candidate, reason=reason)
    moved = " It was moved out of that incident." if was_linked else ""
    return f"Rejected: {report} is not part of {incident}.{moved}"


def _candidate(report: Report, incident_ref: str) -> DedupCandidate | None:
    session, principal = session_and_principal()
    for candidate in queries.candidates_of(session, principal, report):
        if candidate.incident.reference == incident_ref.upper():
            return candidate
    return None


def target_incident(form: Any, name: str) -> Incident | None:
    """The incident named in ``form[name]`` if the caller may see it; else an error there."""
    field = form[name]
    reference = incident_reference(field.data)
    if reference is None:
        field.errors = [*field.errors, "Type an incident reference such as INC-2025-00012."]
        return None
    view = queries.incident_for(db_session(), require_user(), reference)
    if view is None:
        field.errors = [*field.errors, f"There is no incident {reference} that you may see."]
        return None
    return view.incident


def _render_triage(report: Report, forms: PageForms) -> Page:
    session, principal = session_and_principal()
    session.rollback()  # show what is stored, not a decision that failed half-way
    candidates = queries.candidates_of(session, principal, report)
    now_in = services.incidents_of(session, report)
    seen = queries.seen_incidents(
        session, principal, [*(candidate.incident for candidate in candidates), *now_in]
    )
    rows = [
        CandidateRow(
            candidate,
            seen[candidate.incident_id],
            forms.get(f"confirm-{candidate.incident.reference}", ConfirmForm),
            forms.get(f"reject-{candidate.incident.reference}", RejectForm),
        )
        for candidate in candidates
    ]
    current = [view for each in now_in if (view := seen[each.id])]
    _note_reads(report, *(candidate.evidence_report for candidate in candidates))
    page = render_template(
        "registry/triage.html",
        report=report,
        facts=key_facts(report),
        rows=rows,
        pending=[row for row in rows if row.candidate.is_pending],
        current=current,
        link_form=forms.get("link", LinkForm),
        new_form=forms.get("new", NewIncidentForm),
        errors=form_errors(forms.posted),
        unplaced=forms.unplaced or [],
        facts_of=key_facts,
        show_identity=shows_identity,
    )
    return page


def _note_reads(*reports: Report) -> None:
    """Audit the reads of other organisations' reports shown on a page, once each."""
    session, caller = db_session(), current_caller()
    for report in {report.id: report for report in reports}.values():
        report_services.note_read(session, caller, report)
    session.commit()


def shows_identity(report: Report) -> bool:
    own = report.organization_id == require_user().organization_id
    return own or not report.withhold_identity


def _event_class(report: Report) -> str:
    value = (report.classification or {}).get("event_class")
    tax = taxonomy.load(report.taxonomy_version)
    return in_words(tax.dimension("event_class"), value) if value else "—"


def key_facts(report: Report) -> list[tuple[str, str]]:
    """The classification facts analysts compare first, in words."""
    tax = taxonomy.load(report.taxonomy_version)
    classification = report.classification or {}
    facts = []
    for dimension_id in KEY_FACTS:
        value = classification.get(dimension_id)
        if value is not None and tax.has_dimension(dimension_id):
            dimension = tax.dimension(dimension_id)
            facts.append((dimension.label, in_words(dimension, value)))
    return facts


# The incident pages register on this blueprint too (a module of their own for size).
from incidents.registry import incident_views  # noqa: E402, F401
