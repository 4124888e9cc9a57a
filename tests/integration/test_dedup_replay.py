"""bench/dedup_eval.py, the replay through the application's filing and placement: it runs
with a background of unrelated reports, and a degraded report keeps its filer."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from tests.bench import ROOT, bench_module

DEV = ROOT.parent / "shared" / "data" / "dedup_dev.json"
COMPANY = ROOT / "bench" / "data" / "dedup_company_streams.json"


def _labelled(path: Path, events: int) -> list[tuple[str, dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(e["event_id"], r) for e in data["events"][:events] for r in e["reports"]]


def test_a_replay_among_background_reports_scores_every_figure() -> None:
    replay = bench_module("dedup_eval")
    labelled = _labelled(DEV if DEV.exists() else COMPANY, 6)
    arguments = argparse.Namespace(database_url=None, background=30)
    metrics, errors, loaded = replay.run_once(arguments, labelled, 0)
    assert loaded > 0
    assert metrics["reports"] == len(labelled)
    for key in ("auto_link_precision", "bcubed_f1", "top1_recall", "top3_recall"):
        assert 0.0 <= metrics[key] <= 1.0, key
    assert metrics["latency_ms_p95"] > 0
    assert all(line.startswith("wrong ") for line in errors)


def test_a_degraded_report_is_filed_by_whoever_filed_the_original() -> None:
    replay, data = bench_module("dedup_eval"), bench_module("dedup_data")
    rng = random.Random(0)
    changed = 0
    for _, report in _labelled(COMPANY, 60):
        degraded = replay.degrade(report, rng)
        assert degraded["filed_by"] == data.filer(report)
        # What a report leaves out (its system's developer, say) could name another filer.
        changed += data.filer({k: v for k, v in degraded.items() if k != "filed_by"}) != (
            data.filer(report)
        )
    assert changed > 0
