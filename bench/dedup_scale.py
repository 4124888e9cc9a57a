"""Time lookup + scoring of one new report against N stored synthetic reports (in memory).

Usage: ``python bench/dedup_scale.py [--n 100000] [--queries 200] [--seed 0]``. Prints the
store size, load rate and per-report latency percentiles as JSON. The SQL store will add its
round trips; the candidate lookup is the same set of batched equality probes.
"""

from __future__ import annotations

import argparse
import gc
import json
import time

import dedup_data
import synthetic

from incidents.dedup import evaluation
from incidents.dedup.engine import match_report
from incidents.dedup.store import InMemoryStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    store = InMemoryStore()
    started = time.perf_counter()
    dedup_data.load_background(store, synthetic.labelled(args.n, seed=args.seed))
    load_s = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # as in dedup_data.run_stream: keep GC pauses out of the measurement
    queries = [f for _, f in dedup_data.load()]
    queries += [f for _, f in synthetic.labelled(args.queries, seed=args.seed + 1)]
    latencies = []
    for facts in queries[: args.queries]:
        started = time.perf_counter()
        match_report(store, facts)
        latencies.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "stored": store.report_count(),
                "load_docs_per_s": round(args.n / load_s),
                "queries": len(latencies),
                "latency_ms_p50": round(evaluation.percentile(latencies, 50), 2),
                "latency_ms_p95": round(evaluation.percentile(latencies, 95), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
