import pytest

from incidents.dedup import scoring
from incidents.dedup.scoring import Decision, Thresholds, decide
from incidents.dedup.signals import Signal


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.99, Decision.AUTO_LINK),
        (0.8, Decision.AUTO_LINK),
        (0.5, Decision.REVIEW),
        (0.3, Decision.REVIEW),
        (0.1, Decision.NEW_INCIDENT),
        (None, Decision.NEW_INCIDENT),
    ],
)
def test_decide_bands(score: float | None, expected: Decision) -> None:
    assert decide(score, Thresholds(auto_link=0.8, review=0.3)) is expected


def test_default_thresholds_are_ordered() -> None:
    limits = Thresholds()
    assert 0 < limits.review < limits.auto_link < 1
    assert decide(limits.auto_link) is Decision.AUTO_LINK


@pytest.mark.parametrize(("auto", "review"), [(0.5, 0.6), (1.2, 0.5), (0.5, -0.1)])
def test_thresholds_reject_bad_order(auto: float, review: float) -> None:
    with pytest.raises(ValueError, match="thresholds"):
        Thresholds(auto_link=auto, review=review)


def test_probability_rises_with_agreeing_evidence() -> None:
    weak = [Signal("text_cosine", 0.1, False, "")]
    strong = [Signal("text_cosine", 0.9, True, ""), Signal("date_near", 1.0, True, "")]
    assert 0 < scoring.probability(weak) < scoring.probability(strong) < 1
    assert scoring.logit([Signal("unknown", 5.0, True, "")]) == scoring.INTERCEPT


def test_two_contradictions_cap_the_score_whatever_the_text() -> None:
    copied = [Signal("text_cosine", 1.0, True, ""), Signal("overlap", 1.0, True, "")]
    assert scoring.logit(copied) > scoring.CONTRADICTION_CAP
    one = [*copied, Signal("contradictions", 1.0, None, "")]
    assert scoring.logit(one) == scoring.logit(copied)
    two = [*copied, Signal("contradictions", 2.0, False, "")]
    assert scoring.logit(two) == scoring.CONTRADICTION_CAP
    assert 0.3 < scoring.incident_probability([scoring.CONTRADICTION_CAP]) < 0.85


def test_sigmoid_is_stable_at_extremes() -> None:
    assert scoring.sigmoid(-1000) == 0.0
    assert scoring.sigmoid(1000) == 1.0
    assert scoring.sigmoid(0) == 0.5


def test_incident_probability_uses_best_report_first() -> None:
    best, probability = scoring.support([1.0, 3.0])
    assert best == 3.0
    assert probability == pytest.approx(scoring.sigmoid(1.0))
    assert scoring.incident_probability([3.0]) > scoring.incident_probability([-3.0])
    with pytest.raises(ValueError, match="at least one"):
        scoring.support([])


def test_two_public_items_are_scored_by_the_public_model() -> None:
    shared = [Signal("text_cosine", 0.3, True, ""), Signal("published_near", 1.0, True, "")]
    filed = scoring.logit(shared)
    public = scoring.logit([*shared, Signal("public_pair", 1.0, None, "")])
    assert filed == pytest.approx(scoring.INTERCEPT + scoring.WEIGHTS["text_cosine"] * 0.3)
    assert public == pytest.approx(
        scoring.PUBLIC_INTERCEPT
        + scoring.PUBLIC_WEIGHTS["text_cosine"] * 0.3
        + scoring.PUBLIC_WEIGHTS["published_near"]
    )
