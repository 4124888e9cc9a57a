"""Shared helpers for the dedup benchmarks: load labelled reports, degrade them, run a stream.

Not part of the application; imported by ``bench/dedup_engine_eval.py`` and
``bench/dedup_fit.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from incidents.dedup import evaluation
from incidents.dedup.engine import Candidate, match_report, register
from incidents.dedup.facts import AISystem, ReportFacts
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.normalize import normalize_name
from incidents.dedup.scoring import Decision, Thresholds
from incidents.dedup.store import InMemoryStore

DEV_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedup_dev.json"
#: The figures the evaluations print, in order (``--json`` uses these keys).
METRICS = (
    "auto_link_precision",
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "bcubed_f1",
    "auto_link_share",
    "top1_recall",
    "top3_recall",
    "latency_ms_p50",
    "latency_ms_p95",
    "reports",
    "events",
)
#: Bins of the reliability table.
BINS = 10


def calibration(
    scored: Sequence[tuple[float, bool]],
) -> tuple[float, list[tuple[str, int, float, float]]]:
    """Return the expected calibration error of candidate scores and the reliability table
    (bin, count, mean score, share correct)."""
    rows: list[tuple[str, int, float, float]] = []
    if not scored:
        return 0.0, rows
    ece = 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        inside = [(p, y) for p, y in scored if low <= p < high or (b == BINS - 1 and p == 1.0)]
        if not inside:
            continue
        mean = sum(p for p, _ in inside) / len(inside)
        share = sum(y for _, y in inside) / len(inside)
        ece += len(inside) / len(scored) * abs(mean - share)
        rows.append((f"{low:.1f}-{high:.1f}", len(inside), mean, share))
    return ece, rows


Labelled = tuple[str, ReportFacts]
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")


def shared_sets() -> list[Path]:
    """The shared development sets (``../shared/data``): what the weights are fitted on."""
    return sorted(DEV_DATA.parent.glob("dedup_*.json"))


def all_sets() -> list[Path]:
    """Every labelled dedup data file: the shared development sets and this repository's
    (``bench/data``, written separately and kept out of the fit: held out)."""
    here = Path(__file__).resolve().parent / "data"
    return shared_sets() + sorted(here.glob("dedup_*.json"))


def filer(report: dict[str, Any]) -> str:
    """The organisation that filed a report of the JSON format, as the replay files it.

    A developer's or deployer's report is filed by that organisation (the company files about
    its own systems); a news item by its outlet (the reference's host); anyone else files as
    an organisation of their own.
    """
    kind = report.get("submitter_kind") or "other"
    system = report.get("ai_system") or {}
    if kind in ("developer", "deployer") and system.get(kind):
        return f"{kind}:{normalize_name(system[kind])}"
    references = report.get("references") or []
    if kind == "journalist" and references:
        host = urlsplit(references[0]).hostname or ""
        return f"outlet:{host.removeprefix('www.')}"
    return f"{kind}:{report['report_key']}"


def to_facts(report: dict[str, Any]) -> ReportFacts:
    """Return the engine's view of one report of the JSON format (event id is not passed)."""
    system = report.get("ai_system") or {}
    occurred, published = report.get("occurred_on"), report.get("published_on")
    # A journalist's item is public coverage: imported, not filed (no filer; its publication
    # date is not the event's).
    public = report.get("submitter_kind") == "journalist"
    return ReportFacts(
        report_id=report["report_key"],
        organisation_id=None if public else filer(report),
        title=report.get("title") or "",
        description=report.get("description") or "",
        occurred_on=dt.date.fromisoformat(occurred) if occurred else None,
        countries=tuple(report.get("countries") or ()),
        sector=report.get("sector"),
        harm_types=tuple(report.get("harm_types") or ()),
        event_class=report.get("event_class"),
        ai_system=AISystem(
            system.get("name"),
            system.get("version"),
            system.get("developer"),
            system.get("deployer"),
        ),
        references=tuple(report.get("references") or ()),
        is_public_source=public,
        published_on=dt.date.fromisoformat(published) if published else None,
    )


def load(path: Path = DEV_DATA) -> list[Labelled]:
    """Return ``(event_id, facts)`` for every report of a dedup data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(e["event_id"], to_facts(r)) for e in data["events"] for r in e["reports"]]


def degrade(reports: Sequence[Labelled], seed: int, drop: float = 0.3) -> list[Labelled]:
    """Return a degraded copy: descriptions cut to two sentences, fields dropped at random.

    Each of system name, version, developer, deployer, occurrence date, countries, sector,
    harm types, event class and references is dropped with probability ``drop``.
    """
    rng = random.Random(seed)
    out = []
    for event, f in reports:

        def keep() -> bool:
            return rng.random() >= drop

        sentences = _SENTENCE.split(f.description.strip())
        system = f.ai_system
        out.append(
            (
                event,
                dataclasses.replace(
                    f,
                    description=" ".join(sentences[:2]),
                    ai_system=AISystem(
                        system.name if keep() else None,
                        system.version if keep() else None,
                        system.developer if keep() else None,
                        system.deployer if keep() else None,
                    ),
                    occurred_on=f.occurred_on if keep() else None,
                    countries=f.countries if keep() else (),
                    sector=f.sector if keep() else None,
                    harm_types=f.harm_types if keep() else (),
                    event_class=f.event_class if keep() else None,
                    references=f.references if keep() else (),
                ),
            )
        )
    return out


@dataclasses.dataclass(frozen=True)
class ItemRecord:
    """What the engine made of one report: its gold event, whether the event was already
    stored, the decision and the candidates with whether each holds the gold event."""

    report_id: str
    event: str
    seen: bool
    decision: Decision
    candidates: tuple[Candidate, ...]
    #: The gold events each candidate incident holds.
    events: tuple[frozenset[str], ...]

    @property
    def held(self) -> tuple[bool, ...]:
        """Whether each candidate incident holds the report's gold event."""
        return tuple(self.event in events for events in self.events)


@dataclasses.dataclass
class StreamResult:
    """What one shuffled run produced (dev reports only, background excluded)."""

    gold: dict[str, str]
    automatic: dict[str, str]
    links: list[tuple[str, str]]
    ranks: list[int | None]
    latencies_ms: list[float]
    decisions: dict[str, Decision]
    wrong_links: list[tuple[str, str, float]]
    #: ``(score, whether its incident holds the report's event)`` of every scored candidate.
    scored: list[tuple[float, bool]] = dataclasses.field(default_factory=list)
    #: One record per report, in replay order (for the diagnostic listings).
    items: list[ItemRecord] = dataclasses.field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        """Return the headline metrics of the run."""
        pair = evaluation.pairwise(self.gold, self.automatic)
        return {
            "auto_link_precision": evaluation.auto_link_precision(self.links, self.gold),
            "pairwise_precision": pair.precision,
            "pairwise_recall": pair.recall,
            "pairwise_f1": pair.f1,
            "bcubed_f1": evaluation.bcubed(self.gold, self.automatic).f1,
            "auto_link_share": evaluation.auto_link_share(self.gold, self.automatic),
            "top1_recall": evaluation.top_k_recall(self.ranks, 1),
            "top3_recall": evaluation.top_k_recall(self.ranks, 3),
            "latency_ms_p50": evaluation.percentile(self.latencies_ms, 50),
            "latency_ms_p95": evaluation.percentile(self.latencies_ms, 95),
            "reports": float(len(self.gold)),
            "events": float(len(set(self.gold.values()))),
            "review": float(sum(d is Decision.REVIEW for d in self.decisions.values())),
            "ece": calibration(self.scored)[0],
        }


def load_background(store: InMemoryStore, reports: Iterable[Labelled]) -> dict[str, str]:
    """Store background reports directly (no decisions), grouped by their own events."""
    gold = {}
    for event, facts in reports:
        register(store, fingerprint(facts), f"bg:{event}")
        gold[facts.report_id] = f"bg:{event}"
    return gold


def run_stream(
    reports: Sequence[Labelled],
    *,
    seed: int = 0,
    thresholds: Thresholds | None = None,
    background: Sequence[Labelled] = (),
) -> StreamResult:
    """Feed reports one at a time in a seeded shuffled order, linking per decision.

    Review counts as a new incident for the automatic grouping.
    """
    store = InMemoryStore()
    bg_gold = load_background(store, background)
    # The loaded store is long-lived: keep the cyclic GC from rescanning it on every
    # collection, or its pauses dominate the latency tail (a SQL store holds it outside).
    gc.collect()
    gc.freeze()
    order = list(reports)
    random.Random(seed).shuffle(order)
    result = StreamResult({}, {}, [], [], [], {}, [])
    seen_events: dict[str, None] = {}
    for event, facts in order:
        started = time.perf_counter()
        match = match_report(store, facts, thresholds)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        members = store.incident_map()
        events_by = [
            frozenset(
                result.gold.get(r, "background")
                for r, inc in members.items()
                if inc == c.incident_id
            )
            for c in match.candidates
        ]
        if event in seen_events:
            ranks = [i for i, events_in in enumerate(events_by) if event in events_in]
            result.ranks.append(ranks[0] if ranks else None)
        result.scored.extend(
            (c.score, event in events_in)
            for c, events_in in zip(match.candidates, events_by, strict=True)
        )
        result.items.append(
            ItemRecord(
                facts.report_id,
                event,
                event in seen_events,
                match.decision,
                match.candidates,
                tuple(events_by),
            )
        )
        seen_events[event] = None
        result.gold[facts.report_id] = event
        result.decisions[facts.report_id] = match.decision
        incident = match.incident_id
        if incident is None:
            incident = f"inc:{facts.report_id}"
        else:
            best = match.candidates[0]
            result.links.append((facts.report_id, best.report_id))
            if result.gold.get(best.report_id, bg_gold.get(best.report_id)) != event:
                result.wrong_links.append((facts.report_id, best.report_id, best.score))
        result.automatic[facts.report_id] = incident
        register(store, match.fingerprint, incident)
    return result
