"""The analysts' incident pages: the list, one incident, merge and its undoing, split, unlink
and curation with optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import taxonomy
from incidents.accounts.authentication import require_user
from incidents.accounts.models import Organization
from incidents.classification.display import TLP_LABELS, in_words
from incidents.extensions import db_session
from incidents.pages import attach, form_errors, page_number, redirect_on_conflict
from incidents.paging import last_page
from incidents.public.services import publication_of
from incidents.refusals import Conflict, Invalid
from incidents.registry import access, audiences, curation, queries, services
from incidents.registry.audiences import Distribution
from incidents.registry.forms import (
    CurationForm,
    IncidentFilterForm,
    MergeForm,
    SplitForm,
    UnlinkForm,
    UnmergeForm,
    curated_classification,
    curation_data,
)
from incidents.registry.models import Audience, Incident, IncidentCuration, IncidentLink
from incidents.registry.overview import overview
from incidents.registry.queries import IncidentView
from incidents.registry.views.common import (
    PageForms,
    registry,
    session_and_principal,
    shows_identity,
    target_incident,
)
from incidents.reports.models import Tlp
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission
from incidents.security.scope import can_read_report

Page = Response | str | tuple[str, int]
#: Merge aliases: the service calls the incident a merge absorbs into "into", the form "target".
MERGE_FIELDS = {"into": "target"}


def _incident_page(incident: str) -> str:
    return url_for("registry.incident", incident=incident)


PER_PAGE = 25
SEARCH_LIMIT = 10


def get_incident(reference: str) -> IncidentView:
    """The incident ``reference`` as the caller sees it (a tombstone as itself); else 404."""
    return access.visible_incident(db_session(), require_user(), reference.upper())


def _to_target(view: IncidentView) -> Response:
    """Send a reader of a tombstone on to the incident it was merged into."""
    target = queries.follow(view.incident)
    flash(f"{view.reference} was merged into {target.reference}.", "info")
    return redirect(url_for("registry.incident", incident=target.reference))


# --- incidents -----------------------------------------------------------------------------


@registry.route("/incidents")
@require(Permission.INCIDENT_READ)
def incident_list() -> str:
    session, principal = session_and_principal()
    form = IncidentFilterForm(request.args)
    text = (form.q.data or "").strip()
    page = page_number(PER_PAGE)
    views, total = queries.incident_page(session, principal, text, page=page, per_page=PER_PAGE)
    return render_template(
        "registry/incidents.html",
        form=form,
        views=views,
        total=total,
        page=page,
        more=page * PER_PAGE < total and page < last_page(PER_PAGE),
        args={"q": text} if text else {},
    )


@registry.route("/incidents/search")
@require(Permission.INCIDENT_READ)
def incident_search() -> Response:
    """Suggestions for the "incident" fields: ``{"incidents": [{reference, title, status}]}``."""
    session, principal = session_and_principal()
    text = request.args.get("q", "")[:200]
    views = queries.find_incidents(session, principal, text, limit=SEARCH_LIMIT)
    return jsonify(
        incidents=[
            {"reference": v.reference, "title": v.title, "status": v.incident.status.value}
            for v in views
        ]
    )


@registry.route("/incidents/<incident>")
@require(Permission.INCIDENT_READ)
def incident(incident: str) -> Page:
    view = get_incident(incident)
    if view.incident.is_tombstone:
        return _to_target(view)
    return _render_incident(view, PageForms())


def _render_incident(view: IncidentView, forms: PageForms) -> Page:
    session, principal = session_and_principal()
    if request.method == "POST":
        session.rollback()  # show what is stored, not a change that failed half-way
        fresh = queries.incident_for(session, principal, view.reference)
        if fresh is None or fresh.incident.is_tombstone:  # pragma: no cover - changed meanwhile
            abort(404)
        view = fresh
    shown = {report.id for report in view.reports}
    every_link = queries.links_of(session, view.incident)
    links = [link for link in every_link if link.is_active and link.report_id in shown]
    history = [
        link
        for link in every_link
        if not link.is_active and can_read_report(principal, link.report)
    ]
    absorbed = _absorbed(view.incident, links)
    provenance = queries.shown_provenance(session, principal, [*links, *history])
    readable_removals = audiences.readable_ids(
        session, principal, [link.removed_audience_id for link in history]
    )
    split = forms.get("split", SplitForm)
    split.reports.choices = [(r.reference, f"{r.reference} — {r.title}") for r in view.reports]
    return render_template(
        "registry/incident.html",
        view=view,
        incident=view.incident,
        links=links,
        history=history,
        absorbed=[(each, forms.get(f"unmerge-{each.reference}", UnmergeForm)) for each in absorbed],
        pending=[
            (candidate, candidate.evidence_report)
            for candidate in queries.pending_for_incident(session, principal, view.incident)
        ],
        classification=_curated_facts(view.classification),
        overview=overview(
            view.reports, lambda report: can_read_report(principal, report), shows_identity
        ),
        opened_at=min((link.created_at for link in links), default=view.incident.created_at),
        provenance=provenance,
        removals={
            link.id
            for link in history
            if link.removed_audience_id is None or link.removed_audience_id in readable_removals
        },
        audience_words=audience_words,
        publication=publication_of(session, view.incident),
        merge_form=forms.get("merge", MergeForm),
        split_form=split,
        unlink_forms={
            link.report.reference: forms.get(f"unlink-{link.report.reference}", UnlinkForm)
            for link in links
        },
        errors=form_errors(forms.posted),
        unplaced=forms.unplaced or [],
        show_identity=shows_identity,
    )


def _absorbed(incident: Incident, links: Iterable[IncidentLink]) -> list[Incident]:
    """Incidents merged into ``incident`` that brought reports the caller may read."""
    session = db_session()
    found = []
    for incident_id in sorted({link.merged_from_id for link in links if link.merged_from_id}):
        merged = session.get(Incident, incident_id)
        if merged is not None and merged.merged_into_id == incident.id:
            found.append(merged)
    return found


def _curated_facts(classification: Mapping[str, Any]) -> list[tuple[str, str]]:
    tax = taxonomy.load()
    return [
        (tax.dimension(key).label, in_words(tax.dimension(key), value))
        if tax.has_dimension(key)
        else (key, str(value))
        for key, value in classification.items()
    ]


def audience_words(audience: Audience) -> str:
    """Who may read a curation, in words."""
    return _words(audience.tlp, [each.name for each in audience.recipients])


def audience_words_of(distribution: Distribution) -> str:
    names = db_session().scalars(
        sa.select(Organization.name).where(Organization.id.in_(distribution.recipient_ids))
    )
    return _words(distribution.tlp, sorted(names))


def _words(tlp: Tlp, names: list[str]) -> str:
    label = TLP_LABELS[tlp].split(" — ")[0]
    if tlp.needs_recipients:
        return f"{label}: the writing institute and {', '.join(names) or 'no other institute'}"
    return f"{label}: the writing institute and every network institute"


def _changed(message: str, reference: str) -> Response:
    db_session().commit()
    flash(message, "info")
    return redirect(url_for("registry.incident", incident=reference))


@registry.route("/incidents/<incident>/merge", methods=["POST"])
@require(Permission.INCIDENT_CURATE)
@redirect_on_conflict(_incident_page)
def merge(incident: str) -> Page:
    view = get_incident(incident)
    if view.incident.is_tombstone:
        return _to_target(view)
    form = MergeForm(prefix="merge")
    forms = PageForms(posted=form, posted_key="merge", unplaced=[])
    if not form.validate() or (target := target_incident(form, "target")) is None:
        return _render_incident(view, forms)
    try:
        services.merge(
            db_session(), current_caller(), view.incident, target, reason=form.reason.data or ""
        )
    except Invalid as invalid:
        forms.unplaced = attach(form, invalid.problems, MERGE_FIELDS)
        return _render_incident(view, forms)
    return _changed(f"{view.reference} was merged into {target.reference}.", target.reference)


@registry.route("/incidents/<incident>/unmerge", methods=["POST"])
@require(Permission.INCIDENT_CURATE)
def unmerge(incident: str) -> Page:
    view = get_incident(incident)
    absorbed = view.incident
    if not absorbed.is_tombstone or absorbed.merged_into is None:
        flash(f"{absorbed.reference} is not merged into another incident.", "error")
        return redirect(url_for("registry.incident", incident=absorbed.reference))
    target = queries.follow(absorbed)
    key = f"unmerge-{absorbed.reference}"
    form = UnmergeForm(prefix=key)
    forms = PageForms(posted=form, posted_key=key, unplaced=[])
    target_view = get_incident(target.reference)
    if not form.validate():
        return _render_incident(target_view, forms)
    try:
        services.unmerge(db_session(), current_caller(), absorbed, reason=form.reason.data or "")
    except Invalid as invalid:  # pragma: no cover - the form checks the reason first
        forms.unplaced = attach(form, invalid.problems)
        return _render_incident(target_view, forms)
    into = absorbed.merged_into.reference if absorbed.merged_into else target.reference
    return _changed(
        f"The merge of {absorbed.reference} into {into} is undone; {absorbed.reference} is "
        "open again.",
        absorbed.reference,
    )


@registry.route("/incidents/<incident>/split", methods=["POST"])
@require(Permission.INCIDENT_CURATE)
@redirect_on_conflict(_incident_page)
def split(incident: str) -> Page:
    view = get_incident(incident)
    if view.incident.is_tombstone:
        return _to_target(view)
    form = SplitForm(prefix="split")
    forms = PageForms(posted=form, posted_key="split", unplaced=[])
    if not form.validate():
        return _render_incident(view, forms)
    by_reference = {report.reference: report for report in view.reports}
    chosen = [by_reference[ref] for ref in form.reports.data or () if ref in by_reference]
    unknown = [ref for ref in form.reports.data or () if ref not in by_reference]
    if unknown:
        form.reports.errors = [f"Not a report of {view.reference}: {', '.join(unknown)}."]
        return _render_incident(view, forms)
    try:
        new = services.split(
            db_session(),
            current_caller(),
            view.incident,
            chosen,
            reason=form.reason.data or "",
            title=form.title.data or None,
        )
    except Invalid as invalid:
        forms.unplaced = attach(form, invalid.problems)
        return _render_incident(view, forms)
    moved = ", ".join(report.reference or "" for report in chosen)
    return _changed(f"{moved} split off into a new incident, {new.reference}.", view.reference)


@registry.route("/incidents/<incident>/unlink", methods=["POST"])
@require(Permission.INCIDENT_CURATE)
@redirect_on_conflict(_incident_page)
def unlink(incident: str) -> Page:
    view = get_incident(incident)
    if view.incident.is_tombstone:
        return _to_target(view)
    reference = request.form.get("report", "")
    report = next((r for r in view.reports if r.reference == reference), None)
    if report is None:
        forms = PageForms(unplaced=["Choose a report of this incident to remove."])
        return _render_incident(view, forms)
    key = f"unlink-{reference}"
    form = UnlinkForm(prefix=key)
    forms = PageForms(posted=form, posted_key=key, unplaced=[])
    if not form.validate():
        return _render_incident(view, forms)
    session = db_session()
    services.unlink_report(
        session, current_caller(), view.incident, report, reason=form.reason.data or ""
    )
    now_in = [each.reference for each in queries.incidents_of(session, report)]
    message = f"{reference} was removed from {view.reference}; it is now in {', '.join(now_in)}."
    # The incident's last report leaves it a tombstone: show the report's incident instead.
    return _changed(message, now_in[0] if view.incident.is_tombstone else view.reference)


# --- curation ------------------------------------------------------------------------------


@registry.route("/incidents/<incident>/edit", methods=["GET", "POST"])
@require(Permission.INCIDENT_CURATE)
def edit(incident: str) -> Page:
    view = get_incident(incident)
    stored = view.incident
    if stored.is_tombstone:
        return _to_target(view)
    own = curation.curation_of(db_session(), stored, require_user().organization_id)
    if request.method == "GET":
        form = CurationForm(data=curation_data(own, stored.status.value))
        form.version.data = str(stored.lock_version)
        return _render_edit(view, form, own)
    form = CurationForm()
    if not form.validate_on_submit() or (version := form.version_number()) is None:
        if not form.version.errors and form.version_number() is None:
            form.version.errors = ["This form is out of date: reload the page."]
        return _render_edit(view, form, own)
    session = db_session()
    try:
        curation.curate(
            session,
            current_caller(),
            stored,
            version=version,
            title=form.title.data,
            status=form.status.data or "",
            classification=curated_classification(form, own.classification if own else {}),
            narrative=form.narrative.data or "",
            distribution=form.chosen_distribution(),
        )
    except Invalid as invalid:
        session.rollback()
        return _render_edit(view, form, own, unplaced=attach(form, invalid.problems))
    except Conflict as error:
        session.rollback()
        return _render_edit(view, form, own, conflict=str(error))
    session.commit()
    flash(f"{stored.reference} is saved.", "info")
    return redirect(url_for("registry.incident", incident=stored.reference))


def _render_edit(
    view: IncidentView,
    form: CurationForm,
    own: IncidentCuration | None,
    *,
    unplaced: list[str] | None = None,
    conflict: str = "",
) -> Page:
    stored = view.incident
    if conflict:
        # Keep what the analyst typed, show what is stored now; sending the form again is then
        # a deliberate choice to replace it.
        form.version.data = str(stored.lock_version)
    errors = [
        (f.id, f.label.text, message)
        for f in form
        if f.type != "HiddenField"
        for message in f.errors
    ]
    hidden = [message for f in form if f.type == "HiddenField" for message in f.errors]
    page = render_template(
        "registry/edit.html",
        view=view,
        incident=stored,
        form=form,
        errors=errors,
        unplaced=[*(unplaced or []), *hidden],
        conflict=conflict,
        stored_title=own.title if own else None,
        stored_status=stored.status,
        stored_facts=_curated_facts(own.classification if own else {}),
        derived=audience_words_of(
            curation.default_distribution(db_session(), current_caller(), stored)
        ),
        current=audience_words(own.audience) if own else None,
    )
    return (page, 409) if conflict else page
