"""Reconsidering after a report is placed: fragments it bridges, links it makes doubtful.

Each report is placed once, so one miss would split an event for good. After a placement the
engine looks again, cheaply (a few batched reads of stored features, no new lookup):

* **Bridges** (:func:`bridges`): the report joined incident A at auto-link grade and also
  matches another incident B in the review band or above. A and B may be fragments of one
  event; the evidence is the report against each side and A's closest report against B's
  (the *direct* match). :attr:`Bridge.is_automatic` says whether all three reach auto-link
  grade.
* **Doubts** (:func:`recheck`): a report linked automatically is rescored against the other
  reports of its own incident and of a rival incident. Its link is doubtful when it no longer
  reaches auto-link grade at home, or when the rival now scores higher at auto-link grade.

Nothing here changes the store; the placement decides what to record.
"""

from __future__ import annotations

import dataclasses

from incidents.dedup.engine import Candidate, Match, abstains, pair_signals, score_candidates
from incidents.dedup.fingerprint import Fingerprint
from incidents.dedup.scoring import Decision, Thresholds, probability
from incidents.dedup.signals import Signal
from incidents.dedup.store import CandidateStore

#: Other incidents a bridging report is checked against (its best candidates first).
MAX_BRIDGES = 1
#: Reports of an incident a doubtful link is rescored against (the oldest first).
MAX_MEMBERS = 5


@dataclasses.dataclass(frozen=True, slots=True)
class Bridge:
    """A report that matches the incident it joined and another one: the two may be one."""

    report_id: str
    joined: Candidate
    other: Candidate
    direct: tuple[Signal, ...]
    direct_score: float

    @property
    def score(self) -> float:
        """The weaker side of the bridge: how well the report ties the two incidents."""
        return min(self.joined.score, self.other.score)

    def is_automatic(self, thresholds: Thresholds) -> bool:
        """Whether both sides and the direct match reach auto-link grade, and none of the
        three is evidence the engine would abstain on as a link (:func:`engine.abstains`:
        thin, the same company's system at another deployer, a passing mention)."""
        if min(self.score, self.direct_score) < thresholds.auto_link:
            return False
        direct = Candidate(
            self.other.incident_id, self.direct_score, self.other.report_id, self.direct
        )
        return not any(
            abstains([side], thresholds.auto_link) for side in (self.joined, self.other, direct)
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Doubt:
    """Why a report's automatic link to ``incident_id`` has become doubtful."""

    report_id: str
    incident_id: str
    own: Candidate | None
    rival: Candidate | None
    reason: str


def bridges(
    store: CandidateStore,
    match: Match,
    joined: str,
    thresholds: Thresholds,
    *,
    limit: int = MAX_BRIDGES,
) -> list[Bridge]:
    """Return the incidents other than ``joined`` that the new report of ``match`` bridges to.

    Only a report that joined ``joined`` at auto-link grade bridges (a report that opened an
    incident of its own is already a candidate of the others); the others must score at
    least ``thresholds.review``. Up to ``limit``, best first.
    """
    ranked = {c.incident_id: c for c in reversed(match.candidates)}
    home = ranked.get(joined)
    if (
        match.decision is not Decision.AUTO_LINK
        or home is None
        or home.score < thresholds.auto_link
    ):
        return []
    others = [
        c for c in match.candidates if c.incident_id != joined and c.score >= thresholds.review
    ][:limit]
    found = []
    for other in others:
        direct = direct_signals(store, home.report_id, other.report_id)
        found.append(Bridge(match.fingerprint.report_id, home, other, direct, probability(direct)))
    return found


def direct_signals(store: CandidateStore, left: str, right: str) -> tuple[Signal, ...]:
    """Return the signals of two stored reports against each other (none if one is unknown)."""
    features = store.features([left])
    if left not in features:
        return ()
    stored = Fingerprint(left, (), features[left])
    return tuple(pair_signals(store, stored, [right]).get(right, ()))


def recheck(
    store: CandidateStore,
    report_id: str,
    own: str,
    rival: str | None,
    thresholds: Thresholds,
    *,
    members: int = MAX_MEMBERS,
) -> Doubt | None:
    """Rescore a stored report linked automatically to ``own`` against that incident's other
    reports and those of ``rival``; return why the link is doubtful, or ``None``."""
    features = store.features([report_id])
    if report_id not in features:
        return None
    ids = [r for r in store.reports_of(own, limit=members + 1) if r != report_id][:members]
    if rival is not None and rival != own:
        ids += store.reports_of(rival, limit=members)
    fp = Fingerprint(report_id, (), features[report_id])
    scored = {c.incident_id: c for c in score_candidates(store, fp, ids, limit=2)}
    home, other = scored.get(own), scored.get(rival) if rival else None
    grade = thresholds.auto_link
    if other is not None and other.score >= grade and (home is None or other.score > home.score):
        reason = f"{rival} now scores higher ({other.score:.2f}) at auto-link grade"
        return Doubt(report_id, own, home, other, reason)
    if home is None or home.score < grade:
        now = f"{home.score:.2f}" if home else "no match"
        return Doubt(report_id, own, home, other, f"below auto-link grade at home now ({now})")
    return None
