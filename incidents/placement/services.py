"""After a submission commits: the dedup engine decides each new report's incident.

The outbox's ``dedup`` consumer (:func:`handler`) takes each entry in its own transaction, so
a failure costs one entry a retry and a crash loses nothing. Entries are processed by one
drain at a time (the outbox's consumer lock), so two reports of one event arriving together
never both open an incident. The engine scores a report before the drain takes the
database's write lock (a read snapshot on SQLite), and only the decision is written under it.

For a new report (:func:`place_report`): the engine's candidates are stored as
:class:`~incidents.registry.models.DedupCandidate` rows; above the auto-link threshold the
report is linked to the best incident (reversible), otherwise it opens a new incident and,
in the review band, its candidates wait in the analysts' triage queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.classification.severity import severity_rank
from incidents.config import Settings
from incidents.db import utcnow
from incidents.dedup import Candidate, Decision, Match, Thresholds, match_report, register
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.memory import hand_over, remembered_reads
from incidents.dedup.models import DedupFingerprint
from incidents.dedup.sql_store import SqlStore
from incidents.dedup.store import CachedReads
from incidents.outbox import services as outbox
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import DrainResult, Event, Staged
from incidents.placement import reconsider
from incidents.placement.facts import facts_of
from incidents.registry.models import CandidateDecision, DedupCandidate, Incident, LinkOrigin
from incidents.registry.queries import follow, primary_incident
from incidents.registry.services import add_link, open_incident
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.scope import ANALYSTS, NETWORK, report_keys

#: Candidates kept per report (the API and the triage page show them).
MAX_CANDIDATES = 5
#: The reason of a candidate no institute may read both sides of, resolved by the engine.
UNDECIDABLE = "undecidable: no institute may read both reports; the engine kept them apart"
#: The outbox consumer that places reports.
CONSUMER = "dedup"

ENGINE = Caller.system()


def severity(report: Report) -> int:
    """The report's severity rank for the triage queue (0: not classified)."""
    return severity_rank(report.classification)


@dataclass(frozen=True)
class Scored:
    """The engine's match for a report, with the reads it made (the reconsideration after
    the placement reads them again)."""

    store: CachedReads
    match: Match


def score_report(session: Session, report: Report, thresholds: Thresholds) -> Scored:
    """Run the engine's lookup and scoring for ``report``; reads only."""
    store = remembered_reads(session)
    return Scored(store, match_report(store, facts_of(report), thresholds))


def place_report(
    session: Session, report: Report, thresholds: Thresholds, scored: Scored
) -> Incident:
    """Store candidates for a new submitted ``report`` and link it or open an incident, as
    the engine decided (``scored``: by :func:`score_report` against the store as it is now).

    Flushes, never commits. Raises ValueError if the report was already placed.
    """
    store, match = scored.store, scored.match
    incidents = _incidents(session, match.candidates[:MAX_CANDIDATES])
    auto = match.decision is Decision.AUTO_LINK
    # What the link's origin, score and reason speak of: the best candidate's report.
    evidence = (
        [
            found
            for found in [session.get(Report, int(match.candidates[0].report_id))]
            if found is not None
        ]
        if match.candidates
        else []
    )
    if auto:
        best = match.candidates[0]
        incident = follow(incidents[best.incident_id])
        origin = LinkOrigin.SERIES if best.signals[0].name == "series" else LinkOrigin.AUTO
        add_link(
            session,
            ENGINE,
            incident,
            report,
            origin=origin,
            reason=f"dedup score {best.score:.2f}",
            score=best.score,
            sources=evidence,
        )
    else:
        incident = open_incident(session, ENGINE, report, reason=_why_new(match), sources=evidence)
    _store_candidates(session, report, match, incidents, thresholds)
    register(store, match.fingerprint, incident.reference)
    reconsider.after_placement(session, store, report, match, incident, thresholds, decidable)
    session.flush()
    hand_over(session, store)
    return incident


def refresh_fingerprint(session: Session, report: Report) -> None:
    """Recompute an amended report's fingerprint; its incident and candidates stay as they are."""
    store = SqlStore(session)
    incident = store.remove(str(report.id))
    if incident is not None:
        register(store, fingerprint(facts_of(report)), incident)


def thresholds(settings: Settings) -> Thresholds:
    """The dedup thresholds configured for this app."""
    return Thresholds(
        auto_link=settings.dedup_auto_link,
        review=settings.dedup_review,
        min_reports=settings.dedup_min_reports,
    )


def handler(configured: Thresholds) -> Staged[Scored | None]:
    """The dedup consumer of the outbox: places new reports (scored first, see the module),
    refreshes amended ones, and keeps the engine's incident of a moved report equal to its
    first incident."""

    def score(session: Session, entries: Sequence[OutboxEntry]) -> Scored | None:
        """The engine's match for a submitted report not placed yet (None for others)."""
        entry = entries[0]
        report = session.get(Report, entry.subject_id)
        if (
            report is None
            or report.reference is None
            or entry.event in (Event.REPORT_AMENDED, Event.REPORT_MOVED)
            or _placed(session, report)
        ):
            return None
        return score_report(session, report, configured)

    def handle(session: Session, entries: Sequence[OutboxEntry], scored: Scored | None) -> None:
        entry = entries[0]
        report = session.get(Report, entry.subject_id)
        if report is None or report.reference is None:
            return
        if entry.event == Event.REPORT_AMENDED:
            refresh_fingerprint(session, report)
            reconsider.after_amendment(session, report, configured, decidable)
        elif entry.event == Event.REPORT_MOVED:
            first = primary_incident(session, report)
            if first is not None:
                SqlStore(session).reassign(str(report.id), first.reference)
        elif scored is not None:  # under the consumer's lock: still not placed
            place_report(session, report, configured, scored)

    return Staged(handle, prepare=score)


