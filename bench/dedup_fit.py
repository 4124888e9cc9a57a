"""Fit the score's weights (logistic regression over the pair signals) from labelled data.

Pairs come from replaying the data in shuffled orders, as the engine sees it: each report is
paired with the stored reports the candidate lookup returns, with document frequencies as of
that moment, and labelled by event. Clean and degraded copies are mixed so that no single
signal carries the score. Prints the constants block to paste into
``incidents/dedup/scoring.py``.

Usage: ``python bench/dedup_fit.py [--data PATH]``.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import dedup_data
import numpy as np
from sklearn.linear_model import LogisticRegression

from incidents.dedup.engine import candidate_reports, pair_signals, register
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.scoring import support
from incidents.dedup.signals import FEATURES, PUBLIC_FEATURES
from incidents.dedup.store import InMemoryStore

NAMES = list(FEATURES)
ORDER_SEEDS = (11, 12)
DEGRADE_SEEDS = (1001, 1002, 1003, 1004)
#: Inverse regularisation strength; small enough that no weight runs away on rare signals.
C = 1.0


def pairs(
    reports: Sequence[dedup_data.Labelled], seed: int, public: bool = False
) -> tuple[list[list[float]], list[int]]:
    """Return signal vectors and labels of every looked-up pair in one shuffled replay: the
    pairs of two public items (``public``, over ``PUBLIC_FEATURES``), or all others."""
    names = list(PUBLIC_FEATURES) if public else NAMES
    order = list(reports)
    random.Random(seed).shuffle(order)
    store = InMemoryStore()
    event_of: dict[str, str] = {}
    xs, ys = [], []
    for event, facts in order:
        fp = fingerprint(facts)
        for report_id, signals in pair_signals(store, fp, candidate_reports(store, fp)).items():
            values = {s.name: s.value for s in signals}
            if (values["public_pair"] > 0) != public:
                continue
            xs.append([values[n] for n in names])
            ys.append(int(event_of[report_id] == event))
        register(store, fp, event)
        event_of[facts.report_id] = event
    return xs, ys


def incident_rows(
    reports: Sequence[dedup_data.Labelled], seed: int, intercept: float, weights: dict[str, float]
) -> tuple[list[list[float]], list[int]]:
    """Return ``[best log-odds, support]`` and labels per (report, candidate incident) in a replay
    where incidents are the gold events so far."""
    order = list(reports)
    random.Random(seed).shuffle(order)
    store = InMemoryStore()
    xs, ys = [], []
    w = np.array([weights[n] for n in NAMES])
    for event, facts in order:
        fp = fingerprint(facts)
        pairs = pair_signals(store, fp, candidate_reports(store, fp))
        by_incident: dict[str, list[float]] = {}
        for report_id, incident in store.incident_ids(pairs).items():
            values = {s.name: s.value for s in pairs[report_id]}
            z = intercept + float(np.array([values[n] for n in NAMES]) @ w)
            by_incident.setdefault(incident, []).append(z)
        for incident, logits in by_incident.items():
            best, others = support(logits)
            xs.append([best, others])
            ys.append(int(incident == event))
        register(store, fp, event)
    return xs, ys


def fit_support(
    copies: Sequence[Sequence[dedup_data.Labelled]], intercept: float, weights: dict[str, float]
) -> tuple[float, float, float]:
    """Return the incident-combination constants ``(intercept, best, others)``."""
    xs: list[list[float]] = []
    ys: list[int] = []
    for copy in copies:
        for seed in ORDER_SEEDS:
            x, y = incident_rows(copy, seed, intercept, weights)
            xs += x
            ys += y
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(np.array(xs), np.array(ys))
    a, b = (round(float(v), 3) for v in model.coef_[0])
    return round(float(model.intercept_[0]), 3), a, b


Fitted = tuple[float, dict[str, float], tuple[float, float, float]]


def fit(reports: Sequence[dedup_data.Labelled]) -> Fitted:
    """Return ``(intercept, weights by signal name, support constants)`` fitted on ``reports``."""
    xs: list[list[float]] = []
    ys: list[int] = []
    copies = [list(reports)] + [dedup_data.degrade(reports, s) for s in DEGRADE_SEEDS]
    for copy in copies:
        for seed in ORDER_SEEDS:
            x, y = pairs(copy, seed)
            xs += x
            ys += y
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(np.array(xs), np.array(ys))
    weights = {n: round(float(w), 3) for n, w in zip(NAMES, model.coef_[0], strict=True)}
    intercept = round(float(model.intercept_[0]), 3)
    return intercept, weights, fit_support(copies, intercept, weights)


def fit_public(reports: Sequence[dedup_data.Labelled]) -> tuple[float, dict[str, float]]:
    """Return the public-source model ``(intercept, weights)``, fitted on the pairs of two
    public items (news coverage): text, stated event dates and publication dates."""
    xs: list[list[float]] = []
    ys: list[int] = []
    copies = [list(reports)] + [dedup_data.degrade(reports, s) for s in DEGRADE_SEEDS]
    for copy in copies:
        for seed in ORDER_SEEDS:
            x, y = pairs(copy, seed, public=True)
            xs += x
            ys += y
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(np.array(xs), np.array(ys))
    weights = {n: round(float(w), 3) for n, w in zip(PUBLIC_FEATURES, model.coef_[0], strict=True)}
    return round(float(model.intercept_[0]), 3), weights


def grouped_folds(
    reports: Sequence[dedup_data.Labelled], k: int, seed: int
) -> Iterator[tuple[list[dedup_data.Labelled], list[dedup_data.Labelled]]]:
    """Yield ``(train, test)`` splits with every event wholly on one side."""
    events = sorted({e for e, _ in reports})
    random.Random(seed).shuffle(events)
    fold_of = {e: i % k for i, e in enumerate(events)}
    for fold in range(k):
        yield (
            [r for r in reports if fold_of[r[0]] != fold],
            [r for r in reports if fold_of[r[0]] == fold],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=dedup_data.DEV_DATA)
    parser.add_argument(
        "--all",
        action="store_true",
        help="fit on every shared dedup_*.json (bench/data's sets stay held out)",
    )
    parser.add_argument(
        "--public", action="store_true", help="fit the public-source model (pairs of two items)"
    )
    args = parser.parse_args()
    paths = dedup_data.shared_sets() if args.all else [args.data]
    reports = [r for path in paths for r in dedup_data.load(path)]
    if args.public:
        public_intercept, public_weights = fit_public(reports)
        print("# BEGIN FITTED PUBLIC CONSTANTS (bench/dedup_fit.py --public)")
        print(f"PUBLIC_INTERCEPT = {public_intercept}")
        print("PUBLIC_WEIGHTS: dict[str, float] = {")
        for name, weight in public_weights.items():
            print(f'    "{name}": {weight},')
        print("}")
        print("# END FITTED PUBLIC CONSTANTS")
        return
    intercept, weights, (s0, s1, s2) = fit(reports)
    print("# BEGIN FITTED CONSTANTS (bench/dedup_fit.py)")
    print(f"INTERCEPT = {intercept}")
    print("WEIGHTS: dict[str, float] = {")
    for name, weight in weights.items():
        print(f'    "{name}": {weight},')
    print("}")
    print("#: Incident score from its reports' pair log-odds: ``SUPPORT_INTERCEPT +")
    print("#: SUPPORT_BEST * best + SUPPORT_OTHERS * (sum of the other reports' probabilities)``.")
    print(f"SUPPORT_INTERCEPT = {s0}")
    print(f"SUPPORT_BEST = {s1}")
    print(f"SUPPORT_OTHERS = {s2}")
    print("# END FITTED CONSTANTS")


if __name__ == "__main__":
    main()
