"""Deduplication of AI-incident reports into incidents.

A report is reduced to :class:`~incidents.dedup.facts.ReportFacts`, fingerprinted into blocking
keys and stored features (:mod:`incidents.dedup.fingerprint`), looked up through a
:class:`~incidents.dedup.store.CandidateStore` by equality probes on ``(kind, key)`` rows, and
scored against the incidents it may belong to (:mod:`incidents.dedup.engine`). Scores are
calibrated probabilities from documented weights (:mod:`incidents.dedup.scoring`); the thresholds
that turn a score into auto-link / review / new-incident are configuration.

Usage::

    store = InMemoryStore()               # or the SQL store implementing CandidateStore
    match = match_report(store, facts, Thresholds(auto_link=0.7, review=0.3))
    incident = match.incident_id or open_new_or_queue_for_review(match)
    register(store, match.fingerprint, incident)

Benchmarks: ``bench/dedup_engine_eval.py`` (metrics on a labelled file, ``--degrade``,
``--background``, ``--cv``), ``bench/dedup_fit.py`` (refits the weights in ``scoring.py``),
``bench/dedup_scale.py`` (latency at N stored reports), ``bench/synthetic.py`` (data).
"""

from incidents.dedup.engine import Candidate, Match, find_candidates, match_report, register
from incidents.dedup.facts import AISystem, ReportFacts
from incidents.dedup.fingerprint import Fingerprint, fingerprint
from incidents.dedup.scoring import Decision, Thresholds, decide
from incidents.dedup.store import CandidateStore, InMemoryStore

__all__ = [
    "AISystem",
    "Candidate",
    "CandidateStore",
    "Decision",
    "Fingerprint",
    "InMemoryStore",
    "Match",
    "ReportFacts",
    "Thresholds",
    "decide",
    "find_candidates",
    "fingerprint",
    "match_report",
    "register",
]
