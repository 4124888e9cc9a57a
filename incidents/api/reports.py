"""``/api/v1/reports``: file, list, read, amend, follow up and withdraw reports as JSON.

Every write accepts an ``Idempotency-Key`` (see ``idempotency``). Bad input answers 422 with
every problem at once, keyed by the path of the field in the request body. A report the
caller may not see answers 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from incidents.api.routing import Answer, Call, PathParameter, json_route, page_links
from incidents.db import utcnow
from incidents.refusals import Invalid, Problems
from incidents.reports import services
from incidents.reports.access import REPORT_KEY_PATTERN, own_report, report_key
from incidents.reports.batch import file_reports
from incidents.reports.body import content_problems, new_report_checker, partial_content
from incidents.reports.content import ReportContent
from incidents.reports.examples import example_report
from incidents.reports.models import Report, ReportStage, ReportState, Tlp
from incidents.reports.queries import ReportFilters, organization_reports
from incidents.reports.schemas import (
    MAX_BATCH,
    AmendmentSchema,
    ApiReceiptSchema,
    BatchResponseSchema,
    BatchSchema,
    FollowUpSchema,
    NewReport,
    NewReportSchema,
    ReporterReportSchema,
    ReportListQuerySchema,
    ReportPageSchema,
    WithdrawalSchema,
)
from incidents.schemas import load
from incidents.security.permissions import Permission

reports_api = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")

REFERENCE = {
    "reference": PathParameter(
        "The report's reference (RPT-YYYY-NNNNN), or draft-<id> for a draft.",
        REPORT_KEY_PATTERN.replace("?P<id>", ""),
    )
}
TAG = "reports"


class KnownRecipients:
    """The names of the institutes a report may name, read once per request when needed."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._names: list[str] | None = None

    @property
    def names(self) -> list[str]:
        if self._names is None:
            self._names = [i.name for i in services.recipient_institutes(self._session)]
        return self._names


def _located(report: Report, status: int | None = None) -> Answer:
    """``report`` answered with its URL in ``Location``."""
    location = url_for("reports_api.show", reference=report_key(report))
    return Answer(report, status, {"Location": location})


def _check_new(call: Call, valid: Mapping[str, Any], _arguments: Mapping[str, Any]) -> Problems:
    return new_report_checker(lambda: KnownRecipients(call.session).names)(valid)


def _check_amendment(
    call: Call, valid: Mapping[str, Any], arguments: Mapping[str, Any]
) -> Problems:
    report = own_report(call.session, call.user, arguments["reference"], to_file=True)
    return content_problems(
        partial_content(valid),
        stage=report.stage.value,
        complete=True,
        known_recipients=KnownRecipients(call.session).names,
        version=report.taxonomy_version,
    )


def _check_follow_up(
    call: Call, valid: Mapping[str, Any], _arguments: Mapping[str, Any]
) -> Problems:
    return content_problems(
        partial_content(valid),
        stage=valid.get("stage", ReportStage.FINAL.value),
        complete=True,
        known_recipients=KnownRecipients(call.session).names,
    )


# --- filing ----------------------------------------------------------------------------------


@json_route(
    reports_api,
    "",
    method="POST",
    permission=Permission.REPORT_FILE,
    tag=TAG,
    body=NewReportSchema,
    check=_check_new,
    response=ApiReceiptSchema,
    status=201,
    location=True,
    example=example_report,
)
def create(call: Call) -> Answer:
    """File a report (or keep it as a draft with state: draft)
    The answer is the receipt: reference, time, content hash and deadlines.
    """
    new: NewReport = call.read()
    if new.state is ReportState.DRAFT:
        report = services.save_draft(call.session, call.caller, new.content)
    else:
        report = services.file_report(call.session, call.caller, new.content)
    return _located(report)


class BatchTooLarge(RequestEntityTooLarge):
    def __init__(self, count: int) -> None:
        message = f"Send at most {MAX_BATCH} reports per batch; this one has {count}."
        super().__init__(description=message)
        self.details = {"reports": [message]}


