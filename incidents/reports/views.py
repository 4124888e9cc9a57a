"""The reporter's pages: the dashboard, the report form (draft, review, submit), the receipt,
the report page, amendments, follow-ups and withdrawal.

Each view loads the report through ``report_for`` (404 when hidden or missing), checks that
the caller may file for it where it changes anything, acts through ``reports.services`` and
commits once.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import taxonomy
from incidents.accounts.authentication import require_user
from incidents.classification.display import STAGE_LABELS, TLP_LABELS, shown_classification
from incidents.db import utcnow
from incidents.extensions import db_session
from incidents.forms import ConfirmForm
from incidents.pages import page_number
from incidents.paging import page_count
from incidents.public.queries import published_for_report
from incidents.reports import deadlines, services
from incidents.reports.access import own_report, readable_report, report_key
from incidents.reports.changes import compare
from incidents.reports.content import ReportInvalid, check_content
from incidents.reports.deadlines import status_of
from incidents.reports.forms import (
    FilterForm,
    ReasonForm,
    ReportFormBase,
    attach_problems,
    content_from,
    form_data,
    report_form_class,
)
from incidents.reports.models import Report, ReportDeadline, ReportStage, ReportState, Tlp
from incidents.reports.queries import ReportFilters, organization_reports
from incidents.reports.services import ReportStateError
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission
from incidents.security.policy import can_file_for, has_permission
from incidents.security.scope import can_read_report

reports = Blueprint("reports", __name__, url_prefix="/reports")

PER_PAGE = 25
E = TypeVar("E", ReportState, ReportStage, Tlp)
Page = Response | str | tuple[str, int]


def get_report(key: str) -> Report:
    """The report ``key`` (reference or ``draft-<id>``) if the caller may read it; else 404."""
    return readable_report(db_session(), require_user(), key)


def get_own_report(key: str) -> Report:
    """The report ``key`` if the caller may file for it (its own organisation's); else 404."""
    return own_report(db_session(), require_user(), key, to_file=True)


def _recipient_names() -> list[str]:
    return [institute.name for institute in services.recipient_institutes(db_session())]


def _refuse(error: ReportStateError, report: Report) -> Response:
    flash(str(error), "error")
    return redirect(url_for("reports.show", key=report_key(report)))


def _not_submitted(report: Report) -> Response:
    return _refuse(ReportStateError(f"{report.label} is {report.state.value}."), report)


def next_deadline(report: Report, now: datetime) -> tuple[ReportDeadline | None, str]:
    """The next open deadline with a due time and its state, for the dashboard's badge."""
    found = deadlines.next_deadline(report, now)
    return (found.deadline, found.state) if found else (None, "")


reports.add_app_template_global(report_key)


@reports.app_template_global()
def tlp_label(tlp: Tlp | str) -> str:
    return TLP_LABELS[Tlp(tlp)].split(" — ")[0]


@reports.app_template_global()
def stage_label(stage: ReportStage | str) -> str:
    return STAGE_LABELS[ReportStage(stage)]


# --- dashboard -------------------------------------------------------------------------------


@reports.route("")
@require(Permission.REPORT_READ_OWN)
def dashboard() -> str:
    principal = require_user()
    form = FilterForm(request.args)
    filters = ReportFilters(
        state=_enum(ReportState, form.state.data),
        stage=_enum(ReportStage, form.stage.data),
        tlp=_enum(Tlp, form.tlp.data),
        deadline=form.deadline.data or None,
        text=(form.q.data or "").strip(),
    )
    page = page_number(PER_PAGE)
    now = utcnow()
    rows, total = organization_reports(
        db_session(), principal.organization_id, filters, now=now, page=page, per_page=PER_PAGE
    )
    args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template(
        "reports/dashboard.html",
        form=form,
        rows=[(report, *next_deadline(report, now)) for report in rows],
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        args=args,
        may_file=has_permission(principal, Permission.REPORT_FILE),
    )


def _enum(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


# --- drafts: write, review, submit ----------------------------------------------------------


def _report_form(
    purpose: str, source: Report | None, stage: str, *, prefill: bool
) -> ReportFormBase:
    """The report form for ``purpose``, in ``source``'s taxonomy version (default: latest),
    pre-filled with ``source``'s content when asked."""
    version = source.taxonomy_version if source else taxonomy.load().version
    data = form_data(services.content_of(source)) if source and prefill else None
    form = report_form_class(purpose, version, stage)(data=data)
    form.set_recipients(_recipient_names())
    return form


def _draft_form(report: Report | None, *, prefill: bool) -> ReportFormBase:
    stage = report.stage.value if report else ReportStage.INITIAL.value
    return _report_form("draft", report, stage, prefill=prefill)


def _render_draft(form: ReportFormBase, report: Report | None, unplaced: list[str]) -> str:
    action = url_for("reports.edit", key=report_key(report)) if report else url_for("reports.new")
    return render_template(
        "reports/edit.html", form=form, report=report, action=action, unplaced=unplaced
    )


def _completeness(report: Report) -> dict[str, list[str]]:
    return check_content(
        services.content_of(report),
        stage=report.stage.value,
        known_recipients=_recipient_names(),
        complete=True,
    )


def _save(report: Report | None) -> Page:
    """Save the posted draft; go on to the review when asked and the report is complete."""
    form = _draft_form(report, prefill=False)
    if not form.validate_on_submit():
        return _render_draft(form, report, [])
    session = db_session()
    try:
        report = services.save_draft(session, current_caller(), content_from(form), report=report)
    except ReportInvalid as invalid:
        return _render_draft(form, report, attach_problems(form, invalid.problems))
    except ReportStateError as error:
        assert report is not None  # a new draft has no state to conflict with
        return _refuse(error, report)
    session.commit()
    # Always a redirect to the draft's own address: reloading never files a second draft.
    if not form.review.data:
        flash(f"Your draft is saved ({report.label}).", "success")
        return redirect(url_for("reports.edit", key=report_key(report)))
    if _completeness(report):
        return redirect(url_for("reports.edit", key=report_key(report), check=1))
    return redirect(url_for("reports.review", key=report_key(report)))


@reports.route("/new", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def new() -> Page:
    if request.method == "POST":
        return _save(None)
    return _render_draft(_draft_form(None, prefill=False), None, [])


@reports.route("/<key>/edit", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def edit(key: str) -> Page:
    report = get_own_report(key)
    if not report.is_draft:
        return redirect(url_for("reports.amend", key=report_key(report)))
    if request.method == "POST":
        return _save(report)
    form = _draft_form(report, prefill=True)
    if request.args.get("check"):  # after "Review and submit" on an incomplete draft
        problems = _completeness(report)
        if problems:
            flash("Your draft is saved. Complete the fields marked below to submit it.", "error")
            return _render_draft(form, report, attach_problems(form, problems))
    return _render_draft(form, report, [])


@reports.route("/<key>/delete", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def delete(key: str) -> Page:
    report = get_own_report(key)
    if not report.is_draft:
        return _refuse(ReportStateError("Only drafts can be deleted; amend or withdraw."), report)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        session = db_session()
        label = services.delete_draft(session, current_caller(), report)
        session.commit()
        flash(f"{label} is deleted.", "success")
        return redirect(url_for("reports.dashboard"))
    return render_template("reports/delete.html", report=report, confirm=confirm)


@reports.route("/<key>/review", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def review(key: str) -> Page:
    report = get_own_report(key)
    if not report.is_draft:
        return redirect(url_for("reports.show", key=report_key(report)))
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        # ``submit`` checks completeness itself: an incomplete draft raises, unchanged.
        session = db_session()
        try:
            services.submit(session, current_caller(), report)
        except ReportInvalid as invalid:
            problems = invalid.problems
        else:
            session.commit()
            return redirect(url_for("reports.receipt", key=report_key(report)))
    else:
        problems = _completeness(report)
    if problems:
        form = _draft_form(report, prefill=True)
        flash("The report is not complete yet. Complete the fields marked below.", "error")
        return _render_draft(form, report, attach_problems(form, problems))
    return render_template(
        "reports/review.html",
        report=report,
        confirm=confirm,
        sections=shown_classification(report.taxonomy_version, report.classification),
        preview=deadlines.preview(report, utcnow()),
    )


# --- submitted reports -----------------------------------------------------------------------


@reports.route("/<key>/receipt")
@require(Permission.REPORT_READ_OWN)
def receipt(key: str) -> str:
    report = own_report(db_session(), require_user(), key, to_file=False)
    if report.reference is None:
        abort(404)
    following, _state = next_deadline(report, utcnow())
    return render_template("reports/receipt.html", report=report, following=following)


@reports.route("/<key>")
@require(Permission.ACCOUNT_READ)
def show(key: str) -> str:
    principal = require_user()
    if not (
        has_permission(principal, Permission.REPORT_READ_OWN)
        or has_permission(principal, Permission.REPORT_READ_SHARED)
    ):
        abort(403)
    report = get_report(key)
    outsider = principal.organization_id != report.organization_id
    if outsider:
        session = db_session()
        services.note_read(session, current_caller(), report)
        session.commit()
    series = [
        other
        for other in report.series.reports
        if other is not report and can_read_report(principal, other)
    ]
    return render_template(
        "reports/show.html",
        report=report,
        series=series,
        sections=shown_classification(report.taxonomy_version, report.classification),
        show_identity=not (outsider and report.withhold_identity),
        may_file=can_file_for(principal, report),
        open_deadlines=deadlines.open_deadlines(report),
        published_as=published_for_report(db_session(), report.id) if not outsider else [],
        now=utcnow(),
        status_of=status_of,
    )


@reports.route("/<key>/changes")
@require(Permission.ACCOUNT_READ)
def changes(key: str) -> str:
    """Two revisions of a report compared field by field (default: the latest and the one
    before), for whoever may read the report."""
    principal = require_user()
    if not (
        has_permission(principal, Permission.REPORT_READ_OWN)
        or has_permission(principal, Permission.REPORT_READ_SHARED)
    ):
        abort(403)
    report = get_report(key)
    revisions = {revision.number: revision for revision in report.revisions}
    latest = max(revisions, default=0)
    after = revisions.get(request.args.get("to", latest, type=int))
    before = revisions.get(request.args.get("from", (after.number if after else 0) - 1, type=int))
    if len(revisions) > 1 and (after is None or before is None or before.number >= after.number):
        abort(404)
    outsider = principal.organization_id != report.organization_id
    if outsider:
        session = db_session()
        services.note_read(session, current_caller(), report)
        session.commit()
    return render_template(
        "reports/changes.html",
        report=report,
        before=before,
        after=after,
        revisions=sorted(revisions.values(), key=lambda revision: revision.number),
        changes=compare(before.content, after.content) if before and after else [],
        show_identity=not (outsider and report.withhold_identity),
    )


@reports.route("/<key>/amend", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def amend(key: str) -> Page:
    report = get_own_report(key)
    if not report.is_submitted:
        return _not_submitted(report)
    form = _report_form("amend", report, report.stage.value, prefill=request.method != "POST")
    unplaced: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        reason = form.reason.data or ""
        try:
            services.amend(session, current_caller(), report, content_from(form), reason=reason)
        except ReportInvalid as invalid:
            unplaced = attach_problems(form, invalid.problems)
        except ReportStateError as error:
            return _refuse(error, report)
        else:
            session.commit()
            flash(f"{report.label} is amended (revision {len(report.revisions)}).", "info")
            return redirect(url_for("reports.show", key=report_key(report)))
    return render_template("reports/amend.html", form=form, report=report, unplaced=unplaced)


@reports.route("/<key>/follow-up", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def follow_up(key: str) -> Page:
    report = get_own_report(key)
    if not report.is_submitted:
        return _not_submitted(report)
    latest = report.series.reports[-1]
    form = _report_form("follow_up", latest, "intermediate", prefill=request.method != "POST")
    unplaced: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        stage = _enum(ReportStage, form.follow_up_stage.data) or ReportStage.INTERMEDIATE
        try:
            filed = services.file_follow_up(
                session, current_caller(), report, content_from(form), stage=stage
            )
        except ReportInvalid as invalid:
            unplaced = attach_problems(form, invalid.problems)
        except ReportStateError as error:
            return _refuse(error, report)
        else:
            session.commit()
            return redirect(url_for("reports.receipt", key=report_key(filed)))
    return render_template(
        "reports/follow_up.html", form=form, report=report, latest=latest, unplaced=unplaced
    )


@reports.route("/<key>/withdraw", methods=["GET", "POST"])
@require(Permission.REPORT_FILE)
def withdraw(key: str) -> Page:
    report = get_own_report(key)
    form = ReasonForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            services.withdraw(session, current_caller(), report, reason=form.reason.data or "")
        except ReportInvalid as invalid:
            form.reason.errors = [*form.reason.errors, *invalid.problems.get("reason", [])]
        except ReportStateError as error:
            return _refuse(error, report)
        else:
            session.commit()
            flash(f"{report.label} is withdrawn. It stays on record with your reason.", "info")
            return redirect(url_for("reports.show", key=report_key(report)))
    elif request.method == "GET" and not report.is_submitted:
        return _not_submitted(report)
    return render_template("reports/withdraw.html", form=form, report=report)
