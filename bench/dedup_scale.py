"""Time lookup + scoring of one new report against N stored synthetic reports.

Usage::

    python bench/dedup_scale.py [--n 100000] [--queries 200] [--seed 0]
    python bench/dedup_scale.py --store sql [--database-url URL] [--reset]

``--store memory`` (default) uses the in-memory store. ``--store sql`` uses the SQL store on
``--database-url`` (default: a new SQLite file in a temporary folder; a PostgreSQL URL works
too). The database must be empty — ``--reset`` drops PostgreSQL's ``public`` schema first —
and gets the schema from the migrations; the N synthetic fingerprints are bulk-inserted
(executemany), then each query runs in its own transaction, as a request would.

``--reconsider gated`` also times the reconsideration after each placement
(``incidents.dedup.reconsider``) under the placement's own gates, taking every stored link as
automatic (the worst case): when the best candidate reaches auto-link grade, the direct match
with each of the next ``MAX_BRIDGES`` in the review band or above; and a recheck of up to
``MAX_RECHECKS`` other candidates in the review band or above against their incident and the
best one (``reconsider_ms_*``, ``with_reconsider_*``; ``reconsidered_share``: the share of
placements that did any of it). ``--reconsider always`` makes every check whatever the scores
(an upper bound). Lookup and reconsideration share one :class:`CachedReads` per query, as in
the placement.

Prints JSON: the store size, load rate, per-report latency percentiles of lookup + scoring
(``find_candidates`` on a fingerprint; ``total`` adds fingerprinting the new report), and the
brute-force figure — scoring the new report against every stored report — measured on a
random sample of stored reports and extrapolated to N (labelled as such), with its ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import dedup_data
import sqlalchemy as sa
import synthetic
from sqlalchemy.orm import Session

from incidents.db import Base, create_engine, is_sqlite, utcnow
from incidents.dedup import evaluation
from incidents.dedup.engine import find_candidates, pair_signals
from incidents.dedup.facts import ReportFacts
from incidents.dedup.fingerprint import Fingerprint, features_to_json, fingerprint
from incidents.dedup.models import REPORT_COUNT_KEY
from incidents.dedup.reconsider import MAX_BRIDGES, direct_signals, recheck
from incidents.dedup.scoring import Thresholds
from incidents.dedup.sql_store import SqlStore, stored_key
from incidents.dedup.store import CachedReads, CandidateStore, InMemoryStore
from incidents.migrate import upgrade
from incidents.placement.reconsider import MAX_RECHECKS

_T = TypeVar("_T")

#: Reports fingerprinted and inserted per batch in the SQL load.
LOAD_BATCH = 5_000
#: Stored reports the brute-force figure is measured on (then extrapolated to N).
BRUTE_SAMPLE = 2_000
#: New reports the brute-force figure is averaged over.
BRUTE_QUERIES = 5


def _batches(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fresh_database(engine: sa.Engine, reset: bool) -> None:
    if reset and not is_sqlite(engine.url):
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    if sa.inspect(engine).get_table_names():
        raise SystemExit(f"{engine.url!r} is not empty (use --reset on PostgreSQL)")
    upgrade(engine)


def _table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


def _owner_ids(connection: sa.Connection) -> dict[str, int]:
    """Insert the organisation, user and series every synthetic report belongs to."""
    now = utcnow()
    org = connection.execute(
        _table("organizations").insert().returning(_table("organizations").c.id),
        {"name": "Bench Org", "kind": "company", "created_at": now},
    ).scalar_one()
    user = connection.execute(
        _table("users").insert().returning(_table("users").c.id),
        {
            "email": "bench@example.org",
            "organization_id": org,
            "role": "reporter",
            "password_hash": "-",
            "session_nonce": "-",
            "created_at": now,
        },
    ).scalar_one()
    series = connection.execute(
        _table("report_series").insert().returning(_table("report_series").c.id),
        {"organization_id": org, "created_at": now},
    ).scalar_one()
    return {"organization_id": org, "author_id": user, "series_id": series}


def load_sql(engine: sa.Engine, reports: Sequence[tuple[str, ReportFacts]]) -> tuple[float, float]:
    """Bulk-insert the reports' rows and fingerprints; return (fingerprint s, insert s)."""
    counts: Counter[tuple[str, str]] = Counter()
    fingerprint_s = insert_s = 0.0
    with engine.begin() as connection:
        owner = _owner_ids(connection)
    number = 0
    for batch in _batches(reports, LOAD_BATCH):
        started = time.perf_counter()
        fps: list[tuple[int, str, Fingerprint]] = []
        for event, facts in batch:
            number += 1
            fp = fingerprint(facts)
            fps.append((number, f"bg:{event}", fp))
        fingerprint_s += time.perf_counter() - started
        started = time.perf_counter()
        now = utcnow()
        report_rows = [
            {
                "id": n,
                **owner,
                "stage": "initial",
                "state": "submitted",
                "tlp": "green",
                "withhold_identity": False,
                "taxonomy_version": "1.0.0",
                "title": "",
                "description": "",
                "classification": {},
                "references": [],
                "created_at": now,
                "updated_at": now,
                "lock_version": 1,
            }
            for n, _, _ in fps
        ]
        fingerprint_rows = [
            {
                "report_id": n,
                "incident_ref": incident,
                "features": features_to_json(fp.features),
                "created_at": now,
            }
            for n, incident, fp in fps
        ]
        key_rows = []
        for n, _, fp in fps:
            keys = {stored_key(k) for k in fp.keys}
            counts.update(keys)
            key_rows += [{"kind": k, "key": v, "report_id": n} for k, v in keys]
        with engine.begin() as connection:
            connection.execute(_table("reports").insert(), report_rows)
            connection.execute(_table("dedup_fingerprints").insert(), fingerprint_rows)
            connection.execute(_table("dedup_keys").insert(), key_rows)
        insert_s += time.perf_counter() - started
    started = time.perf_counter()
    counts[REPORT_COUNT_KEY] = number
    count_rows = [{"kind": k, "key": v, "count": c} for (k, v), c in counts.items()]
    with engine.begin() as connection:
        for chunk in _batches(count_rows, 50_000):
            connection.execute(_table("dedup_key_counts").insert(), chunk)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('reports', 'id'),"
                " (SELECT max(id) FROM reports))"
            )
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
    insert_s += time.perf_counter() - started
    return fingerprint_s, insert_s


