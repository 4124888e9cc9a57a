"""The OpenAPI 3 description of the API, generated from the operations the routes declare
(:mod:`.routing`) and their marshmallow schemas, and the Swagger UI that renders it, served
from our own origin (CSP ``script-src 'self'``)."""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, abort, render_template, send_from_directory
from marshmallow import Schema

# The modules that declare operations: imported so the document knows them all.
import taxonomy
from incidents.api import (  # noqa: F401 - each declares operations the document lists
    contract,
    incidents,
    publications,
    reconsider,
    reports,
    views,
)
from incidents.api.idempotency import KEY_HEADER, KEY_PATTERN
from incidents.api.routing import OPERATIONS, Operation
from incidents.classification import api  # noqa: F401
from incidents.exchange import api as exchange_api  # noqa: F401
from incidents.extensions import db_session
from incidents.public.schemas import contract_rules as public_rules
from incidents.public.services import public_dimensions
from incidents.registry.schemas import contract_rules as registry_rules
from incidents.reports.schemas import ApiReceiptSchema, NewReportSchema, ReporterReportSchema
from incidents.reports.schemas import contract_rules as report_rules
from incidents.reports.services import recipient_institutes
from incidents.schemas import ErrorSchema, ValidationErrorSchema
from incidents.searching import api as search_api  # noqa: F401
from incidents.security.decorators import public
from incidents.sources import api as sources_api  # noqa: F401
from incidents.sources.schemas import contract_rules as source_rules

api_docs = Blueprint("api_docs", __name__)

# The files of the swagger-ui-bundle distribution the docs page loads; nothing else is served.
SWAGGER_UI_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})

_ERRORS = {
    "BadRequest": ("400", "The body is not JSON, or a header is malformed.", "Error"),
    "Unauthorized": ("401", "No valid API token was sent.", "Error"),
    "Forbidden": ("403", "The caller's role may not do this.", "Error"),
    "NotFound": ("404", "No such object, or one the caller may not see.", "Error"),
    "Conflict": (
        "409",
        "The object's state does not allow this or changed meanwhile (nothing was saved), or "
        "the Idempotency-Key was used for another request.",
        "Error",
    ),
    "TooLarge": ("413", "The body is too large.", "Error"),
    "UnsupportedMediaType": ("415", "The body is not declared application/json.", "Error"),
    "Invalid": ("422", "Every problem with the input, by field path.", "ValidationError"),
    "TooManyRequests": (
        "429",
        "Too many requests from this API token (from this address, without one): reads and "
        "writes are limited apart. Wait the `Retry-After` seconds.",
        "Error",
    ),
}
#: Headers of an error response, by error name.
_ERROR_HEADERS = {
    "TooManyRequests": {
        "Retry-After": {
            "description": "Seconds to wait before the next request is accepted.",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    }
}
_WRITE_ERRORS: tuple[str, ...] = ("BadRequest", "Unauthorized", "Forbidden", "Conflict", "TooLarge")
_WRITE_ERRORS += ("UnsupportedMediaType", "Invalid")
_TAGS = {
    "account": "The caller's own account.",
    "reports": "Filing and following up the caller's organisation's reports (reporters).",
    "incidents": "Incidents: reading and curating them (analysts and editors).",
    "triage": "The dedup engine's candidates and the analysts' decisions on them.",
    "taxonomy": "The shared incident taxonomy, for other tools to import.",
    "public": "Published, redacted incident summaries: no token needed.",
    "requests": "Requests for information: institutes ask the filing organisation about a report.",
    "notifications": "The caller's notifications (what it was told, newest first).",
    "search": "Full-text search with facets over what the caller may read.",
    "sources": "Public coverage (news, public databases) imported as public-source reports.",
}


def _json(schema: str | type[Schema], **extra: Any) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema, **extra}}}


