"""The SQL candidate store behaves as the in-memory one, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.dedup.engine import match_report, register
from incidents.dedup.facts import ReportFacts
from incidents.dedup.fingerprint import TERM, URL, Fingerprint, fingerprint
from incidents.dedup.models import DedupFingerprint, DedupKey, DedupKeyCount
from incidents.dedup.scoring import Decision
from incidents.dedup.sql_store import CHUNK, SqlStore
from incidents.dedup.store import CachedReads, CandidateStore, InMemoryStore
from incidents.reports.models import Report, ReportSeries, ReportStage, ReportState, Tlp
from tests import factories
from tests.unit.dedup.test_engine import FERRY, FILLER, OTHER, PRESS

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", BENCH / "synthetic.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Reports:
    """Makes minimal submitted report rows, for the foreign key of the dedup tables."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.author: User = factories.UserFactory()
        organization: Organization = self.author.organization
        self.series = ReportSeries(organization_id=organization.id)
        db.add(self.series)
        db.flush()

    def new_id(self) -> str:
        report = Report(
            organization_id=self.author.organization_id,
            author_id=self.author.id,
            series_id=self.series.id,
            stage=ReportStage.INITIAL,
            state=ReportState.SUBMITTED,
            tlp=Tlp.GREEN,
            taxonomy_version="1.0.0",
        )
        self.db.add(report)
        self.db.flush()
        return str(report.id)


@dataclasses.dataclass
class Subject:
    """A store under test and a source of report ids it accepts."""

    store: CandidateStore
    new_id: Callable[[], str]

    def fill(self, *texts: str) -> list[str]:
        ids = []
        for i, text in enumerate(texts):
            report_id = self.new_id()
            facts = ReportFacts(report_id=report_id, title=text, description="")
            self.store.add(fingerprint(facts), f"i{i}")
            ids.append(report_id)
        return ids


@pytest.fixture(params=["memory", "sql", "cached"])
def subject(request: pytest.FixtureRequest, db: Session) -> Iterator[Subject]:
    if request.param == "memory":
        numbers = iter(range(1, 1_000_000))
        yield Subject(InMemoryStore(), lambda: str(next(numbers)))
    elif request.param == "cached":  # the placement's reads through a cache
        yield Subject(CachedReads(SqlStore(db)), Reports(db).new_id)
    else:
        yield Subject(SqlStore(db), Reports(db).new_id)


def test_empty_store(subject: Subject) -> None:
    store = subject.store
    assert store.report_count() == 0
    assert store.key_counts([(TERM, "alpha")]) == {}
    assert store.reports_matching([(TERM, "alpha")], limit=5) == []
    assert store.reports_matching([], limit=5) == []
    assert store.features(["1", "x"]) == {}
    assert store.incident_ids(["1"]) == {}


def test_add_twice_is_refused(subject: Subject) -> None:
    (r0,) = subject.fill("alpha beta")
    again = fingerprint(ReportFacts(report_id=r0, title="x", description=""))
    with pytest.raises(ValueError, match="already stored"):
        subject.store.add(again, "i9")
    assert subject.store.report_count() == 1
    assert subject.store.key_counts([(TERM, "alpha"), (TERM, "x")]) == {(TERM, "alpha"): 1}


def test_key_counts_are_document_frequencies(subject: Subject) -> None:
    subject.fill("alpha beta", "alpha alpha gamma")
    store = subject.store
    assert store.report_count() == 2
    counts = store.key_counts([(TERM, "alpha"), (TERM, "gamma"), (TERM, "zeta"), (TERM, "alpha")])
    assert counts == {(TERM, "alpha"): 2, (TERM, "gamma"): 1}


def test_reports_matching_ranks_by_matched_keys(subject: Subject) -> None:
    r0, r1, _ = subject.fill("alpha beta", "alpha beta gamma", "delta")
    keys = [(TERM, "alpha"), (TERM, "beta"), (TERM, "gamma"), (TERM, "gamma")]
    assert subject.store.reports_matching(keys, limit=5) == [(r1, 3), (r0, 2)]
    assert subject.store.reports_matching(keys, limit=1) == [(r1, 3)]


def test_reports_matching_mixes_kinds(subject: Subject) -> None:
    report_id = subject.new_id()
    facts = ReportFacts(
        report_id=report_id,
        title="alpha",
        description="",
        references=("https://news.example/story",),
    )
    subject.store.add(fingerprint(facts), "i0")
    keys = [(URL, "news.example/story"), (TERM, "alpha"), (TERM, "nothing")]
    assert subject.store.reports_matching(keys, limit=5) == [(report_id, 2)]


def test_long_keys_are_found(subject: Subject) -> None:
    url = "https://news.example/" + "x" * 400
    report_id = subject.new_id()
    facts = ReportFacts(report_id=report_id, title="alpha", description="", references=(url,))
    fp = fingerprint(facts)
    subject.store.add(fp, "i0")
    (long_key,) = [k for k in fp.keys if k[0] == URL]
    assert len(long_key[1]) > 255
    assert subject.store.key_counts([long_key]) == {long_key: 1}
    assert subject.store.reports_matching([long_key], limit=5) == [(report_id, 1)]


def test_long_probes_are_chunked(subject: Subject) -> None:
    r0, r1 = subject.fill("alpha beta", "beta gamma")
    keys = [(TERM, f"t{i}") for i in range(CHUNK + 50)] + [(TERM, "beta"), (TERM, "gamma")]
    assert subject.store.reports_matching(keys, limit=5) == [(r1, 2), (r0, 1)]
    assert subject.store.key_counts(keys) == {(TERM, "beta"): 2, (TERM, "gamma"): 1}