def _percentiles(name: str, values: list[float]) -> dict[str, float]:
    return {
        f"{name}_ms_p50": round(evaluation.percentile(values, 50), 2),
        f"{name}_ms_p95": round(evaluation.percentile(values, 95), 2),
    }


def measure(
    store_for_query: Any,
    queries: Iterable[ReportFacts],
    end_query: Any,
    *,
    reconsidering: bool = False,
    always: bool = False,
) -> dict[str, float]:
    """Time fingerprint and lookup + scoring per query (and the reconsideration after it)."""
    lookup, total, candidates, again, combined = [], [], [], [], []
    reconsidered = 0
    for facts in queries:
        started = time.perf_counter()
        fp = fingerprint(facts)
        store = CachedReads(store_for_query()) if reconsidering else store_for_query()
        fingerprinted = time.perf_counter()
        found = find_candidates(store, fp)
        done = time.perf_counter()
        if reconsidering:
            reconsidered += reconsider(store, found, always=always)
            again.append((time.perf_counter() - done) * 1000)
            combined.append((time.perf_counter() - started) * 1000)
        end_query()
        lookup.append((done - fingerprinted) * 1000)
        total.append((done - started) * 1000)
        candidates.append(len(found))
    result = {
        "queries": len(lookup),
        **_percentiles("lookup_scoring", lookup),
        "lookup_scoring_ms_max": round(max(lookup), 2),
        **_percentiles("total", total),
        "candidates_mean": round(sum(candidates) / len(candidates), 2),
    }
    if reconsidering:
        result |= _percentiles("reconsider", again) | _percentiles("with_reconsider", combined)
        result["reconsidered_share"] = round(reconsidered / len(lookup), 3)
    return result


