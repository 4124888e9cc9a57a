"""``/api/v1/reports``: file, list, read, amend, follow up and withdraw reports as JSON.

Every write accepts an ``Idempotency-Key`` (see ``idempotency``). Bad input answers 422 with
every problem at once, keyed by the path of the field in the request body. A report the
caller may not see answers 404, exactly like a missing one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, Conflict, RequestEntityTooLarge

from incidents.accounts.authentication import require_user
from incidents.accounts.models import User
from incidents.api.idempotency import Reply, run_once
from incidents.db import utcnow
from incidents.errors import ValidationFailed
from incidents.extensions import db_session
from incidents.reports import services
from incidents.reports.batch import file_reports
from incidents.reports.body import (
    Checker,
    body_paths,
    content_problems,
    load_body,
    new_report_checker,
    partial_content,
    reject_constant,
)
from incidents.reports.content import Problems, ReportContent, ReportInvalid
from incidents.reports.models import Report, ReportStage, ReportState, Tlp
from incidents.reports.queries import (
    ReportFilters,
    draft_id,
    organization_reports,
    report_for,
    report_key,
)
from incidents.reports.schemas import (
    AmendmentSchema,
    DeadlineSchema,
    FollowUpSchema,
    NewReport,
    NewReportSchema,
    ReceiptSchema,
    ReporterReportSchema,
    WithdrawalSchema,
)
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import Permission
from incidents.security.policy import can_file_for

reports_api = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")

MAX_BATCH = 500
REPORT_KEY_PATTERN = r"^(RPT-[0-9]{4}-[0-9]{5,}|draft-(?P<id>[0-9]{1,10}))$"
REPORT_KEY = re.compile(REPORT_KEY_PATTERN)
MAX_ID = 2**31 - 1  # report ids are 32-bit integers
MAX_PER_PAGE = 100


class ApiReceiptSchema(ReceiptSchema):
    """The receipt, with the draft's key (``draft-<id>``) while it has no reference."""

    reference = fields.String(allow_none=True)
    draft_id = fields.Function(draft_id)


class ReportSummarySchema(Schema):
    """One row of the organisation's report list."""

    reference = fields.String(allow_none=True)
    draft_id = fields.Function(draft_id)
    state = fields.String()
    stage = fields.String()
    tlp = fields.String()
    title = fields.String()
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    content_hash = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))


class ReportListQuerySchema(Schema):
    """The query parameters of ``GET /api/v1/reports``."""

    class Meta:
        unknown = RAISE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    state = fields.String(validate=validate.OneOf([state.value for state in ReportState]))
    stage = fields.String(validate=validate.OneOf([stage.value for stage in ReportStage]))
    tlp = fields.String(validate=validate.OneOf([tlp.value for tlp in Tlp]))
    deadline = fields.String(
        validate=validate.OneOf(["overdue", "due_soon"]),
        metadata={"description": "Binding deadlines already passed, or due within 3 days."},
    )
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Words in the title, or part of the reference."},
    )


