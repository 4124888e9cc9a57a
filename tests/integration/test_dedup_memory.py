"""A placement hands what it read to the next one, and only while it is exact."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.dedup.engine import Match, match_report, register
from incidents.dedup.facts import ReportFacts
from incidents.dedup.fingerprint import TERM, Key, fingerprint
from incidents.dedup.memory import hand_over, remembered_reads
from incidents.dedup.models import DedupFingerprint, DedupKey, DedupKeyCount
from incidents.dedup.sql_store import SqlStore
from incidents.dedup.store import CachedReads, InMemoryStore
from tests.integration.test_dedup_sql_store import Reports, _stream, _synthetic
from tests.unit.dedup.test_engine import FERRY, FILLER, OTHER, PRESS


@pytest.fixture
def read_keys(monkeypatch: pytest.MonkeyPatch) -> list[Key]:
    """Every key whose count is read from the database."""
    seen: list[Key] = []
    original = SqlStore.key_counts

    def counting(self: SqlStore, keys: Iterable[Key]) -> dict[Key, int]:
        wanted = list(keys)
        seen.extend(wanted)
        return original(self, wanted)

    monkeypatch.setattr(SqlStore, "key_counts", counting)
    return seen


def _placed(db: Session, facts: ReportFacts) -> tuple[CachedReads, Match]:
    """Match ``facts``, store it as the engine decides and hand over (not committed)."""
    store = remembered_reads(db)
    match = match_report(store, facts)
    register(store, match.fingerprint, match.incident_id or f"inc-{facts.report_id}")
    hand_over(db, store)
    return store, match


def _place(db: Session, facts: ReportFacts) -> tuple[CachedReads, Match]:
    """:func:`_placed`, committed."""
    placed = _placed(db, facts)
    db.commit()
    return placed


def _two_placed(db: Session) -> Reports:
    """Two ferry reports placed and committed: the second one's reads are remembered."""
    reports = Reports(db)
    _place(db, _facts(reports, "ferry capsized harbour"))
    _place(db, _facts(reports, "ferry capsized"))
    return reports


def _facts(reports: Reports, title: str) -> ReportFacts:
    return ReportFacts(report_id=reports.new_id(), title=title, description="")


def test_the_next_placement_starts_with_what_the_last_one_read(
    db: Session, read_keys: list[Key]
) -> None:
    reports = Reports(db)
    _place(db, _facts(reports, "ferry capsized harbour"))
    _place(db, _facts(reports, "ferry capsized harbour storm"))
    store = remembered_reads(db)
    assert store.known.counts[(TERM, "ferry")] == 2
    del read_keys[:]
    assert store.key_counts([(TERM, "ferry"), (TERM, "storm")]) == {
        (TERM, "ferry"): 2,
        (TERM, "storm"): 1,
    }
    assert read_keys == []  # both remembered, the second one counted by its own placement


def test_a_rolled_back_placement_hands_nothing_over(db: Session) -> None:
    reports = _two_placed(db)
    _placed(db, _facts(reports, "ferry storm"))
    db.rollback()
    after = remembered_reads(db)
    assert after.known.counts  # what the second placement handed over is still exact
    assert after.key_counts([(TERM, "ferry"), (TERM, "storm")]) == {(TERM, "ferry"): 2}


def test_another_writer_makes_the_next_placement_read_afresh(
    db: Session, read_keys: list[Key]
) -> None:
    reports = _two_placed(db)
    SqlStore(db).add(fingerprint(_facts(reports, "ferry storm")), "inc-other")  # e.g. a refresh
    db.commit()
    store = remembered_reads(db)
    assert store.known.counts == {}
    del read_keys[:]
    assert store.key_counts([(TERM, "ferry")]) == {(TERM, "ferry"): 3}
    assert read_keys == [(TERM, "ferry")]


def test_a_store_made_again_starts_at_another_generation(db: Session) -> None:
    reports = _two_placed(db)
    old = SqlStore(db).generation()
    assert old is not None
    for table in (DedupKey, DedupKeyCount, DedupFingerprint):  # as `flask dedup rebuild` does
        db.execute(sa.delete(table))
    _place(db, _facts(reports, "ferry storm"))
    _place(db, _facts(reports, "ferry capsized"))
    new = SqlStore(db).generation()
    assert new is not None
    assert abs(new - old) > 1_000  # a random start: the old memory is never taken for it
    store = remembered_reads(db)
    assert store.key_counts([(TERM, "ferry"), (TERM, "harbour")]) == {(TERM, "ferry"): 2}


def test_remembered_placements_decide_as_a_store_read_afresh(db: Session) -> None:
    reports = Reports(db)
    synthetic = [facts for _, facts in _synthetic().labelled(20, seed=7)]
    stream = [
        dataclasses.replace(facts, report_id=reports.new_id())
        for facts in (*FILLER, *synthetic, FERRY, PRESS, OTHER)
    ]
    remembered, began_from_memory = [], 0
    for facts in stream:
        store, match = _place(db, facts)
        began_from_memory += bool(store.known.counts)
        remembered.append(
            (facts.report_id, match.decision, [(c.incident_id, c.score) for c in match.candidates])
        )
    assert began_from_memory == len(stream) - 2  # the first two: an empty store, a new one
    expected = [
        (report_id, decision, [(c[0], c[2]) for c in candidates])
        for report_id, decision, candidates in _stream(InMemoryStore(), stream)
    ]
    assert [(r, d, [i for i, _ in cs]) for r, d, cs in remembered] == [
        (r, d, [i for i, _ in cs]) for r, d, cs in expected
    ]
    for (_, _, got), (_, _, want) in zip(remembered, expected, strict=True):
        assert [score for _, score in got] == pytest.approx([score for _, score in want])


def test_two_placements_in_one_transaction_hand_nothing_over(db: Session) -> None:
    reports = _two_placed(db)
    for title in ("ferry storm", "ferry fog"):
        _placed(db, _facts(reports, title))
    db.commit()
    after = remembered_reads(db)
    assert after.known.counts == {}
    assert after.key_counts([(TERM, "ferry")]) == {(TERM, "ferry"): 4}
