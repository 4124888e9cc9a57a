"""The search API's shapes: the query parameters (one repeatable parameter per facet) and
the answer (:meth:`incidents.search.SearchResult.as_dict`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import Schema, fields, validate

from incidents import search
from incidents.paging import MAX_PAGE, MAX_PER_PAGE
from incidents.schemas import Strict

SORTS = ("relevance", "newest", "oldest", "severity")
#: Longest query typed (the facade refuses longer ones with a message).
MAX_QUERY = 500


def query_schema(name: str, facets: Iterable[str], *, group: bool) -> type[Schema]:
    """The query parameters of a search: ``q``, the dates, sort, paging and each facet."""
    shape: dict[str, fields.Field[Any]] = {
        "q": fields.String(
            validate=validate.Length(max=MAX_QUERY),
            metadata={"description": 'Words, "phrases", AND / OR / NOT, -word, prefix* (≥ 3).'},
        ),
        "sort": fields.String(validate=validate.OneOf(SORTS)),
        "page": fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE)),
        "per_page": fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE)),
        "from": fields.Date(metadata={"description": "On or after this day (YYYY-MM-DD)."}),
        "to": fields.Date(metadata={"description": "On or before this day (YYYY-MM-DD)."}),
    }
    if group:
        shape["group"] = fields.String(
            validate=validate.OneOf(["incident"]),
            metadata={"description": "`incident`: one hit per incident, with its report count."},
        )
    for facet in facets:
        shape[facet] = fields.List(
            fields.String(validate=validate.Length(min=1, max=64)),
            validate=validate.Length(max=20),
            metadata={"description": f"Only hits with this {facet} (repeat for any of several)."},
        )
    return Strict.from_dict(shape, name=name)


AnalystSearchQuerySchema = query_schema(
    "AnalystSearchQuerySchema",
    # A reporter's facets, and the organisation that filed (for analysts only).
    dict.fromkeys([*search.analyst_tier(None).facets, "organization"]),
    group=True,
)
PublicSearchQuerySchema = query_schema(
    "PublicSearchQuerySchema", search.public_tier().facets, group=False
)


class SnippetPartSchema(Schema):
    text = fields.String(required=True)
    match = fields.Boolean(required=True, metadata={"description": "A word the query matched."})


class SearchHitSchema(Schema):
    reference = fields.String(
        required=True, metadata={"description": "RPT-…, INC-… (or PUB-… in the public tier)."}
    )
    kind = fields.String(required=True)
    title = fields.String(required=True)
    snippet = fields.List(fields.Nested(SnippetPartSchema), required=True)
    incident = fields.String(allow_none=True)
    submitted_at = fields.String(allow_none=True)
    distribution = fields.String(allow_none=True)
    reports = fields.Integer(
        metadata={"description": "With group=incident: the incident's matching documents."}
    )


class SearchResultSchema(Schema):
    total = fields.Integer(
        required=True,
        metadata={"description": "How many hits; with total_exact false, at least this many."},
    )
    total_exact = fields.Boolean(
        required=True,
        metadata={
            "description": "False when counting stopped early (a query matching very many "
            "documents): total and the facet counts are then lower bounds (at least that "
            "many), and pages go on past total."
        },
    )
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    hits = fields.List(fields.Nested(SearchHitSchema), required=True)
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        required=True,
        metadata={
            "description": "Counts by facet and value, over what the caller may read (with "
            "total_exact false: over the documents counted, at least that many)."
        },
    )
    suggestion = fields.String(allow_none=True, metadata={"description": "Did you mean …?"})
    timed_out = fields.Boolean(
        metadata={"description": "The search ran out of its time budget: results may be partial."}
    )
