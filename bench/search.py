"""Search benchmark: index build, one-report indexing and query latency at N reports, with
SQLite FTS5 on the same corpus and queries as the reference point.

Seeds N submitted reports (``report_data``: realistic texts, taxonomy values, TLP labels and
recipients among four institutes, filed by four companies) with bulk SQL, then builds the
analyst index through the application's own path (``incidents.search.rebuild``: documents
read from the database with their access keys), indexes new reports one at a time
(``index_subjects``), and times, as an analyst of one institute (its access filter applied):
1-3 word queries, phrases, queries with two facet filters, queries with every facet's counts,
and hostile queries (refused, or stopped by the time budget).

    .venv/bin/python bench/search.py --n 10000 --backend whoosh
    .venv/bin/python bench/search.py --n 100000 --backend postgres --json

The postgres backend uses a fresh database ``search_bench`` on the local server unless
``--database-url`` names one (which is dropped and created afresh).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_data
from submit import SECRET_KEY, prepare_database

from incidents import create_app
from incidents.accounts import services as account_services
from incidents.accounts.models import User
from incidents.reports.models import Report, ReportSeries
from incidents.search import (
    QueryRefused,
    Subject,
    analyst_tier,
    index_subjects,
    open_engines,
    parse,
    rebuild,
)
from incidents.search.backend import Backend, Lookup, SearchTimedOut
from incidents.search.documents import Document
from incidents.search.service import expected_documents
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from incidents.security.scope import scope_of

INSTITUTES = tuple(f"Bench Institute {name} (bench)" for name in ("North", "South", "East", "West"))
COMPANIES = tuple(f"Bench Company {number} (bench)" for number in range(1, 5))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/search_bench"
QUERIES = 200
NEW_REPORTS = 40
PASSES = 2
TIMEOUT = 1.0


@dataclass
class Network:
    institutes: dict[str, int]
    companies: list[int]
    analyst_id: int
    reporter_id: int


def create_network(app: Any) -> Network:
    """Four network institutes, four companies, an analyst and a reporter, via the services."""
    database = app.extensions["incidents"].database
    hasher = app.extensions["incidents"].hasher
    caller = Caller.command_line()
    with app.app_context(), database.session_factory() as session:
        institutes = {
            name: account_services.create_organization(
                session, caller, name=name, kind=OrganizationKind.INSTITUTE, is_network_member=True
            )
            for name in INSTITUTES
        }
        companies = [
            account_services.create_organization(
                session, caller, name=name, kind=OrganizationKind.COMPANY
            )
            for name in COMPANIES
        ]
        users = [
            account_services.create_user(
                session,
                caller,
                hasher,
                email=f"bench-{role.value}@bench.example",
                organization=organization,
                role=role,
                password="bench password long enough",  # noqa: S106 - a throwaway database
                seed=True,
            )
            for role, organization in (
                (Role.ANALYST, institutes[INSTITUTES[0]]),
                (Role.REPORTER, companies[0]),
            )
        ]
        session.commit()
        return Network(
            {name: org.id for name, org in institutes.items()},
            [company.id for company in companies],
            users[0].id,
            users[1].id,
        )


def seed(app: Any, network: Network, n: int) -> float:
    engine = app.extensions["incidents"].database.engine
    started = time.perf_counter()

    def progress(done: int) -> None:
        rate = done / (time.perf_counter() - started)
        print(f"\r  seeded {done:,}/{n:,} reports ({rate:,.0f}/s)", end="", file=sys.stderr)

    report_data.seed_reports(
        engine,
        n=n,
        organization_id=network.companies[0],
        author_id=network.reporter_id,
        institutes=network.institutes,
        progress=progress,
    )
    print(file=sys.stderr)
    # Spread the reports over the four companies (one filer per report stays realistic).
    with engine.begin() as connection:
        for number, company in enumerate(network.companies[1:], start=1):
            connection.execute(
                sa.update(Report)
                .where(sa.text(f"reports.id % {len(network.companies)} = {number}"))
                .values(organization_id=company)
            )
    return time.perf_counter() - started


def directory_size(path: Path) -> int:
    return sum(each.stat().st_size for each in path.rglob("*") if each.is_file())


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(run: Callable[[], object], items: int) -> tuple[float, float]:
    """Median over passes of each pass's p50 and p95, in milliseconds (one warm-up pass)."""
    del items
    passes: list[list[float]] = []
    for number in range(PASSES + 1):
        durations = run()
        assert isinstance(durations, list)
        if number:
            passes.append(durations)
    return (
        statistics.median(percentile(each, 0.5) for each in passes),
        statistics.median(percentile(each, 0.95) for each in passes),
    )


