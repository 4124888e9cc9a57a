"""The analysts' pages of an incident's public summary: drafting it (pre-filled, redacted,
with what was removed shown for review), approving it (an editor who did not draft it),
correcting and withdrawing it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from incidents.accounts.authentication import require_user
from incidents.extensions import db_session
from incidents.pages import attach, form_errors, redirect_on_conflict
from incidents.public import services
from incidents.public.forms import OFFERED, ReasonForm, SummaryForm
from incidents.public.models import Publication
from incidents.public.services import PublicationRefused
from incidents.refusals import Invalid
from incidents.registry import access
from incidents.registry.models import Incident
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

publication = Blueprint("publication", __name__)

Page = Response | str | tuple[str, int]


def _incident(reference: str) -> Incident:
    view = access.open_incident(db_session(), require_user(), reference.upper())
    return view.incident


def _summary_page(incident: str) -> str:
    return url_for("publication.summary", incident=incident)


def _clearable(incident: Incident) -> list[str]:
    names = services.names_of(db_session(), incident)
    found = [*names.organisations, *names.systems, *names.developers, *names.deployers]
    return sorted({name for name in found if name})


def _data_of(stored: Publication) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": str(stored.lock_version),
        "title": stored.title,
        "summary": stored.summary,
        "month": stored.month or "",
        "countries": list(stored.countries),
        "cleared_names": list(stored.cleared_names),
        "change_note": stored.change_note,
    }
    for name in OFFERED:
        data[name] = stored.classification.get(name) or ([] if name == "harm_type" else "")
    return data


@publication.route("/incidents/<incident>/summary", methods=["GET", "POST"])
@require(Permission.SUMMARY_DRAFT)
@redirect_on_conflict(_summary_page)
def summary(incident: str) -> Page:
    current = _incident(incident)
    session, caller = db_session(), current_caller()
    stored = services.publication_of(session, current)
    removed: list[Any] = []
    if request.method == "GET":
        if stored is not None and (stored.has_draft or stored.revisions):
            form = SummaryForm(data=_data_of(stored), clearable=_clearable(current))
        else:
            draft = services.prefill(session, caller, current)
            removed = draft.removed
            data = {
                "title": draft.title,
                "summary": draft.summary,
                "month": draft.month or "",
                "countries": draft.countries,
                **{name: draft.classification.get(name) for name in OFFERED},
            }
            form = SummaryForm(data=data, clearable=_clearable(current))
        return _render(current, stored, form, removed=removed)
    form = SummaryForm(clearable=_clearable(current))
    if not form.validate():
        return _render(current, stored, form)
    try:
        services.save_draft(
            session,
            caller,
            current,
            title=form.title.data or "",
            summary=form.summary.data or "",
            classification=form.classification(),
            month=form.month.data or None,
            countries=list(form.countries.data or []),
            cleared_names=list(form.cleared_names.data or []),
            change_note=form.change_note.data or "",
            version=int(form.version.data) if (form.version.data or "").isdigit() else None,
        )
    except Invalid as invalid:
        session.rollback()
        return _render(current, stored, form, unplaced=attach(form, invalid.problems))
    session.commit()
    flash("The draft is saved. A second person approves it before anything is public.", "info")
    return redirect(_summary_page(current.reference))


def _render(
    incident: Incident,
    stored: Publication | None,
    form: SummaryForm,
    *,
    removed: list[Any] | None = None,
    unplaced: list[str] | None = None,
    refused: list[Any] | None = None,
) -> str:
    principal = require_user()
    return render_template(
        "public/summary.html",
        incident=incident,
        stored=stored,
        form=form,
        removed=removed or [],
        refused=refused or [],
        errors=form_errors(form),
        unplaced=unplaced or [],
        may_approve=stored is not None
        and stored.has_draft
        and has_permission(principal, Permission.SUMMARY_APPROVE)
        and stored.drafted_by_id != principal.id,
        may_withdraw=stored is not None
        and stored.is_public
        and has_permission(principal, Permission.SUMMARY_APPROVE),
        withdraw_form=ReasonForm(formdata=None),
    )


@publication.route("/incidents/<incident>/summary/approve", methods=["POST"])
@require(Permission.SUMMARY_APPROVE)
@redirect_on_conflict(_summary_page)
def approve(incident: str) -> Page:
    current = _incident(incident)
    session = db_session()
    stored = services.publication_of(session, current)
    version = request.form.get("version", "")
    try:
        published = services.approve(
            session,
            current_caller(),
            current,
            version=int(version) if version.isdigit() else -1,
        )
    except PublicationRefused as refusal:
        session.rollback()
        assert stored is not None
        form = SummaryForm(data=_data_of(stored), clearable=_clearable(current))
        found = refusal.details if isinstance(refusal.details, list) else []
        return _render(current, stored, form, refused=found), 409
    except Invalid as invalid:
        session.rollback()
        flash(" ".join(message for each in invalid.problems.values() for message in each), "error")
        return redirect(_summary_page(current.reference))
    session.commit()
    flash(f"Published as {published.public_reference}.", "info")
    return redirect(_summary_page(current.reference))


@publication.route("/incidents/<incident>/summary/withdraw", methods=["POST"])
@require(Permission.SUMMARY_APPROVE)
@redirect_on_conflict(_summary_page)
def withdraw(incident: str) -> Page:
    current = _incident(incident)
    session = db_session()
    form = ReasonForm()
    if not form.validate():
        flash("Say why it is withdrawn, for the public.", "error")
        return redirect(_summary_page(current.reference))
    services.withdraw(session, current_caller(), current, reason=form.reason.data or "")
    session.commit()
    flash("The public record is withdrawn; its page now says so, and why.", "info")
    return redirect(_summary_page(current.reference))
