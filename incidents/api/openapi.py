"""The OpenAPI 3 description of the reports API, built from its marshmallow schemas, and the
Swagger UI that renders it, served from our own origin (CSP ``script-src 'self'``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, abort, render_template, send_from_directory
from marshmallow import Schema, fields, validate

from incidents.api.idempotency import KEY_HEADER, KEY_PATTERN
from incidents.api.incident_docs import add_incident_paths
from incidents.api.reports import (
    MAX_BATCH,
    REPORT_KEY_PATTERN,
    ApiReceiptSchema,
    BatchSchema,
    ReportListQuerySchema,
    ReportSummarySchema,
)
from incidents.api.schemas import MeSchema
from incidents.reports.schemas import (
    AmendmentSchema,
    FollowUpSchema,
    NewReportSchema,
    ReporterReportSchema,
    WithdrawalSchema,
)
from incidents.security.decorators import public

api_docs = Blueprint("api_docs", __name__)

# The files of the swagger-ui-bundle distribution the docs page loads; nothing else is served.
SWAGGER_UI_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})

# A complete initial report: a death under EU AI Act Art. 73 (binding 10-day deadline),
# shared network-wide as TLP:AMBER, so it names no recipients. docs/example-report.json
# holds the same body for the README's curl example; a test keeps both valid.
EXAMPLE_REPORT: dict[str, Any] = {
    "state": "submitted",
    "title": "Symptom checker advised rest at home; the patient died of a heart attack",
    "description": (
        "A 58-year-old user described chest pain radiating to the left arm. The symptom "
        "checker classified it as muscular strain and advised rest. The user died the same "
        "evening. Conversation logs show the escalation rule for cardiac symptoms did not fire."
    ),
    "distribution": {"tlp": "amber", "recipients": []},
    "withhold_identity": False,
    "taxonomy_version": "1.0.0",
    "classification": {
        "event_class": "serious_ai_incident",
        "confidence": "probable",
        "submitter_relation": "developer",
        "harm_materialisation": "occurred",
        "harm_type": ["physical_death"],
        "harm_deaths": 1,
        "persons_affected": "n_1",
        "affected_stakeholders": ["consumers"],
        "ai_role": ["contributing_factor"],
        "risk_domain": ["mit_7_3"],
        "occurred_on": "2026-09-02",
        "date_precision": "day",
        "aware_at": "2026-09-04T09:30:00+00:00",
        "countries": ["DE"],
        "sector": "health",
        "critical_infrastructure": "none",
        "deployment_stage": "operate_monitor",
        "deployment_status": "general_availability",
        "ai_system": {
            "name": "CareCompass symptom checker",
            "version": "3.4.1",
            "developer": "Acme Models",
            "artifact": "system",
            "access": "proprietary_hosted",
        },
        "autonomy": "medium_action",
        "response_status": "contained",
        "supporting_materials": ["log", "transcript"],
        "regulatory_regimes": ["eu_ai_act_art73"],
    },
    "references": ["https://status.example.com/incidents/carecompass-2026-09"],
}


class ErrorSchema(Schema):
    """Every error: a short title, and details (a message, or field path → messages)."""

    error = fields.String(required=True)
    details = fields.Raw(required=True)


class ValidationErrorSchema(Schema):
    """422: every problem at once, keyed by the path of the field in the request body."""

    error = fields.String(required=True)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class PageLinksSchema(Schema):
    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(required=True, allow_none=True)
    next = fields.String(required=True, allow_none=True)


class ReportPageSchema(Schema):
    reports = fields.List(fields.Nested(ReportSummarySchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Nested(PageLinksSchema, required=True)


class BatchResultSchema(Schema):
    """One item's outcome: 201 with its receipt, or 422 with its problems."""

    index = fields.Integer(required=True)
    status = fields.Integer(required=True, validate=validate.OneOf([201, 422]))
    reference = fields.String(allow_none=True)
    receipt = fields.Nested(ApiReceiptSchema)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class BatchResponseSchema(Schema):
    results = fields.List(fields.Nested(BatchResultSchema), required=True)


_ERRORS = {
    "BadRequest": ("400", "The body is not JSON, or a header is malformed.", "Error"),
    "Unauthorized": ("401", "No valid API token was sent.", "Error"),
    "Forbidden": ("403", "The caller's role may not do this.", "Error"),
    "NotFound": ("404", "No such report, or one the caller may not see.", "Error"),
    "Conflict": (
        "409",
        "The report's state does not allow this, or the Idempotency-Key was used for "
        "another request.",
        "Error",
    ),
    "TooLarge": ("413", f"The body is too large (at most {MAX_BATCH} reports).", "Error"),
    "UnsupportedMediaType": ("415", "The body is not declared application/json.", "Error"),
    "Invalid": ("422", "Every problem with the input, by field path.", "ValidationError"),
}
_LOCATION = {"Location": {"description": "The report's URL.", "schema": {"type": "string"}}}
_REFERENCE = {
    "in": "path",
    "name": "reference",
    "required": True,
    "description": "The report's reference (RPT-YYYY-NNNNN), or draft-<id> for a draft.",
    "schema": {"type": "string", "pattern": REPORT_KEY_PATTERN.replace("?P<id>", "")},
}


