import pytest

from incidents.dedup.facts import ReportFacts
from incidents.dedup.fingerprint import TERM, fingerprint
from incidents.dedup.store import InMemoryStore


def store_with(*texts: str) -> InMemoryStore:
    store = InMemoryStore()
    for i, text in enumerate(texts):
        store.add(fingerprint(ReportFacts(report_id=f"r{i}", title=text, description="")), f"i{i}")
    return store


def test_add_twice_is_refused() -> None:
    store = store_with("alpha beta")
    with pytest.raises(ValueError, match="already stored"):
        store.add(fingerprint(ReportFacts(report_id="r0", title="x", description="")), "i9")


def test_key_counts_are_document_frequencies() -> None:
    store = store_with("alpha beta", "alpha alpha gamma")
    assert store.report_count() == 2
    counts = store.key_counts([(TERM, "alpha"), (TERM, "gamma"), (TERM, "zeta")])
    assert counts == {(TERM, "alpha"): 2, (TERM, "gamma"): 1}


def test_reports_matching_ranks_by_matched_keys() -> None:
    store = store_with("alpha beta", "alpha beta gamma", "delta")
    keys = [(TERM, "alpha"), (TERM, "beta"), (TERM, "gamma"), (TERM, "gamma")]
    assert store.reports_matching(keys, limit=5) == [("r1", 3), ("r0", 2)]
    assert store.reports_matching(keys, limit=1) == [("r1", 3)]


def test_lookups_leave_unknown_ids_out() -> None:
    store = store_with("alpha")
    assert set(store.features(["r0", "nope"])) == {"r0"}
    assert store.incident_ids(["r0", "nope"]) == {"r0": "i0"}
    assert store.incident_map() == {"r0": "i0"}