def drain(
    session: Session,
    configured: Thresholds,
    *,
    limit: int | None = None,
    seconds: float | None = None,
    on_entry: Callable[[float], Any] | None = None,
) -> DrainResult:
    """Place what waits in the outbox for the dedup engine (see ``outbox.services.drain``)."""
    return outbox.drain(
        session, CONSUMER, handler(configured), limit=limit, seconds=seconds, on_entry=on_entry
    )


def _placed(session: Session, report: Report) -> bool:
    """Whether ``report`` was placed already (an entry replayed after a crash between work
    and mark)."""
    candidates = sa.exists().where(DedupCandidate.report_id == report.id)
    stored = sa.exists().where(DedupFingerprint.report_id == report.id)
    return bool(session.scalar(sa.select(sa.or_(candidates, stored))))


def _incidents(session: Session, candidates: tuple[Candidate, ...]) -> dict[str, Incident]:
    references = [c.incident_id for c in candidates]
    if not references:
        return {}
    rows = session.scalars(sa.select(Incident).where(Incident.reference.in_(references)))
    return {incident.reference: incident for incident in rows}


def _store_candidates(
    session: Session,
    report: Report,
    match: Match,
    incidents: dict[str, Incident],
    thresholds: Thresholds,
) -> None:
    auto = match.decision is Decision.AUTO_LINK
    rank_of_report = severity(report)
    seen: set[int] = set()
    rows: list[dict[str, Any]] = []
    for rank, candidate in enumerate(match.candidates[:MAX_CANDIDATES], start=1):
        incident = incidents.get(candidate.incident_id)
        if incident is None:
            continue
        incident = follow(incident)
        if incident.id in seen:
            continue
        seen.add(incident.id)
        decision, reason = _engine_decision(rank, candidate.score, auto, thresholds)
        evidence = (
            session.get(Report, int(candidate.report_id))
            if decision is CandidateDecision.PENDING
            else None
        )
        if evidence is not None and not decidable(report, evidence):
            # Nobody could open it: the engine resolves it alone (the report keeps its own
            # incident, or the link it had) instead of leaving it in no one's queue.
            decision, reason = CandidateDecision.REJECTED, UNDECIDABLE
        rows.append(
            {
                "report_id": report.id,
                "incident_id": incident.id,
                "evidence_report_id": int(candidate.report_id),
                "rank": rank,
                "score": candidate.score,
                "severity": rank_of_report,
                "signals": [signal.as_row() for signal in candidate.signals],
                "decision": decision,
                "reason": reason,
                "decided_at": None if decision is CandidateDecision.PENDING else utcnow(),
            }
        )
    if rows:  # one statement for all of them (the placement's other rows are flushed first)
        session.execute(sa.insert(DedupCandidate), rows)


def readers(report: Report) -> frozenset[str] | None:
    """Which institutes' analysts may read ``report``: ``None`` for every network institute
    (shared with the network, or public), else the ``to:`` keys of its named recipients."""
    keys = report_keys(report)
    if NETWORK in keys or ANALYSTS in keys:
        return None
    return frozenset(k for k in keys if k.startswith("to:"))


def decidable(report: Report, *evidence: Report) -> bool:
    """Whether some institute's analysts may read ``report`` and every one of ``evidence``
    (the incidents' reports it was compared with): only then can an analyst judge it."""
    common: frozenset[str] | None = None
    for each in (report, *evidence):
        keys = readers(each)
        if keys is not None:
            common = keys if common is None else common & keys
    return common is None or bool(common)


def _engine_decision(
    rank: int, score: float, auto: bool, thresholds: Thresholds
) -> tuple[CandidateDecision, str]:
    """The engine's decision on one candidate of a report.

    The best candidate of an auto-linked report is auto-linked; another candidate is queued
    when it also scores as high (the two incidents may be one). Without an auto-link, every
    candidate in the review band is queued. Candidates below it are rejected by the engine.
    """
    if auto and rank == 1:
        return CandidateDecision.AUTO_LINKED, f"score above {thresholds.auto_link:.2f}"
    floor = thresholds.auto_link if auto else thresholds.review
    if score >= floor:
        return CandidateDecision.PENDING, ""
    return CandidateDecision.REJECTED, f"score below {floor:.2f}"


def _why_new(match: Match) -> str:
    if not match.candidates:
        return "no similar report found"
    best = match.candidates[0].score
    if match.decision is Decision.REVIEW:
        return f"best candidate scored {best:.2f}: queued for review"
    return f"no likely candidate (the best scored {best:.2f}): a new incident"
