"""The PostgreSQL engine's bounds on a query matching very many documents: a count that stops
(and says so), facet counts of the counted documents only, and pages looked for among the
newest documents first that are exactly the pages reading every match gives."""

from __future__ import annotations

from typing import Any

import pytest

from incidents.search import parse
from incidents.search import postgres_engine as engine
from incidents.search.backend import Backend, Lookup
from incidents.search.documents import Document
from incidents.search.request import Sort
from tests.integration.search import reference
from tests.integration.search.corpus import KEYS, corpus

QUERY = "model OR the OR chatbot"
FACETS = ("sector", "stage", "harm_type")


@pytest.fixture
def postgres(backend: Backend) -> Backend:
    if backend.name != "postgres":
        pytest.skip("bounds of the PostgreSQL engine")
    backend.rebuild(corpus())
    return backend


def _ids(backend: Backend, **options: Any) -> list[str]:
    found = backend.lookup(Lookup(root=parse(QUERY).root, keys=frozenset(KEYS), **options))
    return [hit.id for hit in found.hits]


def test_a_count_past_the_cap_says_at_least_and_counts_facets_of_what_it_counted(
    postgres, monkeypatch
):
    docs: list[Document] = corpus()
    expected = reference.selected(docs, parse(QUERY).root, frozenset(KEYS))
    assert len(expected) > 30
    monkeypatch.setattr(engine, "COUNT_CAP", 30)
    found = postgres.lookup(
        Lookup(root=parse(QUERY).root, keys=frozenset(KEYS), limit=10, facets=FACETS)
    )
    assert (found.total, found.total_exact) == (30, False)
    assert len(found.hits) == 10
    whole = reference.facet_counts(expected, FACETS)
    for facet, values in found.facets.items():
        for value, count in values.items():
            assert 0 < count <= whole[facet][value]  # a lower bound, never more
    # Every document has one stage: the counts are of the 30 counted documents.
    assert sum(found.facets["stage"].values()) == 30
    monkeypatch.setattr(engine, "COUNT_CAP", len(expected))
    exact = postgres.lookup(Lookup(root=parse(QUERY).root, keys=frozenset(KEYS), facets=FACETS))
    assert (exact.total, exact.total_exact) == (len(expected), True)
    assert {f: {v: c for v, c in vs.items() if c} for f, vs in exact.facets.items()} == whole


def test_a_capped_count_never_counts_a_document_the_caller_may_not_read(postgres, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    docs = corpus()
    keys = frozenset({"org:1"})
    readable = {doc.id for doc in docs if doc.access & keys}
    found = postgres.lookup(Lookup(root=parse(QUERY).root, keys=keys, limit=100, facets=FACETS))
    assert found.total <= 5
    assert {hit.id for hit in found.hits} <= readable


@pytest.mark.parametrize("sort", [Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST])
def test_pages_found_among_the_newest_first_are_the_pages_of_every_match(
    postgres, monkeypatch, sort
):
    monkeypatch.setattr(engine, "WINDOW_FROM", 1_000_000)  # never: read every match
    monkeypatch.setattr(engine, "RANK_CAP", 12)
    every = {offset: _ids(postgres, sort=sort, offset=offset, limit=7) for offset in (0, 7, 70)}
    whole = _ids(postgres, sort=sort, limit=1000)
    monkeypatch.setattr(engine, "WINDOW_FROM", 2)
    monkeypatch.setattr(engine, "WINDOW_SLACK", 0)
    monkeypatch.setattr(engine, "CAPPED_SHARE", 1.0)
    monkeypatch.setattr(engine, "COUNT_CAP", 20)  # the windows start as if everything matched
    statements: list[bool] = []
    make = engine.PostgresBackend._statement

    def recorded(self: Any, *args: Any, found: bool = False) -> Any:
        statements.append(found)
        return make(self, *args, found=found)

    monkeypatch.setattr(engine.PostgresBackend, "_statement", recorded)
    windowed = {offset: _ids(postgres, sort=sort, offset=offset, limit=7) for offset in every}
    assert windowed == every
    # Some page was answered from a window alone (no statement over every match after it).
    assert True in statements
    assert statements.count(False) < len(every)
    assert every[0]
    assert every[7]
    if sort is not Sort.RELEVANCE:
        assert whole[:7] == every[0]