def _responses(operation: Operation) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": operation.summary}
    if operation.response is not None:
        answer.update(_json(operation.response))
    if operation.location:
        answer["headers"] = {
            "Location": {"description": "The new object's URL.", "schema": {"type": "string"}}
        }
    names: tuple[str, ...] = () if operation.permission is None else ("Unauthorized", "Forbidden")
    if operation.is_write:
        names = _WRITE_ERRORS
    elif operation.query is not None:
        names += ("Invalid",)
    names += (*operation.errors, "TooManyRequests")
    return {
        str(operation.status): answer,
        **operation.responses,
        **{_ERRORS[name][0]: name for name in names},
    }


def _operation(operation: Operation) -> dict[str, Any]:
    described: dict[str, Any] = {"summary": operation.summary, "tags": [operation.tag]}
    if operation.description:
        described["description"] = operation.description
    if operation.permission is None:
        described["security"] = []
    if operation.query is not None:
        described["parameters"] = [{"in": "query", "schema": operation.query}]
    if operation.is_write:
        described["parameters"] = ["IdempotencyKey"]
    if operation.body is not None:
        shown = operation.example() if callable(operation.example) else operation.example
        example = {"example": shown} if shown else {}
        described["requestBody"] = {"required": True, **_json(operation.body, **example)}
    described["responses"] = _responses(operation)
    return described


def _path_parameters(operation: Operation) -> list[dict[str, Any]]:
    return [
        {
            "in": "path",
            "name": name,
            "required": True,
            "description": parameter.description,
            "schema": {"type": "string", "pattern": parameter.pattern},
        }
        for name, parameter in operation.parameters.items()
    ]


def openapi_document(recipients: Sequence[str] = ()) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, generated from the declared operations, as
    tight as the server: what it calls valid is accepted. ``recipients`` are the names of
    the institutes a report may name today (the document is built once per list and day:
    its examples are dated relative to today)."""
    return copy.deepcopy(_document(tuple(recipients), datetime.now(UTC).date()))


@functools.lru_cache(maxsize=8)
def _document(recipients: tuple[str, ...], today: date) -> dict[str, Any]:
    spec = APISpec(
        title="AI Incident Exchange API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "File confidential, structured AI incident reports; read, triage "
            "and curate incidents. Authenticate with an API token: `Authorization: Bearer "
            "<token>`. Send `Idempotency-Key` on writes so a retry never files twice."
        },
        security=[{"bearerAuth": []}],
        tags=[{"name": name, "description": text} for name, text in _TAGS.items()],
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
            "body returns the first response and changes nothing; the same key with another "
            "body is refused with 409.",
            "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
        },
    )
    public = frozenset(dimension.id for dimension in public_dimensions())
    for name, described in contract.classification_components(public).items():
        components.schema(name, described)
    for name, (_, description, schema_name) in _ERRORS.items():
        headers = {"headers": _ERROR_HEADERS[name]} if name in _ERROR_HEADERS else {}
        components.response(name, {"description": description, **headers, **_json(schema_name)})
    by_path: dict[str, list[Operation]] = {}
    for operation in OPERATIONS:
        by_path.setdefault(operation.path, []).append(operation)
    for path, operations in by_path.items():
        spec.path(
            path=path,
            parameters=_path_parameters(operations[0]),
            operations={each.method: _operation(each) for each in operations},
        )
    document = spec.to_dict()
    stages = contract.CLASSIFICATION
    contract.apply_rules(document, report_rules(recipients, taxonomy.load().version, stages))
    contract.apply_rules(document, registry_rules(stages))
    contract.apply_rules(document, public_rules(contract.PUBLIC_CLASSIFICATION))
    contract.apply_rules(document, source_rules())
    contract.storable_text(document)
    return document


@api_docs.get("/api/v1/openapi.json")
@public
def openapi_json() -> dict[str, Any]:
    """The OpenAPI document (public: it describes the API, not its data; the institutes a
    report may be addressed to are the network's members, named on the report form too)."""
    names = [institute.name for institute in recipient_institutes(db_session())]
    return openapi_document(names)


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
