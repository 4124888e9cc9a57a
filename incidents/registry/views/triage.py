"""The triage queue, and one report's triage page: its candidates side by side with it, and
the analyst's decision (confirm, reject, link elsewhere, open a new incident); and what the
engine asks to reconsider about the report (a merge it bridges, its doubtful link)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from incidents.accounts.authentication import require_user
from incidents.extensions import db_session
from incidents.pages import attach, form_errors, page_number, redirect_on_conflict
from incidents.paging import page_count
from incidents.refusals import Invalid, NotFound
from incidents.registry import queries, reconsiderations
from incidents.registry.forms import (
    ConfirmForm,
    LinkForm,
    NewIncidentForm,
    ReconsiderForm,
    RejectForm,
)
from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    Reconsideration,
    ReconsiderationKind,
)
from incidents.registry.queries import IncidentView
from incidents.registry.triage import TriageDecision, decide
from incidents.registry.views.common import (
    PageForms,
    event_class,
    key_facts,
    registry,
    session_and_principal,
    shows_identity,
    target_incident,
)
from incidents.reports import services as report_services
from incidents.reports.access import submitted_report
from incidents.reports.models import Report
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission

Page = Response | str
PER_PAGE = 25
#: The decisions the page posts: its form class, and how it is named to the analyst.
DECISIONS: dict[str, tuple[TriageDecision, type[FlaskForm], str]] = {
    "confirm": (TriageDecision.CONFIRM, ConfirmForm, "confirm"),
    "reject": (TriageDecision.REJECT, RejectForm, "reject"),
    "link": (TriageDecision.LINK, LinkForm, "link elsewhere"),
    "new": (TriageDecision.NEW_INCIDENT, NewIncidentForm, "open a new incident"),
}
NOT_A_CANDIDATE = "That incident is not a candidate of this report any more; see the list below."
NOT_RECONSIDERED = "Nothing about that incident waits for a decision here any more."
#: What the flash says after an answer to a reconsideration.
ANSWERED = {
    reconsiderations.Answer.ACCEPT: "Merged.",
    reconsiderations.Answer.REJECT: "Kept apart; not proposed again without stronger evidence.",
    reconsiderations.Answer.KEEP: "The link is kept.",
    reconsiderations.Answer.UNLINK: "Unlinked.",
}


@dataclass
class ReconsiderRow:
    """One reconsideration on the triage page, with its incidents as the analyst sees them."""

    item: Reconsideration
    incident: IncidentView | None
    other: IncidentView | None
    forms: dict[str, ReconsiderForm]

    @property
    def key(self) -> str:
        """The incident an answer names: the other one for a merge, else the report's own."""
        item = self.item
        merge = item.kind is ReconsiderationKind.MERGE
        return (item.other if merge and item.other else item.incident).reference


