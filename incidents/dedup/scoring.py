"""One calibrated score from the pair signals, and the decision thresholds.

Pair score: a logistic regression over the weighed signals of :mod:`incidents.dedup.signals`
(``FEATURES``), ``P(same event) = sigmoid(INTERCEPT + sum(WEIGHTS[name] * value))``. Signals
not in ``WEIGHTS`` (the per-field ``system_name``, ``sector``, ...) are shown to analysts but
enter the score only through the combined ``actor_text`` and ``context_text``.

A pair of two public-source items (news coverage: text and dates, no structure) is scored by
a model of its own (``PUBLIC_WEIGHTS`` over ``signals.PUBLIC_FEATURES``, fitted on such pairs
by ``bench/dedup_fit.py --all --public``): one model for both made news over-confident, and
publication dates (one wave of coverage, months apart, before the event) only exist there.

Incident score: the best pair's log-odds, recalibrated by ``SUPPORT_*`` (taking the maximum
over many candidates overstates the best one; further matching reports add a little).

The constants are fitted by ``bench/dedup_fit.py``: the labelled development data replayed in
shuffled orders, each report against the candidates the lookup returns, with document
frequencies as of that moment, on the clean data and two degraded copies (descriptions cut to
two sentences, fields dropped), L2-regularised (C=1). Refit by running it and pasting its
output between the markers (``--all``: every development set). What the weights say: shared
text (``text_cosine``, ``overlap``; the title is part of the text and not counted again) and
close dates carry the score; the same actor and setting only count in proportion to shared
text; dates a month or more apart and disjoint countries count against; a shared article URL
adds but cannot link alone. Between two reports of one filer (``same_filer``) the structure
signals are weighed apart (``filer_*``): the same system and setting count against there
(a company's sibling incidents share them), and the more the filer has filed
(``filer_history``) the less any one of its incidents is likely. ``rare_terms`` and
``near_duplicate`` come out slightly negative beside ``text_cosine`` (collinear with it; a
company's boilerplate is copied text between distinct incidents).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Iterable

from incidents.dedup.signals import Signal

# BEGIN FITTED CONSTANTS (bench/dedup_fit.py)
INTERCEPT = -4.389
WEIGHTS: dict[str, float] = {
    "text_cosine": 23.781,
    "rare_terms": -1.118,
    "overlap": 9.567,
    "near_duplicate": -5.148,
    "actor_text": 5.02,
    "date_near": 2.906,
    "date_far": -6.86,
    "countries": 1.118,
    "context_text": 3.301,
    "reference_url": 3.076,
    "filer_actor_text": -6.293,
    "filer_date_near": 3.937,
    "filer_countries": -2.35,
    "filer_context_text": -2.015,
    "filer_history": -0.803,
}
#: Incident score from its reports' pair log-odds: ``SUPPORT_INTERCEPT +
#: SUPPORT_BEST * best + SUPPORT_OTHERS * (sum of the other reports' probabilities)``.
SUPPORT_INTERCEPT = -1.918
SUPPORT_BEST = 0.947
SUPPORT_OTHERS = 0.575
# END FITTED CONSTANTS

# BEGIN FITTED PUBLIC CONSTANTS (bench/dedup_fit.py --public)
PUBLIC_INTERCEPT = -3.732
PUBLIC_WEIGHTS: dict[str, float] = {
    "text_cosine": 17.17,
    "rare_terms": -0.208,
    "overlap": 8.361,
    "near_duplicate": 0.718,
    "date_near": 0.732,
    "date_far": -4.661,
    "published_near": 4.781,
    "published_apart": -2.083,
    "published_before_event": -5.351,
    "reference_url": 0.531,
}
# END FITTED PUBLIC CONSTANTS


class Decision(enum.StrEnum):
    """What to do with a new report given its best candidate's score."""

    AUTO_LINK = "auto_link"
    REVIEW = "review"
    NEW_INCIDENT = "new_incident"