# -- workload -------------------------------------------------------------------------------


@dataclass
class Workload:
    words: list[str]
    phrases: list[tuple[str, str]]
    filters: list[dict[str, tuple[str, ...]]]


def workload(docs: Sequence[Document], seed: int = 3) -> Workload:
    """300 seeded 1-3 word queries (half common, the rest mid-frequency and rare words),
    two-word phrases taken from the texts, and two facet filters per query."""
    rng = random.Random(seed)
    frequency: dict[str, int] = {}
    sample = docs[:: max(1, len(docs) // 5000)]
    for doc in sample:
        for word in set(doc.words()):
            if len(word) > 2 and not word.isdigit() and word != "|":
                frequency[word] = frequency.get(word, 0) + 1
    ranked = sorted(frequency, key=lambda word: (-frequency[word], word))
    common, middle, rare = ranked[:150], ranked[150:2000], ranked[2000:] or ranked
    words = []
    for _ in range(QUERIES):
        size = rng.randint(1, 3)
        pool = rng.choices([common, middle, rare], weights=[50, 30, 20])[0]
        words.append(" ".join(rng.choice(pool) for _ in range(size)))
    phrases = []
    for doc in rng.sample(list(sample), min(QUERIES, len(sample))):
        tokens = [word for word in doc.words() if word != "|"]
        if len(tokens) > 2:
            at = rng.randrange(len(tokens) - 1)
            phrases.append((tokens[at], tokens[at + 1]))
    filters = []
    for doc in rng.choices(list(sample), k=QUERIES):
        values = doc.facet_values()
        filters.append(
            {
                "sector": tuple(values.get("sector", ["health"])[:1]),
                "event_class": tuple(values.get("event_class", ["ai_incident"])[:1]),
            }
        )
    return Workload(words, phrases, filters)


def measure_engine(
    backend: Backend, keys: frozenset[str], load: Workload, facets: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    def run(make: Callable[[int], Lookup]) -> Callable[[], list[float]]:
        def once() -> list[float]:
            durations = []
            for number in range(QUERIES):
                lookup = make(number)
                started = time.perf_counter()
                backend.lookup(lookup)
                durations.append((time.perf_counter() - started) * 1000)
            return durations

        return once

    def root(text: str) -> Any:
        return parse(text).root

    deadline = float("inf")
    return {
        "query": timed(
            run(lambda i: Lookup(root=root(load.words[i]), keys=keys, limit=10, deadline=deadline)),
            QUERIES,
        ),
        "phrase": timed(
            run(
                lambda i: Lookup(
                    root=root('"{} {}"'.format(*load.phrases[i % len(load.phrases)])),
                    keys=keys,
                    limit=10,
                )
            ),
            QUERIES,
        ),
        "filtered": timed(
            run(
                lambda i: Lookup(
                    root=root(load.words[i]), keys=keys, limit=10, filters=load.filters[i]
                )
            ),
            QUERIES,
        ),
        "facets": timed(
            run(lambda i: Lookup(root=root(load.words[i]), keys=keys, limit=10, facets=facets)),
            QUERIES,
        ),
    }


def hostile(backend: Backend, keys: frozenset[str], common: Sequence[str]) -> dict[str, float]:
    """Milliseconds until each hostile query was refused or answered (1 s budget)."""
    cases = {
        "leading wildcard": "*tion",
        "200 words": " ".join(common[i % len(common)] for i in range(200)),
        "deep nesting": "(" * 50 + "model" + ")" * 50,
        "very common words": " OR ".join(common[:8]),
        "common prefix": "the* OR and* OR com*",
        "common phrase": '"{} {}"'.format(*common[:2]),
    }
    found = {}
    for name, text in cases.items():
        started = time.perf_counter()
        try:
            query = parse(text)
            backend.lookup(
                Lookup(
                    root=query.root,
                    keys=keys,
                    limit=10,
                    facets=("sector",),
                    deadline=time.monotonic() + TIMEOUT,
                )
            )
        except (QueryRefused, SearchTimedOut):
            pass
        found[name] = (time.perf_counter() - started) * 1000
    return found


# -- SQLite FTS5, the reference point ------------------------------------------------------


def fts5(docs: Sequence[Document], load: Workload, workdir: Path) -> dict[str, Any]:
    connection = sqlite3.connect(workdir / "fts5.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT, sector TEXT,"
        " event_class TEXT, facets TEXT)"
    )
    connection.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', content_rowid='id',"
        " tokenize='unicode61')"
    )
    connection.execute("CREATE INDEX docs_facets ON docs (sector, event_class)")
    started = time.perf_counter()
    rows = []
    for number, doc in enumerate(docs, start=1):
        values = doc.facet_values()
        rows.append(
            (
                number,
                doc.title,
                doc.body,
                (values.get("sector") or [""])[0],
                (values.get("event_class") or [""])[0],
                " ".join(sorted(doc.facets)),
            )
        )
    with connection:
        connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", rows)
        connection.execute("INSERT INTO fts (rowid, title, body) SELECT id, title, body FROM docs")
    build = len(docs) / (time.perf_counter() - started)

    def match(words: str) -> str:
        return " ".join(f'"{word}"' for word in re.findall(r"[^\W_]+", words))

    def run(sql: str, args: Callable[[int], tuple[Any, ...]]) -> Callable[[], list[float]]:
        def once() -> list[float]:
            durations = []
            for number in range(QUERIES):
                started = time.perf_counter()
                connection.execute(sql, args(number)).fetchall()
                durations.append((time.perf_counter() - started) * 1000)
            return durations

        return once

    top = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10"
    filtered = (
        "SELECT f.rowid FROM fts f JOIN docs d ON d.id = f.rowid WHERE fts MATCH ?"
        " AND d.sector = ? AND d.event_class = ? ORDER BY f.rank LIMIT 10"
    )
    facets = (
        "SELECT d.sector, count(*) FROM fts f JOIN docs d ON d.id = f.rowid"
        " WHERE fts MATCH ? GROUP BY d.sector"
    )
    figures = {
        "query": timed(run(top, lambda i: (match(load.words[i]),)), QUERIES),
        "phrase": timed(
            run(top, lambda i: ('"{} {}"'.format(*load.phrases[i % len(load.phrases)]),)),
            QUERIES,
        ),
        "filtered": timed(
            run(
                filtered,
                lambda i: (
                    match(load.words[i]),
                    load.filters[i]["sector"][0],
                    load.filters[i]["event_class"][0],
                ),
            ),
            QUERIES,
        ),
        "facets": timed(run(facets, lambda i: (match(load.words[i]),)), QUERIES),
    }
    connection.close()
    return {"build_docs_per_s": build, **figures}


# -- the run --------------------------------------------------------------------------------


def new_reports(session: Any, count: int) -> list[int]:
    """Copies of stored reports under new ids and references, committed, not yet indexed."""
    originals = session.scalars(sa.select(Report).order_by(Report.id).limit(count)).all()
    made = []
    for number, original in enumerate(originals, start=1):
        series = ReportSeries(organization_id=original.organization_id)
        copy = Report(
            reference=f"RPT-2099-{number:05d}",
            organization_id=original.organization_id,
            author_id=original.author_id,
            series=series,
            stage=original.stage,
            state=original.state,
            tlp=original.tlp,
            withhold_identity=original.withhold_identity,
            taxonomy_version=original.taxonomy_version,
            title=original.title,
            description=original.description,
            classification=dict(original.classification),
            references=[],
            occurred_on=original.occurred_on,
            submitted_at=original.submitted_at,
        )
        copy.recipients = list(original.recipients)
        session.add(copy)
        made.append(copy)
    session.commit()
    return [report.id for report in made]


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    instance = workdir / "instance"
    url = args.database_url or (DEFAULT_PG if args.backend == "postgres" else None)
    database_url = prepare_database(url, workdir)
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": SECRET_KEY,
            "AUTO_MIGRATE": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_KIB": "64",
            "SEARCH_BACKEND": args.backend,
        }
    )
    network = create_network(app)
    print(f"Seeding {args.n:,} reports …", file=sys.stderr)
    seed(app, network, args.n)
    database = app.extensions["incidents"].database
    engines = open_engines(args.backend, instance, database.engine)
    backend = engines.analyst
    figures: dict[str, Any] = {"n": args.n, "backend": args.backend}
    with app.app_context(), database.session_factory() as session:
        print("Building the index …", file=sys.stderr)
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            rate = done / (time.perf_counter() - started)
            print(f"\r  indexed {done:,}/{total:,} ({rate:,.0f}/s)", end="", file=sys.stderr)

        stored = rebuild(session, backend, progress)
        build_seconds = time.perf_counter() - started
        print(file=sys.stderr)
        figures["build_docs_per_s"] = round(stored / build_seconds, 1)
        if args.backend == "whoosh":
            figures["index_mb"] = round(directory_size(instance / "search") / 1e6, 1)
        else:
            with database.engine.connect() as connection:
                size = connection.scalar(
                    sa.text("SELECT pg_total_relation_size('search_documents')")
                )
            figures["index_mb"] = round(int(size or 0) / 1e6, 1)

        ids = new_reports(session, NEW_REPORTS)
        durations = []
        for report_id in ids:
            started = time.perf_counter()
            index_subjects(session, backend, [Subject("report", report_id)])
            durations.append((time.perf_counter() - started) * 1000)
        figures["index_one_ms_p50"] = round(percentile(durations, 0.5), 2)
        figures["index_one_ms_p95"] = round(percentile(durations, 0.95), 2)

        docs = list(expected_documents(session))
        analyst = session.get(User, network.analyst_id)
        keys = scope_of(analyst).keys
        facets = analyst_tier(analyst).facets
    load = workload(docs)
    print("Timing queries …", file=sys.stderr)
    engine_figures = measure_engine(backend, keys, load, facets)
    for name, (p50, p95) in engine_figures.items():
        prefix = "query" if name == "query" else name
        figures[f"{prefix}_p50_ms"] = round(p50, 2)
        figures[f"{prefix}_p95_ms"] = round(p95, 2)
    common = load.words[0].split()[:1] + [w for w in load.words if " " not in w][:10]
    frequent = sorted({w for d in docs[:2000] for w in d.words() if w != "|"})
    counts = dict.fromkeys(frequent, 0)
    for doc in docs[:2000]:
        for word in set(doc.words()):
            if word in counts:
                counts[word] += 1
    common = sorted(counts, key=lambda w: -counts[w])[:10] or common
    hostile_figures = hostile(backend, keys, common)
    figures["hostile_ms"] = {name: round(ms, 1) for name, ms in hostile_figures.items()}
    figures["hostile_max_ms"] = round(max(hostile_figures.values()), 1)
    print("SQLite FTS5 on the same corpus …", file=sys.stderr)
    reference = fts5(docs, load, workdir)
    figures["fts5_build_docs_per_s"] = round(reference["build_docs_per_s"], 1)
    for name in ("query", "phrase", "filtered", "facets"):
        figures[f"fts5_{name}_p50_ms"] = round(reference[name][0], 2)
        figures[f"fts5_{name}_p95_ms"] = round(reference[name][1], 2)
    for name in ("query", "filtered", "facets"):
        base = figures[f"fts5_{name}_p95_ms"] or 0.001
        figures[f"ratio_{name}_p95_vs_fts5"] = round(figures[f"{name}_p95_ms"] / base, 2)
    database.engine.dispose()
    return figures