def reconsider(store: CandidateStore, found: Sequence[Any], *, always: bool = False) -> bool:
    """The reconsideration after a placement (every stored link taken as automatic; with
    ``always``, whatever the scores); return whether it did anything."""
    limits = Thresholds()
    rest = [c for c in found[1:] if always or c.score >= limits.review]
    if not found or not rest:
        return False
    best = found[0]
    if always or best.score >= limits.auto_link:
        for other in rest[:MAX_BRIDGES]:
            direct_signals(store, best.report_id, other.report_id)
    for other in rest[:MAX_RECHECKS]:
        recheck(store, other.report_id, other.incident_id, best.incident_id, limits)
    return True


def brute_force(
    store: CandidateStore, queries: Sequence[ReportFacts], stored_ids: Sequence[str], n: int
) -> dict[str, float | str]:
    """Score queries against a sample of every stored report; extrapolate to ``n``."""
    rng = random.Random(0)
    sample = rng.sample(list(stored_ids), min(BRUTE_SAMPLE, len(stored_ids)))
    per_query = []
    for facts in queries[:BRUTE_QUERIES]:
        fp = fingerprint(facts)
        started = time.perf_counter()
        pair_signals(store, fp, sample)
        per_query.append((time.perf_counter() - started) * 1000)
    mean = sum(per_query) / len(per_query)
    return {
        "brute_force_note": (
            f"scoring against a random sample of {len(sample)} stored reports, "
            f"mean of {len(per_query)} queries, extrapolated linearly to {n}"
        ),
        "brute_force_sample_ms": round(mean, 1),
        "brute_force_ms_extrapolated": round(mean * n / len(sample), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", choices=["memory", "sql"], default="memory")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reset", action="store_true", help="empty a PostgreSQL database")
    parser.add_argument(
        "--reconsider",
        choices=["gated", "always"],
        default=None,
        help="time reconsidering too: under the placement's gates, or always (upper bound)",
    )
    args = parser.parse_args()
    background = synthetic.labelled(args.n, seed=args.seed)
    queries = [f for _, f in dedup_data.load()]
    queries += [f for _, f in synthetic.labelled(args.queries, seed=args.seed + 1)]
    queries = queries[: args.queries]
    result: dict[str, Any] = {"store": args.store}
    if args.store == "memory":
        memory = InMemoryStore()
        started = time.perf_counter()
        dedup_data.load_background(memory, background)
        result["load_docs_per_s"] = round(args.n / (time.perf_counter() - started))
        gc.collect()
        gc.freeze()  # as in dedup_data.run_stream: keep GC pauses out of the measurement
        result["stored"] = memory.report_count()
        result |= measure(
            lambda: memory,
            queries,
            lambda: None,
            reconsidering=bool(args.reconsider),
            always=args.reconsider == "always",
        )
        result |= brute_force(memory, queries, [f.report_id for _, f in background], args.n)
    else:
        folder = None
        url = args.database_url
        if not url:
            folder = tempfile.mkdtemp(prefix="dedup_scale_")
            url = f"sqlite:///{Path(folder) / 'dedup.db'}"
        engine = create_engine(url)
        result["database"] = engine.dialect.name
        _fresh_database(engine, args.reset)
        fingerprint_s, insert_s = load_sql(engine, background)
        result["load_fingerprint_docs_per_s"] = round(args.n / fingerprint_s)
        result["load_insert_docs_per_s"] = round(args.n / insert_s)
        del background
        gc.collect()
        gc.freeze()
        session = Session(engine)
        store = SqlStore(session)
        result["stored"] = store.report_count()
        session.rollback()
        result |= measure(
            lambda: store,
            queries,
            session.rollback,
            reconsidering=bool(args.reconsider),
            always=args.reconsider == "always",
        )
        ids = [str(i) for i in range(1, args.n + 1)]
        result |= brute_force(store, queries, ids, args.n)
        session.close()
        engine.dispose()
        if folder:
            result["database_file"] = url
    print(json.dumps(result))


if __name__ == "__main__":
    main()
