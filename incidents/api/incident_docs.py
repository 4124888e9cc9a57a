"""The OpenAPI paths of the analysts' registry API (``incidents.api.incidents``).

Added to the document built in ``incidents.api.openapi``, whose shared components (the
``Error`` and ``ValidationError`` schemas, the common error responses and the
``IdempotencyKey`` header) they refer to by name.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from marshmallow import Schema, fields

from incidents.api.incident_schemas import (
    INCIDENT_PATTERN,
    REPORT_PATTERN,
    CurationSchema,
    IncidentListQuerySchema,
    IncidentSchema,
    IncidentSummarySchema,
    MergeSchema,
    PageQuerySchema,
    PlacementSchema,
    SplitSchema,
    TriageDecisionSchema,
    TriageItemSchema,
    UnlinkSchema,
    UnmergeSchema,
)


class NavigationSchema(Schema):
    """The links of a page of results (the reports API calls the same shape PageLinks)."""

    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(required=True, allow_none=True)
    next = fields.String(required=True, allow_none=True)


class _Page(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Nested(NavigationSchema, required=True)


class IncidentPageSchema(_Page):
    incidents = fields.List(fields.Nested(IncidentSummarySchema), required=True)


class TriagePageSchema(_Page):
    candidates = fields.List(fields.Nested(TriageItemSchema), required=True)


class MergedSchema(Schema):
    """301: the incident was merged; ``Location`` is the incident that absorbed it."""

    error = fields.String(required=True)
    merged_into = fields.String(required=True)


def _path_reference(name: str, description: str, pattern: str) -> dict[str, Any]:
    return {
        "in": "path",
        "name": name,
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }


_INCIDENT = _path_reference(
    "incident", "The incident's reference (INC-YYYY-NNNNN).", INCIDENT_PATTERN
)
_REPORT = _path_reference("reference", "The report's reference (RPT-YYYY-NNNNN).", REPORT_PATTERN)
_NOT_FOUND = {
    "description": "No such incident or report, or one the caller may not see.",
    "content": {"application/json": {"schema": "Error"}},
}
_CONFLICT = {
    "description": "The incident or candidate changed meanwhile (a stale version, a decided "
    "candidate, a merged incident), or the Idempotency-Key was used for another request. "
    "Nothing was saved.",
    "content": {"application/json": {"schema": "Error"}},
}


def _json(schema: str | type[Schema]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _read(summary: str, status: str, response: type[Schema], **extra: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        **extra,
        "responses": {
            status: {"description": summary, **_json(response)},
            "401": "Unauthorized",
            "403": "Forbidden",
            "404": _NOT_FOUND,
            "422": "Invalid",
        },
    }


def _write(
    summary: str, request: type[Schema], status: str, response: type[Schema]
) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": summary, **_json(response)}
    if status == "201":
        answer["headers"] = {
            "Location": {"description": "The new incident's URL.", "schema": {"type": "string"}}
        }
    return {
        "summary": summary,
        "parameters": ["IdempotencyKey"],
        "requestBody": {"required": True, **_json(request)},
        "responses": {
            status: answer,
            "400": "BadRequest",
            "401": "Unauthorized",
            "403": "Forbidden",
            "404": _NOT_FOUND,
            "409": _CONFLICT,
            "413": {"description": "The body is too large.", **_json("Error")},
            "415": "UnsupportedMediaType",
            "422": "Invalid",
        },
    }


def add_incident_paths(spec: APISpec) -> None:
    """Describe the registry API's operations in ``spec``."""
    show = _read("An incident as the caller sees it", "200", IncidentSchema)
    show["responses"]["301"] = {
        "description": "The incident was merged into another one: Location is its URL.",
        "headers": {"Location": {"description": "The URL.", "schema": {"type": "string"}}},
        **_json(MergedSchema),
    }
    del show["responses"]["422"]
    spec.path(path="/api/v1/incidents/{incident}", parameters=[_INCIDENT], operations={"get": show})
    index = _read(
        "The incidents the caller may see, newest first",
        "200",
        IncidentPageSchema,
        parameters=[{"in": "query", "schema": IncidentListQuerySchema}],
    )
    del index["responses"]["404"]
    spec.path(path="/api/v1/incidents", operations={"get": index})
    candidates = _read("A report's incidents and its candidates", "200", PlacementSchema)
    del candidates["responses"]["422"]
    spec.path(
        path="/api/v1/reports/{reference}/candidates",
        parameters=[_REPORT],
        operations={"get": candidates},
    )
    queue = _read(
        "The triage queue: pending candidates, best score and most severe first",
        "200",
        TriagePageSchema,
        parameters=[{"in": "query", "schema": PageQuerySchema}],
    )
    del queue["responses"]["404"]
    spec.path(path="/api/v1/triage", operations={"get": queue})
    _write_paths(spec)


def _write_paths(spec: APISpec) -> None:
    spec.path(
        path="/api/v1/reports/{reference}/triage",
        parameters=[_REPORT],
        operations={
            "post": _write(
                "Decide on a report's candidates: confirm, reject, link, new_incident",
                TriageDecisionSchema,
                "200",
                PlacementSchema,
            )
        },
    )
    for action, summary, request, status, response in (
        ("curation", "Curate: title, status, classification", CurationSchema, "200", None),
        ("merge", "Merge this incident into another", MergeSchema, "200", None),
        ("unmerge", "Undo the merge of this incident", UnmergeSchema, "200", None),
        ("split", "Move reports to a new incident", SplitSchema, "201", None),
        ("unlink", "Remove a report from the incident", UnlinkSchema, "200", PlacementSchema),
    ):
        spec.path(
            path=f"/api/v1/incidents/{{incident}}/{action}",
            parameters=[_INCIDENT],
            operations={"post": _write(summary, request, status, response or IncidentSchema)},
        )