def report(figures: dict[str, Any]) -> str:
    lines = [f"search benchmark: {figures['n']:,} reports, backend {figures['backend']}"]
    lines.append(
        f"  build {figures['build_docs_per_s']:,.0f} docs/s"
        f" (FTS5 {figures['fts5_build_docs_per_s']:,.0f}), index {figures['index_mb']} MB,"
        f" index one new report p50/p95 {figures['index_one_ms_p50']}"
        f"/{figures['index_one_ms_p95']} ms"
    )
    lines.append(f"  {'':22} {'p50 ms':>9} {'p95 ms':>9} {'FTS5 p50':>9} {'FTS5 p95':>9}")
    for name, label in (
        ("query", "1-3 word queries"),
        ("phrase", "phrases"),
        ("filtered", "+ 2 facet filters"),
        ("facets", "+ facet counts"),
    ):
        lines.append(
            f"  {label:22} {figures[f'{name}_p50_ms']:>9} {figures[f'{name}_p95_ms']:>9}"
            f" {figures[f'fts5_{name}_p50_ms']:>9} {figures[f'fts5_{name}_p95_ms']:>9}"
        )
    ratios = ", ".join(
        f"{name} {figures[f'ratio_{name}_p95_vs_fts5']}x"
        for name in ("query", "filtered", "facets")
    )
    lines.append(f"  p95 ratio to FTS5: {ratios}")
    lines.append(
        "  hostile (refused or answered): "
        + ", ".join(f"{name} {ms} ms" for name, ms in figures["hostile_ms"].items())
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="reports to seed (default 10,000)")
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--database-url", help="PostgreSQL database to recreate and use")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="aix-search-bench-"))
    try:
        figures = run(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(figures))
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
