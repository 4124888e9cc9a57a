"""``GET /api/v1/search`` (what the caller may read) and ``GET /api/v1/public/search`` (the
published records): the search page's parameters, answered as the facade's result.

A refused query answers 422 with ``{"q": [why]}``, a bad parameter with the parameter's
name and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, request

from incidents import search
from incidents.api.routing import Call, json_route, public_route
from incidents.extensions import db_session
from incidents.refusals import Forbidden
from incidents.searching.engines import engines_of, refused_as_invalid, timeout
from incidents.searching.indexing import requeue
from incidents.searching.schemas import (
    AnalystSearchQuerySchema,
    PublicSearchQuerySchema,
    SearchResultSchema,
)
from incidents.searching.views import may_search
from incidents.security.permissions import Permission

search_api = Blueprint("search_api", __name__, url_prefix="/api/v1")


def _arguments() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


@json_route(
    search_api,
    "/search",
    permission=Permission.ACCOUNT_READ,
    tag="search",
    query=AnalystSearchQuerySchema,
    response=SearchResultSchema,
    errors=("Forbidden",),
)
def search_reports(call: Call) -> dict[str, Any]:
    """Search the reports and incidents you may read
    Analysts search every report and incident their institute may read; reporters their own
    organisation's reports. Facets count only what the caller may read. At most 10,000
    results can be paged through.
    """
    if not may_search(call.user):
        raise Forbidden("Searching needs an analyst's or a reporter's rights.")
    backend, user, session = engines_of().analyst, call.user, call.session
    args = _arguments()
    with refused_as_invalid():
        query = search.request_from_args(args, search.analyst_tier(user))
        result = search.search(session, backend, user, query, timeout=timeout())
    if result.stale:
        requeue(session, result.stale)
        session.commit()
    return result.as_dict()


@public_route(
    search_api,
    "/public/search",
    tag="public",
    query=PublicSearchQuerySchema,
    response=SearchResultSchema,
)
def search_published(_query: Mapping[str, Any]) -> dict[str, Any]:
    """Search the published incident records
    Only the published, redacted public records are searched; no report or analyst text is
    in this index.
    """
    db_session()  # the public tier needs no database, but the request keeps one like others
    args = _arguments()
    with refused_as_invalid():
        query = search.request_from_args(args, search.public_tier())
        result = search.search_public(engines_of().public, query, timeout=timeout())
    return result.as_dict()
