"""Metrics for deduplication runs: pure functions over gold labels and predicted groupings.

``gold`` maps an item (report) to its true event; ``predicted`` maps it to the incident the
engine put it in. Items missing from ``predicted`` count as singletons.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

# The items (reports) being grouped: any one hashable type per call. Mappings are invariant in
# their key, so a ``dict[str, int]`` of gold labels is no ``Mapping[Hashable, Hashable]``.
Item = TypeVar("Item", bound=Hashable)


@dataclasses.dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 (all 1.0 when there is nothing to find and nothing found)."""

    precision: float
    recall: float
    f1: float


def _prf(true_positive: int, predicted: int, actual: int) -> PRF:
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def _groups(
    gold: Mapping[Item, Hashable], predicted: Mapping[Item, Hashable]
) -> Counter[tuple[Hashable, Hashable]]:
    return Counter((gold[i], predicted.get(i, ("singleton", i))) for i in gold)


def pairwise(gold: Mapping[Item, Hashable], predicted: Mapping[Item, Hashable]) -> PRF:
    """Return pairwise precision/recall/F1 over unordered item pairs (positive = same event)."""
    cells = _groups(gold, predicted)
    by_cluster: Counter[Hashable] = Counter()
    for (_, cluster), n in cells.items():
        by_cluster[cluster] += n
    return _prf(
        _pairs(cells.values()), _pairs(by_cluster.values()), _pairs(Counter(gold.values()).values())
    )


def bcubed(gold: Mapping[Item, Hashable], predicted: Mapping[Item, Hashable]) -> PRF:
    """Return B-cubed precision/recall/F1, averaged over items."""
    if not gold:
        return PRF(1.0, 1.0, 1.0)
    cells = _groups(gold, predicted)
    event_size: Counter[Hashable] = Counter(gold.values())
    cluster_size: Counter[Hashable] = Counter()
    for (_, cluster), n in cells.items():
        cluster_size[cluster] += n
    precision = sum(n * n / cluster_size[c] for (_, c), n in cells.items()) / len(gold)
    recall = sum(n * n / event_size[e] for (e, _), n in cells.items()) / len(gold)
    return _prf_from_rates(precision, recall)


def _prf_from_rates(precision: float, recall: float) -> PRF:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def auto_link_precision(links: Sequence[tuple[Item, Item]], gold: Mapping[Item, Hashable]) -> float:
    """Return the share of automatic links ``(new report, matched report)`` within one event.

    A matched report outside ``gold`` (e.g. background data) is a wrong link. 1.0 if no links.
    """
    if not links:
        return 1.0
    right = sum(1 for new, old in links if old in gold and gold[old] == gold[new])
    return right / len(links)


def auto_link_share(gold: Mapping[Item, Hashable], automatic: Mapping[Item, Hashable]) -> float:
    """Return the share of true duplicate pairs grouped together by automatic links alone."""
    return pairwise(gold, automatic).recall


def top_k_recall(ranks: Sequence[int | None], k: int) -> float:
    """Return the share of ranks (0-based position of the true event; ``None``: absent) < k."""
    if not ranks:
        return 1.0
    return sum(1 for r in ranks if r is not None and r < k) / len(ranks)


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (0..100, linear interpolation); raises on no values."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def clusters(predicted: Mapping[Hashable, Hashable]) -> dict[Hashable, list[Hashable]]:
    """Return the items of each predicted group."""
    groups: defaultdict[Hashable, list[Hashable]] = defaultdict(list)
    for item, group in predicted.items():
        groups[group].append(item)
    return dict(groups)
