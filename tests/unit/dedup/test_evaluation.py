import pytest

from incidents.dedup import evaluation

GOLD = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
# a,b together; c alone; d joined with e wrongly.
PREDICTED = {"a": "x", "b": "x", "c": "y", "d": "z", "e": "z"}


def test_pairwise_hand_checked() -> None:
    # gold pairs: ab ac bc = 3; predicted pairs: ab, de = 2; true: ab = 1.
    result = evaluation.pairwise(GOLD, PREDICTED)
    assert result.precision == pytest.approx(1 / 2)
    assert result.recall == pytest.approx(1 / 3)
    assert result.f1 == pytest.approx(0.4)


def test_bcubed_hand_checked() -> None:
    # precision per item: a 1, b 1, c 1, d 1/2, e 1/2 -> 4/5
    # recall per item: a 2/3, b 2/3, c 1/3, d 1, e 1 -> 11/15
    result = evaluation.bcubed(GOLD, PREDICTED)
    assert result.precision == pytest.approx(4 / 5)
    assert result.recall == pytest.approx(11 / 15)
    assert result.f1 == pytest.approx(2 * (4 / 5) * (11 / 15) / (4 / 5 + 11 / 15))


def test_perfect_and_empty_groupings() -> None:
    assert evaluation.bcubed(GOLD, dict(GOLD)).f1 == 1.0
    assert evaluation.bcubed({}, {}).f1 == 1.0
    assert evaluation.pairwise({"a": 1}, {}).f1 == 1.0
    # missing predictions are singletons
    assert evaluation.pairwise({"a": 1, "b": 1}, {}).recall == 0.0
    assert evaluation.pairwise({"a": 1, "b": 1}, {}).f1 == 0.0


def test_auto_link_metrics() -> None:
    links = [("b", "a"), ("e", "d"), ("c", "background")]
    assert evaluation.auto_link_precision(links, GOLD) == pytest.approx(1 / 3)
    assert evaluation.auto_link_precision([], GOLD) == 1.0
    assert evaluation.auto_link_share(GOLD, PREDICTED) == pytest.approx(1 / 3)


def test_top_k_and_percentiles() -> None:
    assert evaluation.top_k_recall([0, 1, None, 2], 1) == 0.25
    assert evaluation.top_k_recall([0, 1, None, 2], 3) == 0.75
    assert evaluation.top_k_recall([], 3) == 1.0
    assert evaluation.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert evaluation.percentile([5.0], 95) == 5.0
    with pytest.raises(ValueError, match="no values"):
        evaluation.percentile([], 50)


def test_clusters() -> None:
    assert evaluation.clusters({"a": 1, "b": 1, "c": 2}) == {1: ["a", "b"], 2: ["c"]}
