"""``/api/v1/sources``: import public coverage as public-source reports (analysts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from incidents.api.routing import Call, json_route
from incidents.sources import formats
from incidents.sources.schemas import SourceImportResultSchema, SourceImportSchema
from incidents.sources.services import IMPORT_PERMISSION, ImportResult, import_sources

sources_api = Blueprint("sources_api", __name__, url_prefix="/api/v1/sources")

EXAMPLE = {
    "items": [
        {
            "title": "Warehouse robot injures worker in Leeds",
            "text": "A picking robot struck a worker during a night shift.",
            "url": "https://news.example/2025/03/robot-injures-worker",
            "outlet": "news.example",
            "published_on": "2025-03-10",
            "countries": ["GB"],
        }
    ]
}


@json_route(
    sources_api,
    "",
    method="POST",
    permission=IMPORT_PERMISSION,
    tag="sources",
    body=SourceImportSchema,
    response=SourceImportResultSchema,
    example=EXAMPLE,
)
def import_items(call: Call) -> ImportResult:
    """Import public coverage as public-source reports
    News items or a public database's entries, as JSON items or a file's text (jsonl, csv,
    or an AI Incident Database snapshot's incidents.csv and reports.csv). Each item is
    imported on its own: the result names each one's report, says when it was already
    imported (the same URL or AIID report number), or gives its problems by line and field.
    Every analyst may read what is imported; it never counts as a company's report.
    """
    body: dict[str, Any] = call.read()
    kind = body.get("format")
    if kind is None:
        entries = formats.read_items(body["items"])
    elif kind == "aiid":
        entries = formats.read_aiid(body["incidents"], body["reports"])
    elif kind == "csv":
        entries = formats.read_csv(body["content"])
    else:
        entries = formats.read_jsonl(body["content"].splitlines())
    return import_sources(call.session, call.caller, entries, origin=f"api:{kind or 'items'}")