@json_route(
    reports_api,
    "/batch",
    method="POST",
    permission=Permission.REPORT_FILE,
    tag=TAG,
    body=BatchSchema,
    response=BatchResponseSchema,
)
def create_batch(call: Call) -> dict[str, Any]:
    """File up to 500 reports; each succeeds or fails on its own
    One result per item, in order: 201 with a receipt, or 422 with its problems; all in one
    commit.
    """
    offered = call.raw.get("reports") if isinstance(call.raw, dict) else None
    if isinstance(offered, list) and len(offered) > MAX_BATCH:
        raise BatchTooLarge(len(offered))
    items: list[Any] = call.read()["reports"]
    check = new_report_checker(lambda: KnownRecipients(call.session).names)
    schema = NewReportSchema()
    results: list[dict[str, Any]] = [{} for _ in items]
    to_file: list[tuple[int, ReportContent]] = []
    for index, item in enumerate(items):
        try:
            new: NewReport = load(schema, item, check)
        except Invalid as invalid:
            results[index] = _refused(index, invalid.problems)
            continue
        if new.state is ReportState.DRAFT:  # rare in a batch: kept one by one
            results[index] = _batch_draft(call, index, new)
        else:
            to_file.append((index, new.content))
    # The submitted ones are checked one by one and written together: one flush.
    outcomes = file_reports(call.session, call.caller, [c for _, c in to_file])
    for (index, _content), outcome in zip(to_file, outcomes, strict=True):
        if isinstance(outcome, Invalid):
            results[index] = _refused(index, outcome.problems)
        else:
            results[index] = _filed(index, outcome)
    return {"results": results}


def _batch_draft(call: Call, index: int, new: NewReport) -> dict[str, Any]:
    try:
        with call.session.begin_nested():
            report = services.save_draft(call.session, call.caller, new.content)
    except Invalid as invalid:
        return _refused(index, invalid.problems)
    return _filed(index, report)


def _refused(index: int, details: Any) -> dict[str, Any]:
    return {"index": index, "status": 422, "details": details}


def _filed(index: int, report: Report) -> dict[str, Any]:
    return {"index": index, "status": 201, "reference": report.reference, "receipt": report}


# --- reading ---------------------------------------------------------------------------------


@json_route(
    reports_api,
    "",
    permission=Permission.REPORT_READ_OWN,
    tag=TAG,
    query=ReportListQuerySchema,
    response=ReportPageSchema,
)
def index(call: Call) -> dict[str, Any]:
    """The caller's organisation's reports, newest first
    Filtered by state, stage, distribution, deadline or words of the title, and paginated.
    """
    query = call.query
    filters = ReportFilters(
        state=ReportState(query["state"]) if "state" in query else None,
        stage=ReportStage(query["stage"]) if "stage" in query else None,
        tlp=Tlp(query["tlp"]) if "tlp" in query else None,
        deadline=query.get("deadline"),
        text=query.get("q", "").strip(),
    )
    rows, total = organization_reports(
        call.session,
        call.user.organization_id,
        filters,
        now=utcnow(),
        page=query["page"],
        per_page=query["per_page"],
    )
    return {"reports": rows, **page_links("reports_api.index", query, total)}


@json_route(
    reports_api,
    "/<report_key:reference>",
    permission=Permission.REPORT_READ_OWN,
    tag=TAG,
    parameters=REFERENCE,
    response=ReporterReportSchema,
    errors=("NotFound",),
)
def show(call: Call, reference: str) -> Report:
    """One report of the caller's organisation"""
    return own_report(call.session, call.user, reference, to_file=False)


# --- after submission ------------------------------------------------------------------------


@json_route(
    reports_api,
    "/<report_key:reference>/revisions",
    method="POST",
    permission=Permission.REPORT_FILE,
    tag=TAG,
    parameters=REFERENCE,
    body=AmendmentSchema,
    check=_check_amendment,
    response=ReporterReportSchema,
    status=201,
    location=True,
    errors=("NotFound",),
)
def amend(call: Call, reference: str) -> Answer:
    """Amend a submitted report: its full new content and the reason"""
    report = own_report(call.session, call.user, reference, to_file=True)
    amendment = call.read()
    services.amend(call.session, call.caller, report, amendment.content, reason=amendment.reason)
    return _located(report)


@json_route(
    reports_api,
    "/<report_key:reference>/follow-ups",
    method="POST",
    permission=Permission.REPORT_FILE,
    tag=TAG,
    parameters=REFERENCE,
    body=FollowUpSchema,
    check=_check_follow_up,
    response=ApiReceiptSchema,
    status=201,
    location=True,
    errors=("NotFound",),
)
def follow_up(call: Call, reference: str) -> Answer:
    """File the next report of the series (intermediate or final)"""
    report = own_report(call.session, call.user, reference, to_file=True)
    loaded = call.read()
    created = services.file_follow_up(
        call.session, call.caller, report, loaded.content, stage=loaded.stage
    )
    return _located(created)


@json_route(
    reports_api,
    "/<report_key:reference>/withdraw",
    method="POST",
    permission=Permission.REPORT_FILE,
    tag=TAG,
    parameters=REFERENCE,
    body=WithdrawalSchema,
    response=ReporterReportSchema,
    errors=("NotFound",),
)
def withdraw(call: Call, reference: str) -> Report:
    """Withdraw a submitted report, with the reason"""
    report = own_report(call.session, call.user, reference, to_file=True)
    loaded = call.read()
    services.withdraw(call.session, call.caller, report, reason=loaded["reason"])
    return report