def test_lookups_return_what_was_stored(subject: Subject) -> None:
    report_id = subject.new_id()
    fp = fingerprint(dataclasses.replace(FERRY, report_id=report_id))
    subject.store.add(fp, "inc-1")
    assert subject.store.features([report_id, "nope", "999999"]) == {report_id: fp.features}
    assert subject.store.incident_ids([report_id, "nope"]) == {report_id: "inc-1"}
    assert subject.store.reports_matching([fp.series] if fp.series else [], limit=2) == [
        (report_id, 1)
    ]


def test_an_incidents_reports_are_listed_first_stored_first(subject: Subject) -> None:
    ids = [subject.new_id() for _ in range(3)]
    for report_id, incident in zip(ids, ("inc-a", "inc-b", "inc-a"), strict=True):
        subject.store.add(fingerprint(dataclasses.replace(FERRY, report_id=report_id)), incident)
    assert subject.store.reports_of("inc-a", limit=5) == [ids[0], ids[2]]
    assert subject.store.reports_of("inc-a", limit=1) == [ids[0]]
    assert subject.store.reports_of("inc-z", limit=5) == []


def test_cached_reads_stay_exact_when_a_report_is_added(db: Session) -> None:
    reports = Reports(db)
    store = CachedReads(SqlStore(db))
    first = reports.new_id()
    store.add(fingerprint(ReportFacts(report_id=first, title="alpha", description="")), "i0")
    keys = [(TERM, "alpha"), (TERM, "beta")]
    assert (store.report_count(), store.key_counts(keys)) == (1, {(TERM, "alpha"): 1})
    second = reports.new_id()
    store.add(fingerprint(ReportFacts(report_id=second, title="alpha beta", description="")), "i1")
    # Counted without reading again, and as the database counts them.
    assert (store.report_count(), store.key_counts(keys)) == (
        2,
        {(TERM, "alpha"): 2, (TERM, "beta"): 1},
    )
    assert store.key_counts(keys) == SqlStore(db).key_counts(keys)
    assert set(store.features([first, second, "nope"])) == {first, second}


def test_sql_store_writes_the_tables(db: Session) -> None:
    reports = Reports(db)
    store = SqlStore(db)
    stored = 0
    for title in ("alpha beta", "alpha"):
        fp = fingerprint(ReportFacts(report_id=reports.new_id(), title=title, description=""))
        store.add(fp, "i")
        stored += len(set(fp.keys))
    assert db.scalar(sa.select(sa.func.count()).select_from(DedupFingerprint)) == 2
    assert db.scalar(sa.select(sa.func.count()).select_from(DedupKey)) == stored
    alpha = db.get(DedupKeyCount, (TERM, "alpha"))
    assert alpha is not None
    assert alpha.count == 2


Outcome = tuple[str, Decision, list[tuple[str, str, float, list[tuple[str, float]]]]]


def _stream(store: CandidateStore, reports: list[ReportFacts]) -> list[Outcome]:
    """Feed reports one by one, linking on auto-link; return what each match gave."""
    outcomes: list[Outcome] = []
    for facts in reports:
        match = match_report(store, facts)
        outcomes.append(
            (
                facts.report_id,
                match.decision,
                [
                    (c.incident_id, c.report_id, c.score, [(s.name, s.value) for s in c.signals])
                    for c in match.candidates
                ],
            )
        )
        register(store, match.fingerprint, match.incident_id or f"inc-{facts.report_id}")
    return outcomes


def test_engine_gives_the_same_candidates_through_both_stores(db: Session) -> None:
    reports = Reports(db)
    synthetic = [facts for _, facts in _synthetic().labelled(20, seed=7)]
    stream = [
        dataclasses.replace(facts, report_id=reports.new_id())
        for facts in (*FILLER, *synthetic, FERRY, PRESS, OTHER)
    ]
    in_memory = _stream(InMemoryStore(), stream)
    in_sql = _stream(SqlStore(db), stream)
    assert any(candidates for _, _, candidates in in_memory)
    assert [(r, d, [c[:2] for c in cs]) for r, d, cs in in_sql] == [
        (r, d, [c[:2] for c in cs]) for r, d, cs in in_memory
    ]
    for (_, _, sql_candidates), (_, _, memory_candidates) in zip(in_sql, in_memory, strict=True):
        for (_, _, sql_score, sql_signals), (_, _, score, signals) in zip(
            sql_candidates, memory_candidates, strict=True
        ):
            assert sql_score == pytest.approx(score)
            assert [n for n, _ in sql_signals] == [n for n, _ in signals]
            assert [v for _, v in sql_signals] == pytest.approx([v for _, v in signals])


def test_a_fingerprint_survives_the_round_trip(db: Session) -> None:
    store = SqlStore(db)
    report_id = Reports(db).new_id()
    fp: Fingerprint = fingerprint(dataclasses.replace(PRESS, report_id=report_id))
    store.add(fp, "inc-9")
    db.expire_all()
    assert SqlStore(db).features([report_id]) == {report_id: fp.features}


def test_remove_forgets_a_report_and_its_counts(db: Session) -> None:
    subject = Subject(SqlStore(db), Reports(db).new_id)
    r0, r1 = subject.fill("alpha beta", "alpha gamma")
    store = SqlStore(db)
    assert store.remove(r0) == "i0"
    assert store.remove(r0) is None
    assert store.report_count() == 1
    counts = store.key_counts([(TERM, "alpha"), (TERM, "beta"), (TERM, "gamma")])
    assert counts == {(TERM, "alpha"): 1, (TERM, "beta"): 0, (TERM, "gamma"): 1}
    assert store.reports_matching([(TERM, "alpha"), (TERM, "beta")], limit=5) == [(r1, 1)]
    assert store.incident_ids([r0, r1]) == {r1: "i1"}
