"""After a submission commits: the dedup engine decides each new report's incident.

:func:`drain` takes unprocessed outbox entries (:mod:`incidents.reports.outbox`) one by one,
each in its own transaction, so a failure costs one entry a retry and a crash loses nothing.
Entries are processed by one writer at a time (SQLite's write lock; a transaction-scoped
advisory lock on PostgreSQL), so two reports of one event arriving together never both open
an incident.

For a new report (:func:`place_report`): the engine's candidates are stored as
:class:`~incidents.registry.models.DedupCandidate` rows; above the auto-link threshold the
report is linked to the best incident (reversible), otherwise it opens a new incident and,
in the review band, its candidates wait in the analysts' triage queue.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.db import utcnow
from incidents.dedup import Candidate, Decision, Match, Thresholds, match_report, register
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.sql_store import SqlStore
from incidents.registry.facts import facts_of
from incidents.registry.models import CandidateDecision, DedupCandidate, Incident, LinkOrigin
from incidents.registry.services import add_link, follow, open_incident
from incidents.reports.models import Report
from incidents.reports.outbox import OutboxEntry, OutboxEvent
from incidents.security.caller import Caller

#: Candidates kept per report (the API and the triage page show them).
MAX_CANDIDATES = 5
#: An entry that failed this often is left for an operator (``flask dedup drain`` shows it).
MAX_ATTEMPTS = 5
#: Any constant: the PostgreSQL advisory lock that makes the dedup writer single.
ADVISORY_LOCK = 0x41495844  # "AIXD"
#: Queue order: the report's event class, most severe first.
SEVERITY = {
    "ai_disaster": 5,
    "serious_ai_incident": 4,
    "serious_ai_hazard": 3,
    "ai_incident": 2,
    "ai_hazard": 1,
}

ENGINE = Caller.system()


@dataclasses.dataclass(frozen=True)
class DrainResult:
    """What one drain did: entries processed, entries that failed, entries still waiting."""

    processed: int
    failed: list[tuple[int, str]]
    remaining: int


def severity(report: Report) -> int:
    """The report's severity rank for the triage queue (0: not classified)."""
    return SEVERITY.get(str((report.classification or {}).get("event_class")), 0)


def place_report(session: Session, report: Report, thresholds: Thresholds) -> Incident:
    """Run the engine for a new submitted ``report``: store candidates, link or open an incident.

    Flushes, never commits. Raises ValueError if the report was already placed.
    """
    store = SqlStore(session)
    match = match_report(store, facts_of(report), thresholds)
    incidents = _incidents(session, match.candidates[:MAX_CANDIDATES])
    auto = match.decision is Decision.AUTO_LINK
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
        )
    else:
        incident = open_incident(session, ENGINE, report, reason=_why_new(match))
    _store_candidates(session, report, match, incidents, thresholds)
    register(store, match.fingerprint, incident.reference)
    session.flush()
    return incident


def refresh_fingerprint(session: Session, report: Report) -> None:
    """Recompute an amended report's fingerprint; its incident and candidates stay as they are."""
    store = SqlStore(session)
    incident = store.remove(str(report.id))
    if incident is not None:
        register(store, fingerprint(facts_of(report)), incident)


def drain(
    session: Session,
    thresholds: Thresholds,
    *,
    limit: int | None = None,
    on_entry: Callable[[float], Any] | None = None,
) -> DrainResult:
    """Process up to ``limit`` waiting outbox entries, oldest first, committing each.

    ``on_entry`` is called with each entry's processing time in milliseconds (benchmarks).
    """
    processed, failed = 0, list[tuple[int, str]]()
    while limit is None or processed + len(failed) < limit:
        _lock_writer(session)
        waiting = _waiting()
        if failed:  # a failed entry waits for the next drain instead of blocking this one
            waiting = waiting.where(OutboxEntry.id.not_in([entry_id for entry_id, _ in failed]))
        entry = session.scalar(waiting.order_by(OutboxEntry.id).limit(1))
        if entry is None:
            session.rollback()
            break
        entry_id, started = entry.id, time.perf_counter()
        try:
            _process(session, entry, thresholds)
            entry.dedup_at = utcnow()
            session.commit()
        except Exception as error:
            session.rollback()
            failed.append((entry_id, f"{type(error).__name__}: {error}"))
            _record_failure(session, entry_id, failed[-1][1])
            continue
        processed += 1
        if on_entry is not None:
            on_entry((time.perf_counter() - started) * 1000)
    remaining = session.scalar(sa.select(sa.func.count()).select_from(_waiting().subquery()))
    session.rollback()
    return DrainResult(processed, failed, int(remaining or 0))


def _process(session: Session, entry: OutboxEntry, thresholds: Thresholds) -> None:
    report = session.get(Report, entry.report_id)
    if report is None or report.reference is None:
        return
    if entry.event is OutboxEvent.AMENDED:
        refresh_fingerprint(session, report)
        return
    placed = session.scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(DedupCandidate.id).where(DedupCandidate.report_id == report.id).subquery()
        )
    )
    if placed or SqlStore(session).incident_ids([str(report.id)]):
        return  # already placed (an entry replayed after a crash between work and mark)
    place_report(session, report, thresholds)


def _waiting() -> sa.Select[OutboxEntry]:
    return sa.select(OutboxEntry).where(
        OutboxEntry.dedup_at.is_(None), OutboxEntry.dedup_attempts < MAX_ATTEMPTS
    )


def _lock_writer(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK)))


def _record_failure(session: Session, entry_id: int, message: str) -> None:
    session.execute(
        sa.update(OutboxEntry)
        .where(OutboxEntry.id == entry_id)
        .values(dedup_attempts=OutboxEntry.dedup_attempts + 1, dedup_error=message[:2000])
    )
    session.commit()


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
    for rank, candidate in enumerate(match.candidates[:MAX_CANDIDATES], start=1):
        incident = incidents.get(candidate.incident_id)
        if incident is None:
            continue
        incident = follow(incident)
        if incident.id in seen:
            continue
        seen.add(incident.id)
        decision, reason = _engine_decision(rank, candidate.score, auto, thresholds)
        session.add(
            DedupCandidate(
                report=report,
                incident=incident,
                evidence_report_id=int(candidate.report_id),
                rank=rank,
                score=candidate.score,
                severity=rank_of_report,
                signals=[dataclasses.asdict(signal) for signal in candidate.signals],
                decision=decision,
                reason=reason,
                decided_at=None if decision is CandidateDecision.PENDING else utcnow(),
            )
        )


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