@dataclasses.dataclass(frozen=True, slots=True)
class Thresholds:
    """Score thresholds: ``score >= auto_link`` links, ``score >= review`` queues for review.

    Raises ``ValueError`` unless ``0 <= review <= auto_link <= 1``, ``min_reports >= 0`` and
    ``0 <= early_auto_link <= 1``.
    """

    #: With the weights fitted on the shared development sets (publication dates included) and
    #: the abstentions of ``engine.abstains``: 0.7 gave no wrong automatic link on the
    #: synthetic and both company-stream sets (ours held out) in 5 orders, and the best news
    #: precision and B-cubed of 0.6-0.8 (see bench/dedup_engine_eval.py --all).
    auto_link: float = 0.7
    #: Below this the best candidate is shown but a new incident is opened.
    review: float = 0.3
    #: While fewer reports than this are stored, text statistics are not yet calibrated (in a
    #: near-empty store every shared word looks rare, and a look-alike event of the same
    #: system scored 0.86-0.89 against one or two stored reports, 0.39 against a few dozen):
    #: an automatic link then needs ``early_auto_link``. The development data's duplicates
    #: early in a replay all scored above it, so it costs them nothing there.
    min_reports: int = 0
    early_auto_link: float = 0.97

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.auto_link <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= review <= auto_link <= 1")
        if self.min_reports < 0:
            raise ValueError("min_reports must not be negative")
        if not 0.0 <= self.early_auto_link <= 1.0:
            raise ValueError("early_auto_link must be between 0 and 1")


#: A pair with two or more contradicting identity facts (``signals.contradictions``) scores at
#: most this log-odds: as an incident's best report that is about 0.5, the review band.
CONTRADICTION_CAP = 2.0


def logit(signals: Iterable[Signal]) -> float:
    """Return the linear score (log-odds) of a pair; unknown signal names weigh nothing.

    Two or more contradicting identity facts cap it at ``CONTRADICTION_CAP``: text alone
    never links reports of different systems, months and countries automatically. A pair of
    public-source items (``public_pair``) is scored by the public model instead.
    """
    values = {s.name: s.value for s in signals}
    intercept, weights = INTERCEPT, WEIGHTS
    if values.get("public_pair", 0.0) > 0:
        intercept, weights = PUBLIC_INTERCEPT, PUBLIC_WEIGHTS
    z = intercept + sum(weights.get(name, 0.0) * value for name, value in values.items())
    return min(z, CONTRADICTION_CAP) if values.get("contradictions", 0.0) >= 2 else z


def probability(signals: Iterable[Signal]) -> float:
    """Return the calibrated probability that a pair describes the same event."""
    return sigmoid(logit(signals))


def sigmoid(z: float) -> float:
    """Return the logistic function of ``z`` without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def support(logits: Iterable[float]) -> tuple[float, float]:
    """Return ``(best log-odds, sum of the other probabilities)`` of an incident's reports.

    Raises ``ValueError`` on no logits.
    """
    ordered = sorted(logits, reverse=True)
    if not ordered:
        raise ValueError("an incident needs at least one scored report")
    return ordered[0], sum(sigmoid(z) for z in ordered[1:])


def incident_probability(logits: Iterable[float]) -> float:
    """Return the probability that a report belongs to an incident, from its pair log-odds.

    The best report carries the score; further matching reports of the same incident add
    support (several moderately similar reports are better evidence than one).
    """
    best, others = support(logits)
    return sigmoid(SUPPORT_INTERCEPT + SUPPORT_BEST * best + SUPPORT_OTHERS * others)


def decide(score: float | None, thresholds: Thresholds | None = None) -> Decision:
    """Return the decision for the best candidate's score (``None``: no candidate at all)."""
    limits = thresholds or Thresholds()
    if score is not None and score >= limits.auto_link:
        return Decision.AUTO_LINK
    if score is not None and score >= limits.review:
        return Decision.REVIEW
    return Decision.NEW_INCIDENT
