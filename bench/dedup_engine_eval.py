"""Run a labelled dedup data file through the engine and print the metrics.

Usage: ``python bench/dedup_engine_eval.py [--data PATH] [--seed N] [--degrade SEED]
[--background N] [--cv K] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import dedup_data
import dedup_fit
import synthetic

from incidents.dedup import scoring
from incidents.dedup.scoring import Decision, Thresholds

KEYS = (*dedup_data.METRICS, "review", "ece")


def _print(metrics: dict[str, float], as_json: bool) -> None:
    if as_json:
        print(json.dumps({k: round(metrics[k], 4) for k in KEYS}))
        return
    for key in KEYS:
        print(f"{key:22s} {metrics[key]:.4f}")


Public = tuple[float, dict[str, float]]


def _constants() -> tuple[dedup_fit.Fitted, Public]:
    combine = (scoring.SUPPORT_INTERCEPT, scoring.SUPPORT_BEST, scoring.SUPPORT_OTHERS)
    public = (scoring.PUBLIC_INTERCEPT, dict(scoring.PUBLIC_WEIGHTS))
    return (scoring.INTERCEPT, dict(scoring.WEIGHTS), combine), public


def _set_constants(fitted: dedup_fit.Fitted, public: Public) -> None:
    scoring.INTERCEPT, scoring.WEIGHTS = fitted[0], fitted[1]
    scoring.SUPPORT_INTERCEPT, scoring.SUPPORT_BEST, scoring.SUPPORT_OTHERS = fitted[2]
    scoring.PUBLIC_INTERCEPT, scoring.PUBLIC_WEIGHTS = public


def cross_validate(
    reports: list[dedup_data.Labelled], folds: int, args: argparse.Namespace
) -> None:
    """Grouped K-fold by event: fit both models on K-1 folds, stream the held-out fold into a
    store that already holds the training folds (so cross-fold siblings are there as hard
    negatives); ``ece`` is then the calibration error on held-out events."""
    saved = _constants()
    results = []
    try:
        for fold, (train, test) in enumerate(dedup_fit.grouped_folds(reports, folds, args.seed)):
            public = [facts.is_public_source for _, facts in train]
            _set_constants(
                dedup_fit.fit(train) if not all(public) else saved[0],
                dedup_fit.fit_public(train) if any(public) else saved[1],
            )
            if args.degrade is not None:
                test = dedup_data.degrade(test, args.degrade)
            metrics = dedup_data.run_stream(
                test, seed=args.seed, thresholds=args.thresholds, background=train
            ).metrics()
            results.append(metrics)
            if not args.json:
                print(f"fold {fold}: " + " ".join(f"{k}={metrics[k]:.3f}" for k in KEYS[:8]))
    finally:
        _set_constants(*saved)
    mean = {k: statistics.fmean(m[k] for m in results) for k in KEYS}
    worst = {k: (max if k.startswith("latency") else min)(m[k] for m in results) for k in KEYS}
    if args.json:
        print(
            json.dumps(
                {
                    "mean": {k: round(v, 4) for k, v in mean.items()},
                    "worst": {k: round(v, 4) for k, v in worst.items()},
                }
            )
        )
    else:
        print("mean:")
        _print(mean, False)
        print("worst fold:")
        _print(worst, False)


def seed_range(text: str) -> list[int]:
    """Return the seeds of ``0-4`` or ``0,2,5``."""
    if "-" in text:
        first, last = text.split("-", 1)
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


def many_orders(args: argparse.Namespace) -> None:
    """Every data set in several orders: the mean and the worst order of each figure."""
    seeds = seed_range(args.seeds or "0-4")
    paths = dedup_data.all_sets() if args.all else [args.data]
    table = {}
    reliability = {}
    for path in paths:
        reports = dedup_data.load(path)
        if args.degrade is not None:
            reports = dedup_data.degrade(reports, args.degrade)
        runs, scored = [], []
        for seed in seeds:
            result = dedup_data.run_stream(reports, seed=seed, thresholds=args.thresholds)
            runs.append(result.metrics())
            scored += result.scored
            if args.show_errors:
                for new, old, score in result.wrong_links:
                    print(
                        f"{path.name} seed {seed}: wrong link {new} ({result.gold[new]}) -> "
                        f"{old} ({result.gold.get(old)}) score {score:.3f}"
                    )
            _diagnose(result, f"{path.name} seed {seed}", args)
        mean = {k: statistics.fmean(m[k] for m in runs) for k in KEYS}
        worst = {k: (max if _lower_is_better(k) else min)(m[k] for m in runs) for k in KEYS}
        table[path.stem] = {"mean": mean, "worst": worst}
        reliability[path.stem] = dedup_data.calibration(scored)[1]
    if args.json:
        print(
            json.dumps(
                {
                    name: {
                        part: {k: round(v, 4) for k, v in row.items()} for part, row in t.items()
                    }
                    for name, t in table.items()
                }
            )
        )
        return
    names = list(table)
    print(f"{len(seeds)} orders (seeds {args.seeds or '0-4'}); mean / worst order")
    print(f"{'':22s} " + " ".join(f"{n[:21]:>21s}" for n in names))
    for key in KEYS:
        cells = [f"{table[n]['mean'][key]:9.3f} / {table[n]['worst'][key]:9.3f}" for n in names]
        print(f"{key:22s} " + " ".join(f"{c:>21s}" for c in cells))
    print("reliability of candidate scores (all orders): bin, candidates, mean score, correct")
    for name, rows in reliability.items():
        print(f"  {name}")
        for label, count, score, share in rows:
            print(f"    {label}  {count:5d}  {score:.3f}  {share:.3f}")


def _diagnose(result: dedup_data.StreamResult, where: str, args: argparse.Namespace) -> None:
    """Print the diagnostic listings asked for: top-3 misses, reports held for review."""
    for item in result.items:
        if not item.seen:
            continue
        if args.show_misses and not any(item.held[:3]):
            print(f"{where}: top-3 miss {item.report_id} ({item.event})")
            _print_candidates(item, 3)
        if args.show_held and item.decision is not Decision.AUTO_LINK and item.candidates:
            best, second = item.candidates[0].score, _runner_up(item)
            verdict = "right" if item.held[0] else "WRONG"
            print(
                f"{where}: held {item.report_id} ({item.event}) top-1 {verdict} "
                f"best {best:.3f} runner-up {second:.3f} {item.decision}"
            )


def _runner_up(item: dedup_data.ItemRecord) -> float:
    return item.candidates[1].score if len(item.candidates) > 1 else 0.0


def _print_candidates(item: dedup_data.ItemRecord, count: int) -> None:
    for candidate, events in zip(item.candidates[:count], item.events[:count], strict=True):
        shown = {s.name: round(s.value, 2) for s in candidate.signals if s.value}
        print(
            f"    {candidate.score:.3f} {candidate.incident_id} via {candidate.report_id} "
            f"({', '.join(sorted(events))}) {shown}"
        )


def _lower_is_better(key: str) -> bool:
    return key.startswith("latency") or key in ("ece", "review")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=dedup_data.DEV_DATA)
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed")
    parser.add_argument(
        "--seeds",
        default=None,
        help="orders to replay, e.g. 0-4: prints the mean and the worst order per figure",
    )
    parser.add_argument(
        "--all", action="store_true", help="every dedup_*.json of shared/data and bench/data"
    )
    parser.add_argument("--degrade", type=int, default=None, metavar="SEED")
    parser.add_argument("--background", type=int, default=0, metavar="N")
    parser.add_argument("--cv", type=int, default=0, metavar="K")
    parser.add_argument("--auto-link", type=float, default=None)
    parser.add_argument("--review", type=float, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--show-misses",
        action="store_true",
        help="list the reports whose event is not in the top 3",
    )
    parser.add_argument(
        "--show-held",
        action="store_true",
        help="list the reports of a stored event not linked automatically, best and runner-up",
    )
    args = parser.parse_args()
    default = Thresholds()
    args.thresholds = Thresholds(
        args.auto_link if args.auto_link is not None else default.auto_link,
        args.review if args.review is not None else default.review,
    )
    if args.seeds is not None or args.all:
        many_orders(args)
        return
    reports = dedup_data.load(args.data)
    if args.cv:
        cross_validate(reports, args.cv, args)
        return
    if args.degrade is not None:
        reports = dedup_data.degrade(reports, args.degrade)
    background = synthetic.labelled(args.background, seed=args.seed) if args.background else []
    result = dedup_data.run_stream(
        reports, seed=args.seed, thresholds=args.thresholds, background=background
    )
    _print(result.metrics(), args.json)
    if args.show_errors:
        for new, old, score in result.wrong_links:
            print(
                f"wrong link {new} ({result.gold[new]}) -> {old} "
                f"({result.gold.get(old, 'background')}) score {score:.3f}"
            )


if __name__ == "__main__":
    main()
