"""The contract both engines keep: for the same documents and queries, the same hits, totals,
facet counts, orders, pages and groups as the plain-Python reference matcher."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from incidents.search import (
    Drift,
    PublicDocument,
    parse,
    public_tier,
    publish,
    rebuild_public,
    search_public,
    unpublish,
    verify_public,
)
from incidents.search.backend import Backend, Lookup, SearchTimedOut
from incidents.search.documents import Document
from incidents.search.request import SearchRequest, Sort
from tests.integration.search import reference
from tests.integration.search.corpus import KEYS, corpus

QUERIES = (
    "",
    "model",
    "chatbot advice",
    "unsafe OR fraud",
    '"power grid"',
    '"the model" failure',
    "trans*",
    "transl*",
    "model -chatbot",
    "model NOT (chatbot OR vehicle)",
    "(bank OR loan) AND (credit OR bias)",
    "sector:health",
    "MODEL Chatbot",
    "nothingmatchesthis",
    '"crash market" OR "outage power" -the',
    "report:1",
)
SCOPES = (
    frozenset(KEYS),
    frozenset({"network"}),
    frozenset({"org:1"}),
    frozenset({"to:10", "desk:10"}),
    frozenset({"nobody"}),
)
FACETS = ("sector", "stage", "harm_type")


@pytest.fixture
def docs() -> list[Document]:
    return corpus()


def _all(backend: Backend, query: str, keys: frozenset[str], **options: Any) -> list[str]:
    found = backend.lookup(Lookup(root=parse(query).root, keys=keys, limit=1000, **options))
    return [hit.id for hit in found.hits]


def _nonzero(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {facet: {k: v for k, v in values.items() if v} for facet, values in counts.items()}


@pytest.mark.parametrize("query", QUERIES)
def test_hits_totals_and_facets_match_the_reference(backend, docs, query):
    backend.rebuild(docs)
    for keys in SCOPES:
        expected = reference.selected(docs, parse(query).root, keys)
        found = backend.lookup(Lookup(root=parse(query).root, keys=keys, limit=1000, facets=FACETS))
        assert found.total == len(expected), (query, keys)
        assert sorted(hit.id for hit in found.hits) == sorted(doc.id for doc in expected)
        assert _nonzero(found.facets) == reference.facet_counts(expected, FACETS)


def test_facet_filters_and_dates_match_the_reference(backend, docs):
    backend.rebuild(docs)
    filters = {"sector": ("health", "finance"), "harm_type": ("psychological",)}
    cases: list[dict[str, Any]] = [
        {"filters": filters},
        {"date_from": date(2025, 3, 1), "date_to": date(2025, 12, 31)},
        {"filters": {"stage": ("final",)}, "date_from": date(2026, 1, 1)},
    ]
    for options in cases:
        for query in ("", "model", "trans* -the"):
            expected = reference.selected(
                docs,
                parse(query).root,
                frozenset(KEYS),
                **options,
            )
            assert sorted(_all(backend, query, frozenset(KEYS), **options)) == sorted(
                doc.id for doc in expected
            )


@pytest.mark.parametrize("sort", [Sort.NEWEST, Sort.OLDEST, Sort.SEVERITY])
def test_sorted_results_follow_the_sort(backend, docs, sort):
    backend.rebuild(docs)
    by_id = {doc.id: doc for doc in docs}
    ids = _all(backend, "model OR chatbot", frozenset(KEYS), sort=sort)
    keys: dict[Sort, Callable[[Document], Any]] = {
        Sort.NEWEST: lambda doc: -doc.submitted_epoch,
        Sort.OLDEST: lambda doc: doc.submitted_epoch,
        Sort.SEVERITY: lambda doc: (-doc.severity, -doc.submitted_epoch),
    }
    found = [keys[sort](by_id[each]) for each in ids]
    assert found == sorted(found)
    assert len(ids) == len(
        reference.selected(docs, parse("model OR chatbot").root, frozenset(KEYS))
    )


@pytest.mark.parametrize("sort", [Sort.RELEVANCE, Sort.NEWEST])
def test_pages_add_up_to_the_whole_list_without_repeats(backend, docs, sort):
    backend.rebuild(docs)
    root = parse("model OR the").root
    whole = backend.lookup(Lookup(root=root, keys=frozenset(KEYS), sort=sort, limit=1000))
    paged: list[str] = []
    for offset in range(0, whole.total, 7):
        page = backend.lookup(
            Lookup(root=root, keys=frozenset(KEYS), sort=sort, offset=offset, limit=7)
        )
        assert page.total == whole.total
        paged.extend(hit.id for hit in page.hits)
    assert paged == [hit.id for hit in whole.hits]


def test_relevance_puts_documents_repeating_the_word_first(backend, docs):
    heavy = Document(
        **{**docs[0].__dict__, "id": "report:9999", "subject_id": 9999, "body": "zebra " * 30}
    )
    light = Document(
        **{**docs[1].__dict__, "id": "report:9998", "subject_id": 9998, "body": "zebra and more"}
    )
    backend.rebuild([*docs, light, heavy])
    keys = heavy.access | light.access
    assert _all(backend, "zebra", keys) == ["report:9999", "report:9998"]


def test_grouping_by_incident_matches_the_reference(backend, docs):
    backend.rebuild(docs)
    root = parse("model OR chatbot").root
    expected = reference.selected(docs, root, frozenset(KEYS))
    sizes: dict[str, int] = {}
    for doc in expected:
        key = doc.incident or doc.id
        sizes[key] = sizes.get(key, 0) + 1
    found = backend.lookup(Lookup(root=root, keys=frozenset(KEYS), group=True, limit=1000))
    assert found.total == len(sizes)
    assert {(hit.incident or hit.id): hit.group_size for hit in found.hits} == sizes


def test_changes_show_at_once_and_digests_follow(backend, docs):
    backend.rebuild(docs[:50])
    changed = Document(**{**docs[0].__dict__, "body": "brandnewword", "digest": "changed"})
    backend.add([changed, docs[60]], remove=[docs[1].id])
    assert _all(backend, "brandnewword", frozenset(KEYS)) == [docs[0].id]
    digests = backend.digests()
    assert docs[1].id not in digests
    assert digests[docs[0].id] == "changed"
    assert docs[60].id in digests
    assert len(digests) == 50
    texts = [doc for doc in docs[:50] if doc.kind == "incident"]
    backend.add([], clear_incidents=[doc.incident for doc in texts])
    assert not [each for each in backend.digests() if each.startswith("incident:")]


def test_a_spent_time_budget_stops_the_search(backend, docs):
    backend.rebuild(docs)
    with pytest.raises(SearchTimedOut):
        backend.lookup(
            Lookup(root=parse("model").root, keys=frozenset(KEYS), deadline=time.monotonic() - 1)
        )


def test_the_public_tier_holds_only_what_was_published(public_backend):
    summaries = [
        PublicDocument(
            public_reference=f"AIX-2026-{number:04d}",
            title=f"Chatbot gave unsafe advice {number}",
            summary="A published, redacted summary about a chatbot and a patient.",
            classification={"event_class": "ai_incident", "sector": "health"},
            month="2026-0" + str(number),
            countries=("DE",),
        )
        for number in (1, 2, 3)
    ]
    publish(public_backend, summaries)
    request = SearchRequest(query=parse("chatbot patient"), facets=public_tier().facets)
    result = search_public(public_backend, request)
    assert result.total == 3
    assert result.facets["countries"] == {"DE": 3}
    assert all(any(match for _, match in hit.snippet) for hit in result.hits)
    unpublish(public_backend, ["AIX-2026-0002"])
    result = search_public(public_backend, request)
    assert sorted(hit.reference for hit in result.hits) == ["AIX-2026-0001", "AIX-2026-0003"]
    assert search_public(public_backend, SearchRequest(query=parse("chatbt"))).suggestion == (
        "chatbot"
    )


def test_the_public_tier_is_rebuilt_and_verified_through_the_facade(public_backend):
    summaries = [
        PublicDocument(
            public_reference=f"AIX-2026-{number:04d}",
            title=f"Vehicle misread a sign {number}",
            summary="A published, redacted summary about an automated vehicle.",
            classification={"event_class": "ai_incident", "sector": "transport"},
            month="2026-01",
            countries=("FR",),
        )
        for number in (1, 2, 3)
    ]
    assert rebuild_public(public_backend, summaries) == 3
    assert verify_public(public_backend, summaries) == []
    corrected = replace(summaries[0], title="Vehicle misread a speed sign")
    withdrawn, kept = summaries[1], summaries[2]
    new = replace(kept, public_reference="AIX-2026-0004")
    assert verify_public(public_backend, [corrected, kept, new]) == [
        Drift("public:AIX-2026-0001", "stale"),
        Drift(f"public:{withdrawn.public_reference}", "extra"),
        Drift("public:AIX-2026-0004", "missing"),
    ]
    assert rebuild_public(public_backend, [corrected, kept, new]) == 3
    assert verify_public(public_backend, [corrected, kept, new]) == []
    found = search_public(public_backend, SearchRequest(query=parse("speed sign")))
    assert [hit.reference for hit in found.hits] == ["AIX-2026-0001"]