@registry.route("/triage")
@require(Permission.DEDUP_TRIAGE)
def queue() -> str:
    session, principal = session_and_principal()
    page = page_number(PER_PAGE)
    candidates, total = queries.triage_queue(session, principal, page=page, per_page=PER_PAGE)
    seen = queries.seen_incidents(session, principal, (c.incident for c in candidates))
    now_in = queries.placements(session, principal, (c.report for c in candidates))
    rows = [
        (
            candidate,
            seen[candidate.incident_id],
            event_class(candidate.report),
            now_in[candidate.report_id],
        )
        for candidate in candidates
    ]
    again, again_total = reconsiderations.queue(session, principal, per_page=PER_PAGE)
    return render_template(
        "registry/queue.html",
        rows=rows,
        total=total,
        again=again,
        again_total=again_total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


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


@registry.route("/triage/<reference>", methods=["GET", "POST"])
@require(Permission.DEDUP_TRIAGE)
@redirect_on_conflict(lambda reference: url_for("registry.triage", reference=reference))
def triage(reference: str) -> Page:
    report = submitted_report(db_session(), require_user(), reference)
    if request.method == "GET":
        return _render_triage(report, PageForms())
    posted = request.form.get("decision", "")
    if posted == "reconsider":
        return _reconsider(report)
    if posted not in DECISIONS:
        choices = ", ".join(label for _, _, label in DECISIONS.values())
        return _render_triage(report, PageForms(unplaced=[f"Choose a decision: {choices}."]))
    decision, kind, _ = DECISIONS[posted]
    key = posted if posted in ("link", "new") else f"{posted}-{request.form.get('incident')}"
    form: Any = kind(prefix=key)
    forms = PageForms(posted=form, posted_key=key, unplaced=[])
    if not form.validate():
        return _render_triage(report, forms)
    candidate = target = None
    if decision is TriageDecision.LINK:
        target = target_incident(form, "target")
        if target is None:
            return _render_triage(report, forms)
    elif decision is not TriageDecision.NEW_INCIDENT:
        candidate = _candidate(report, request.form.get("incident", ""))
        if candidate is None:
            forms.unplaced = [NOT_A_CANDIDATE]
            return _render_triage(report, forms)
    session = db_session()
    try:
        decided = decide(
            session,
            current_caller(),
            report,
            decision,
            reason=form.reason.data or "",
            candidate=candidate,
            target=target,
        )
    except Invalid as invalid:
        session.rollback()
        forms.unplaced = attach(form, invalid.problems)
        return _render_triage(report, forms)
    session.commit()
    flash(decided.summary, "info")
    return redirect(url_for("registry.triage", reference=report.reference))


def _reconsider(report: Report) -> Page:
    """Answer one of the report's reconsiderations (accept or reject a merge, keep or unlink
    a doubtful link)."""
    try:
        answer = reconsiderations.Answer(request.form.get("answer", ""))
    except ValueError:
        choices = ", ".join(each.value for each in reconsiderations.Answer)
        return _render_triage(report, PageForms(unplaced=[f"Choose an answer: {choices}."]))
    incident = request.form.get("incident", "")
    key = f"reconsider-{answer.value}-{incident}"
    form = ReconsiderForm(prefix=key)
    forms = PageForms(posted=form, posted_key=key, unplaced=[])
    if not form.validate():
        return _render_triage(report, forms)
    session, principal = session_and_principal()
    try:
        row = reconsiderations.named(
            reconsiderations.of_report(session, principal, report), answer, incident
        )
        now_in = reconsiderations.decide(
            session, current_caller(), row, answer, reason=form.reason.data or ""
        )
    except NotFound:
        forms.unplaced = [NOT_RECONSIDERED]
        return _render_triage(report, forms)
    except Invalid as invalid:
        session.rollback()
        forms.unplaced = attach(form, invalid.problems)
        return _render_triage(report, forms)
    session.commit()
    flash(f"{ANSWERED[answer]} {report.reference} is in {now_in.reference}.", "info")
    return redirect(url_for("registry.triage", reference=report.reference))


def _candidate(report: Report, incident_ref: str) -> DedupCandidate | None:
    session, principal = session_and_principal()
    for candidate in queries.candidates_of(session, principal, report):
        if candidate.incident.reference == incident_ref.upper():
            return candidate
    return None


def _render_triage(report: Report, forms: PageForms) -> Page:
    session, principal = session_and_principal()
    session.rollback()  # show what is stored, not a decision that failed half-way
    candidates = queries.candidates_of(session, principal, report)
    now_in = queries.incidents_of(session, report)
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
    again = _reconsider_rows(report, forms)
    _note_reads(
        report,
        *(candidate.evidence_report for candidate in candidates),
        *(each for row in again for each in row.item.evidence),
    )
    return render_template(
        "registry/triage.html",
        report=report,
        facts=key_facts(report),
        rows=rows,
        pending=[row for row in rows if row.candidate.is_pending],
        again=again,
        current=current,
        link_form=forms.get("link", LinkForm),
        new_form=forms.get("new", NewIncidentForm),
        errors=form_errors(forms.posted),
        unplaced=forms.unplaced or [],
        facts_of=key_facts,
        show_identity=shows_identity,
    )


def _reconsider_rows(report: Report, forms: PageForms) -> list[ReconsiderRow]:
    session, principal = session_and_principal()
    items = reconsiderations.of_report(session, principal, report)
    incidents = [i for item in items for i in (item.incident, item.other) if i is not None]
    seen = queries.seen_incidents(session, principal, incidents)
    rows = []
    for item in items:
        row = ReconsiderRow(
            item, seen[item.incident_id], seen[item.other_id] if item.other_id else None, {}
        )
        row.forms = {
            answer.value: forms.get(f"reconsider-{answer.value}-{row.key}", ReconsiderForm)
            for answer in reconsiderations.Answer
            if answer.kind is item.kind
        }
        rows.append(row)
    return rows


def _note_reads(*reports: Report) -> None:
    """Audit the reads of other organisations' reports shown on a page, once each."""
    session, caller = db_session(), current_caller()
    for report in {report.id: report for report in reports}.values():
        report_services.note_read(session, caller, report)
    session.commit()
