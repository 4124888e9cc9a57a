"""The search facade: the rest of the application searches and indexes through these names
and never knows which engine answers (Whoosh, embedded; or PostgreSQL full-text search).

Only this package imports an engine. Two tiers, structurally apart: the analyst tier (reports
and incident texts, each carrying its access keys) and the public tier (published summaries
only, in its own index or table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from incidents.paging import MAX_OFFSET
from incidents.search.backend import Backend, Lookup, Match, Matches, SearchTimedOut
from incidents.search.documents import (
    Document,
    PublicDocument,
    incident_note_document,
    report_document,
)
from incidents.search.query import Query, QueryRefused, Refusal, parse, tokens
from incidents.search.request import (
    SearchInvalid,
    SearchRequest,
    Sort,
    Tier,
    analyst_tier,
    public_tier,
    request_from_args,
)
from incidents.search.results import Hit, SearchResult, Subject
from incidents.search.service import (
    Drift,
    Indexed,
    NoteSource,
    index_subjects,
    publish,
    rebuild,
    rebuild_public,
    search,
    search_public,
    unpublish,
    verify,
    verify_public,
)

BACKENDS = ("whoosh", "postgres")


class BackendUnavailable(ValueError):
    """The configured engine cannot run here (e.g. PostgreSQL search on SQLite)."""


@dataclass(frozen=True)
class SearchEngines:
    analyst: Backend
    public: Backend


def open_engines(backend: str, instance_path: Path, engine: sa.Engine) -> SearchEngines:
    """The analyst and public engines of the configured ``backend``: ``whoosh`` (indexes in
    ``instance/search`` and ``instance/search-public``) or ``postgres`` (tables in the
    database, PostgreSQL only). Raises BackendUnavailable otherwise."""
    if backend == "whoosh":
        from incidents.search.whoosh_engine import WhooshBackend

        return SearchEngines(
            analyst=WhooshBackend(instance_path / "search"),
            public=WhooshBackend(instance_path / "search-public"),
        )
    if backend == "postgres":
        if engine.dialect.name != "postgresql":
            raise BackendUnavailable("the postgres search backend needs a PostgreSQL database")
        from incidents.search.postgres_engine import PostgresBackend

        return SearchEngines(
            analyst=PostgresBackend(engine, public=False),
            public=PostgresBackend(engine, public=True),
        )
    raise BackendUnavailable(f"unknown search backend {backend!r}: use {' or '.join(BACKENDS)}")


__all__ = [
    "BACKENDS",
    "MAX_OFFSET",
    "Backend",
    "BackendUnavailable",
    "Document",
    "Drift",
    "Hit",
    "Indexed",
    "Lookup",
    "Match",
    "Matches",
    "NoteSource",
    "PublicDocument",
    "Query",
    "QueryRefused",
    "Refusal",
    "SearchEngines",
    "SearchInvalid",
    "SearchRequest",
    "SearchResult",
    "SearchTimedOut",
    "Sort",
    "Subject",
    "Tier",
    "analyst_tier",
    "incident_note_document",
    "index_subjects",
    "open_engines",
    "parse",
    "public_tier",
    "publish",
    "rebuild",
    "rebuild_public",
    "report_document",
    "request_from_args",
    "search",
    "search_public",
    "tokens",
    "unpublish",
    "verify",
    "verify_public",
]