class BatchSchema(Schema):
    """``POST /api/v1/reports/batch``: not refused as a whole for a bad item; each item is
    checked as a NewReport on its own."""

    class Meta:
        unknown = RAISE

    reports = fields.List(
        fields.Raw(metadata={"description": "A NewReport body (see POST /api/v1/reports)."}),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


# --- reading the request -------------------------------------------------------------------


def json_body() -> Any:
    """The request body parsed as JSON; 415 when it is not declared JSON, 400 when it is not."""
    if request.mimetype != "application/json":
        abort(415, description="Send the body as JSON with 'Content-Type: application/json'.")
    try:
        body = json.loads(request.get_data(cache=True), parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(description=f"The body is not valid JSON: {error}") from None
    if _has_nul(body):
        raise BadRequest(description="The body contains a NUL character (\\u0000).")
    return body


def _has_nul(value: Any) -> bool:
    """Whether a NUL character is in any string or key: no database stores it in text."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any("\x00" in key or _has_nul(item) for key, item in value.items())
    return False


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


def load(schema: Schema, body: Any, check: Checker | None = None) -> Any:
    """``body`` loaded by ``schema``; 422 with every problem at once (see ``load_body``)."""
    try:
        return load_body(schema, body, check)
    except ReportInvalid as invalid:
        raise ValidationFailed(invalid.problems) from None


def _new_report_checker(known: KnownRecipients) -> Checker:
    return new_report_checker(lambda: known.names)


# --- acting --------------------------------------------------------------------------------


def _location(report: Report) -> dict[str, str]:
    return {"Location": url_for("reports_api.show", reference=report_key(report))}


def _create(session: Session, new: NewReport) -> Report:
    caller = current_caller()
    if new.state is ReportState.DRAFT:
        return services.save_draft(session, caller, new.content)
    return services.file_report(session, caller, new.content)


def _acting(work: Callable[[], Reply]) -> Callable[[], Reply]:
    """``work`` with the services' refusals turned into 422 and 409 answers."""

    def run() -> Reply:
        try:
            return work()
        except ReportInvalid as invalid:
            raise ValidationFailed(body_paths(invalid.problems)) from None
        except services.ReportStateError as error:
            raise Conflict(description=str(error)) from None
        except StaleDataError:
            raise Conflict(description="The report changed meanwhile; read it and retry.") from None

    return run


def _own_report(reference: str, user: User, *, to_file: bool) -> Report:
    """The report ``reference`` of the caller's own organisation, or 404."""
    # Only well-formed keys reach the database: an id beyond its integer range or a NUL
    # character would be a database error, not a missing report.
    match = REPORT_KEY.fullmatch(reference)
    if match is None or int(match.group("id") or 0) > MAX_ID:
        abort(404, description="There is no report with this reference.")
    report = report_for(db_session(), user, reference)
    if report is None or report.organization_id != user.organization_id:
        # Analysts of other institutes will get their own view here; until then, 404.
        abort(404, description="There is no report with this reference.")
    if to_file and not can_file_for(user, report):
        abort(404, description="There is no report with this reference.")
    return report


# --- endpoints -----------------------------------------------------------------------------


@reports_api.post("")
@require(Permission.REPORT_FILE)
def create() -> Response:
    """File a report (or keep it as a draft); 201 with its receipt and a Location."""
    user = require_user()
    session = db_session()
    body = json_body()

    def work() -> Reply:
        known = KnownRecipients(session)
        new = load(NewReportSchema(), body, _new_report_checker(known))
        report = _create(session, new)
        return Reply(201, ApiReceiptSchema().dump(report), _location(report))

    return run_once(session, user.id, body, _acting(work))


@reports_api.post("/batch")
@require(Permission.REPORT_FILE)
def create_batch() -> Response:
    """File up to 500 reports; each succeeds or fails on its own, all in one commit."""
    user = require_user()
    session = db_session()
    body = json_body()
    _check_batch_size(body)
    items: list[Any] = load(BatchSchema(), body)["reports"]

    def work() -> Reply:
        check = _new_report_checker(KnownRecipients(session))
        schema, receipt = NewReportSchema(), ApiReceiptSchema()
        results: list[dict[str, Any]] = [{} for _ in items]
        to_file: list[tuple[int, ReportContent]] = []
        for index, item in enumerate(items):
            try:
                new = load(schema, item, check)
            except ValidationFailed as failed:
                results[index] = _refused(index, failed.details)
                continue
            if new.state is ReportState.DRAFT:  # rare in a batch: kept one by one
                results[index] = _batch_draft(session, index, new, receipt)
            else:
                to_file.append((index, new.content))
        # The submitted ones are checked one by one and written together: one flush.
        outcomes = file_reports(session, current_caller(), [c for _, c in to_file])
        for (index, _content), outcome in zip(to_file, outcomes, strict=True):
            if isinstance(outcome, ReportInvalid):
                results[index] = _refused(index, body_paths(outcome.problems))
            else:
                results[index] = _filed(index, outcome, receipt)
        return Reply(200, {"results": results})

    return run_once(session, user.id, body, work)


class BatchTooLarge(RequestEntityTooLarge):
    def __init__(self, count: int) -> None:
        message = f"Send at most {MAX_BATCH} reports per batch; this one has {count}."
        super().__init__(description=message)
        self.details = {"reports": [message]}


def _check_batch_size(body: Any) -> None:
    reports = body.get("reports") if isinstance(body, dict) else None
    if isinstance(reports, list) and len(reports) > MAX_BATCH:
        raise BatchTooLarge(len(reports))


def _batch_draft(session: Session, index: int, new: NewReport, receipt: Schema) -> dict[str, Any]:
    try:
        with session.begin_nested():
            report = _create(session, new)
    except ReportInvalid as invalid:
        return _refused(index, body_paths(invalid.problems))
    return _filed(index, report, receipt)


def _refused(index: int, details: Any) -> dict[str, Any]:
    return {"index": index, "status": 422, "details": details}


def _filed(index: int, report: Report, receipt: Schema) -> dict[str, Any]:
    return {
        "index": index,
        "status": 201,
        "reference": report.reference,
        "receipt": receipt.dump(report),
    }


@reports_api.get("")
@require(Permission.REPORT_READ_OWN)
def index() -> dict[str, Any]:
    """The caller's organisation's reports, newest first, filtered and paginated."""
    user = require_user()
    query = load(ReportListQuerySchema(), request.args.to_dict())
    filters = ReportFilters(
        state=ReportState(query["state"]) if "state" in query else None,
        stage=ReportStage(query["stage"]) if "stage" in query else None,
        tlp=Tlp(query["tlp"]) if "tlp" in query else None,
        deadline=query.get("deadline"),
        text=query.get("q", "").strip(),
    )
    page, per_page = query["page"], query["per_page"]
    rows, total = organization_reports(
        db_session(), user.organization_id, filters, now=utcnow(), page=page, per_page=per_page
    )
    pages = max(1, -(-total // per_page))
    return {
        "reports": ReportSummarySchema(many=True).dump(rows),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": _page_links(query, page, pages),
    }


def _page_links(query: dict[str, Any], page: int, pages: int) -> dict[str, str | None]:
    def link(number: int) -> str:
        return url_for("reports_api.index", **{**query, "page": number})

    return {
        "self": link(page),
        "first": link(1),
        "last": link(pages),
        "prev": link(page - 1) if 1 < page <= pages + 1 else None,
        "next": link(page + 1) if page < pages else None,
    }


@reports_api.get("/<reference>")
@require(Permission.REPORT_READ_OWN)
def show(reference: str) -> dict[str, Any]:
    """One report of the caller's organisation (``RPT-…`` or ``draft-<id>``)."""
    report = _own_report(reference, require_user(), to_file=False)
    result: dict[str, Any] = ReporterReportSchema().dump(report)
    return result


@reports_api.post("/<reference>/revisions")
@require(Permission.REPORT_FILE)
def amend(reference: str) -> Response:
    """Amend a submitted report: its full new content and the reason; 201 with the report."""
    user = require_user()
    session = db_session()
    body = json_body()

    def work() -> Reply:
        report = _own_report(reference, user, to_file=True)
        known = KnownRecipients(session)

        def check(valid: Mapping[str, Any]) -> Problems:
            return content_problems(
                partial_content(valid),
                stage=report.stage.value,
                complete=True,
                known_recipients=known.names,
                version=report.taxonomy_version,
            )

        amendment = load(AmendmentSchema(), body, check)
        services.amend(
            session, current_caller(), report, amendment.content, reason=amendment.reason
        )
        return Reply(201, ReporterReportSchema().dump(report), _location(report))

    return run_once(session, user.id, body, _acting(work))


@reports_api.post("/<reference>/follow-ups")
@require(Permission.REPORT_FILE)
def follow_up(reference: str) -> Response:
    """File the next report of the series (intermediate or final); 201 with its receipt."""
    user = require_user()
    session = db_session()
    body = json_body()

    def work() -> Reply:
        report = _own_report(reference, user, to_file=True)
        known = KnownRecipients(session)

        def check(valid: Mapping[str, Any]) -> Problems:
            stage = valid.get("stage", ReportStage.FINAL.value)
            return content_problems(
                partial_content(valid), stage=stage, complete=True, known_recipients=known.names
            )

        loaded = load(FollowUpSchema(), body, check)
        created = services.file_follow_up(
            session, current_caller(), report, loaded.content, stage=loaded.stage
        )
        return Reply(201, ApiReceiptSchema().dump(created), _location(created))

    return run_once(session, user.id, body, _acting(work))


@reports_api.post("/<reference>/withdraw")
@require(Permission.REPORT_FILE)
def withdraw(reference: str) -> Response:
    """Withdraw a submitted report, with the reason; 200 with the report."""
    user = require_user()
    session = db_session()
    body = json_body()

    def work() -> Reply:
        report = _own_report(reference, user, to_file=True)
        loaded = load(WithdrawalSchema(), body)
        services.withdraw(session, current_caller(), report, reason=loaded["reason"])
        return Reply(200, ReporterReportSchema().dump(report))

    return run_once(session, user.id, body, _acting(work))