def _errors(*names: str) -> dict[str, str]:
    return {_ERRORS[name][0]: name for name in names}


def _json(schema: str | type[Schema], **extra: Any) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema, **extra}}}


def _write(
    summary: str,
    request: str | type[Schema],
    status: str,
    response: str | type[Schema],
    *errors: str,
    description: str = "",
    location: bool = True,
    example: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = _json(request, **({"example": example} if example else {}))
    answer: dict[str, Any] = {"description": description or summary, **_json(response)}
    if location:
        answer["headers"] = _LOCATION
    return {
        "summary": summary,
        "parameters": ["IdempotencyKey"],
        "requestBody": {"required": True, **body},
        "responses": {
            status: answer,
            **_errors("BadRequest", "Unauthorized", "Forbidden", "Conflict", "TooLarge"),
            **_errors("UnsupportedMediaType", "Invalid", *errors),
        },
    }


def _paths(spec: APISpec) -> None:
    reads = _errors("Unauthorized", "Forbidden")
    spec.path(
        path="/api/v1/me",
        operations={
            "get": {
                "summary": "The caller's user, organisation and role",
                "responses": {"200": {"description": "The caller", **_json(MeSchema)}, **reads},
            }
        },
    )
    spec.path(
        path="/api/v1/reports",
        operations={
            "get": {
                "summary": "The caller's organisation's reports, newest first",
                "parameters": [{"in": "query", "schema": ReportListQuerySchema}],
                "responses": {
                    "200": {"description": "One page of reports", **_json(ReportPageSchema)},
                    **reads,
                    **_errors("Invalid"),
                },
            },
            "post": _write(
                "File a report (or keep it as a draft with state: draft)",
                "NewReport",
                "201",
                "ApiReceipt",
                description="The receipt: reference, time, content hash and deadlines.",
                example=EXAMPLE_REPORT,
            ),
        },
    )
    spec.path(
        path="/api/v1/reports/batch",
        operations={
            "post": _write(
                f"File up to {MAX_BATCH} reports; each succeeds or fails on its own",
                BatchSchema,
                "200",
                BatchResponseSchema,
                description="One result per item, in order: 201 with a receipt, or 422.",
                location=False,
            )
        },
    )
    spec.path(
        path="/api/v1/reports/{reference}",
        parameters=[_REFERENCE],
        operations={
            "get": {
                "summary": "One report of the caller's organisation",
                "responses": {
                    "200": {"description": "The report", **_json("ReporterReport")},
                    **reads,
                    **_errors("NotFound"),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/reports/{reference}/revisions",
        parameters=[_REFERENCE],
        operations={
            "post": _write(
                "Amend a submitted report: its full new content and the reason",
                AmendmentSchema,
                "201",
                "ReporterReport",
                "NotFound",
            )
        },
    )
    spec.path(
        path="/api/v1/reports/{reference}/follow-ups",
        parameters=[_REFERENCE],
        operations={
            "post": _write(
                "File the next report of the series (intermediate or final)",
                FollowUpSchema,
                "201",
                "ApiReceipt",
                "NotFound",
            )
        },
    )
    spec.path(
        path="/api/v1/reports/{reference}/withdraw",
        parameters=[_REFERENCE],
        operations={
            "post": _write(
                "Withdraw a submitted report, with the reason",
                WithdrawalSchema,
                "200",
                "ReporterReport",
                "NotFound",
                location=False,
            )
        },
    )


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document of the API (built once)."""
    spec = APISpec(
        title="AI Incident Exchange API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "File confidential, structured AI incident reports. Authenticate "
            "with an API token: `Authorization: Bearer <token>`. Send `Idempotency-Key` on "
            "writes so a retry never files twice."
        },
        security=[{"bearerAuth": []}],
    )
    components = spec.components
    components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for name, schema in (
        ("Error", ErrorSchema),
        ("ValidationError", ValidationErrorSchema),
        ("NewReport", NewReportSchema),
        ("ApiReceipt", ApiReceiptSchema),
        ("ReporterReport", ReporterReportSchema),
    ):
        components.schema(name, schema=schema)
    components.parameter(
        "IdempotencyKey",
        "header",
        {
            "name": KEY_HEADER,
            "required": False,
            "description": "Any unique string (e.g. a UUID). A retry with the same key and "
            "body returns the first response and files nothing; the same key with another "
            "body is refused with 409.",
            "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
        },
    )
    for name, (_, description, schema_name) in _ERRORS.items():
        components.response(name, {"description": description, **_json(schema_name)})
    _paths(spec)
    add_incident_paths(spec)
    return spec.to_dict()


@api_docs.get("/api/v1/openapi.json")
@public
def openapi_json() -> dict[str, Any]:
    """The OpenAPI document (public: it describes the API, not its data)."""
    return openapi_document()


@api_docs.get("/api/docs")
@public
def docs() -> str:
    """Swagger UI for the API."""
    return render_template("api/docs.html")


@api_docs.get("/api/docs/assets/<filename>")
@public
def docs_asset(filename: str) -> Response:
    """A file of the Swagger UI distribution, from our own origin."""
    if filename not in SWAGGER_UI_FILES:
        abort(404)
    return send_from_directory(_swagger_ui_path(), filename, max_age=86400)


def _swagger_ui_path() -> Path:
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    return Path(str(swagger_ui_path))
