"""``flask dedup …``: rebuild the engine's store, explain a report's candidates, drain the
reports waiting to be placed, and their status."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from incidents.config import Settings
from incidents.dedup import Candidate, decide, find_candidates
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.models import DedupFingerprint, DedupKey, DedupKeyCount
from incidents.dedup.sql_store import SqlStore
from incidents.extensions import db_session
from incidents.outbox.cli import echo_status, work
from incidents.outbox.locks import consumer_lock, transaction_lock
from incidents.placement.checks import store_drift
from incidents.placement.facts import facts_of
from incidents.placement.services import CONSUMER, thresholds
from incidents.registry.models import DedupCandidate, Incident, IncidentLink
from incidents.registry.queries import active_links
from incidents.reports.models import Report, ReportState

dedup_cli = AppGroup("dedup", help="Deduplication of reports into incidents.")

#: Reports loaded at a time by ``rebuild`` (the rest stay in the database).
CHUNK = 500
#: Candidates whose signals ``explain`` prints.
EXPLAINED = 3


def _settings() -> Settings:
    settings: Settings = current_app.config["INCIDENTS_SETTINGS"]
    return settings


# --- rebuild -------------------------------------------------------------------------------


@dedup_cli.command("rebuild")
@click.option("--chunk", type=click.IntRange(1, 10_000), default=CHUNK, show_default=True)
def rebuild_command(chunk: int) -> None:
    """Recompute the fingerprints of every submitted report placed in an incident.

    One transaction: the store is emptied and refilled, and only then committed, so a
    failure leaves the old store in place; placement waits meanwhile (the dedup consumer's
    lock). Reports still waiting in the outbox are left to ``flask dedup drain``.
    """
    session = db_session()
    started = time.perf_counter()
    # The dedup consumer's lock: no placement scores against the store while it is rebuilt.
    with consumer_lock(session, CONSUMER):
        transaction_lock(session, CONSUMER)
        total, waiting, keys = _rebuild(session, chunk)
        session.commit()
    click.echo(
        f"Rebuilt the dedup store: {total} reports, {keys} keys "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if waiting:
        click.echo(f"{waiting} submitted reports are not placed yet: run `flask dedup drain`.")


def _rebuild(session: Session, chunk: int) -> tuple[int, int, int]:
    """Empty the store and fill it again (flushed, not committed): the reports stored, the
    reports still waiting for placement, the keys stored."""
    total = session.scalar(sa.select(sa.func.count()).select_from(_placed().subquery())) or 0
    waiting = session.scalar(sa.select(sa.func.count()).select_from(_unplaced().subquery())) or 0
    for table in (DedupKey, DedupKeyCount, DedupFingerprint):
        session.execute(sa.delete(table))
    store = SqlStore(session)
    with click.progressbar(length=total, label="Fingerprinting", file=sys.stderr) as bar:
        for reports in _in_chunks(session, chunk):
            primary = _primary_incidents(session, [r.id for r in reports])
            for report in reports:
                store.add(fingerprint(facts_of(report)), primary[report.id])
            bar.update(len(reports))
            session.flush()
            session.expunge_all()  # keep memory flat: only the current chunk is loaded
    keys = session.scalar(sa.select(sa.func.count()).select_from(DedupKey)) or 0
    return total, waiting, keys


@dedup_cli.command("refresh")
@click.option("--chunk", type=click.IntRange(1, 10_000), default=CHUNK, show_default=True)
@click.pass_context
def refresh_command(context: click.Context, chunk: int) -> None:
    """One-off after an upgrade that changed how fingerprints are made (the filing organisation
    stored with each report; the terms of text in other languages and scripts, and amounts of
    money): the same as ``rebuild``."""
    context.invoke(rebuild_command, chunk=chunk)


def _submitted() -> sa.ColumnElement[bool]:
    # Withdrawn reports were submitted and stay in their incidents (and in the store).
    return sa.and_(Report.reference.is_not(None), Report.state != ReportState.DRAFT)


def _linked() -> sa.Exists:
    return sa.exists().where(IncidentLink.report_id == Report.id, IncidentLink.removed_at.is_(None))


def _placed() -> sa.Select[Report]:
    return sa.select(Report).where(_submitted(), _linked())


def _unplaced() -> sa.Select[Report]:
    return sa.select(Report).where(_submitted(), ~_linked())


def _in_chunks(session: Session, size: int) -> Iterator[list[Report]]:
    """The placed reports in id order, ``size`` at a time (keyset pagination)."""
    last = 0
    while True:
        query = _placed().where(Report.id > last).order_by(Report.id).limit(size)
        reports = list(session.scalars(query))
        if not reports:
            return
        yield reports
        last = reports[-1].id


def _primary_incidents(session: Session, report_ids: Sequence[int]) -> dict[int, str]:
    """Each report's primary incident reference (``services.primary_incident``, batched)."""
    query = (
        sa.select(IncidentLink.report_id, Incident.reference)
        .join(Incident, Incident.id == IncidentLink.incident_id)
        .where(IncidentLink.report_id.in_(report_ids), IncidentLink.removed_at.is_(None))
        .order_by(IncidentLink.id.desc())
    )
    # Newest first, so the oldest link of each report is the one left in the dict.
    return dict(session.execute(query).all())


# --- explain -------------------------------------------------------------------------------


@dedup_cli.command("explain")
@click.argument("reference")
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
def explain_command(reference: str, limit: int) -> None:
    """Show why REFERENCE (RPT-…) is where it is: stored candidates, incidents, live ranking."""
    session = db_session()
    report = session.scalar(sa.select(Report).where(Report.reference == reference.upper()))
    if report is None:
        raise click.ClickException(f"No submitted report {reference!r}.")
    click.echo(f"{report.reference}: {report.title}")
    _echo_incidents(session, report)
    _echo_stored(session, report)
    _echo_live(session, report, limit)


def _echo_incidents(session: Session, report: Report) -> None:
    links = active_links(session, report)
    click.echo("\nIncidents:" if links else "\nIncidents: none (waiting in the outbox?)")
    for link in links:
        incident = link.incident
        click.echo(
            f"  {incident.reference}  {incident.status.value}  linked {link.origin.value}"
            f" {link.created_at:%Y-%m-%d %H:%M}  {link.reason}".rstrip()
        )


def _echo_stored(session: Session, report: Report) -> None:
    query = (
        sa.select(DedupCandidate)
        .where(DedupCandidate.report_id == report.id)
        .order_by(DedupCandidate.rank)
    )
    candidates = list(session.scalars(query))
    click.echo("\nStored candidates:" if candidates else "\nStored candidates: none")
    for candidate in candidates:
        who = candidate.decided_by.email if candidate.decided_by else "the platform"
        when = f"{candidate.decided_at:%Y-%m-%d %H:%M}" if candidate.decided_at else ""
        decided = f"by {who} {when}" if candidate.decided_at else "waiting for an analyst"
        click.echo(
            f"  #{candidate.rank} {candidate.incident.reference}  score {candidate.score:.3f}"
            f"  {candidate.decision.value}  {decided}"
        )
        if candidate.reason:
            click.echo(f"      reason: {candidate.reason}")
        if candidate.rank <= EXPLAINED:
            click.echo(f"      compared with {candidate.evidence_report.reference}")
            _echo_signals(candidate.signals)


def _echo_live(session: Session, report: Report, limit: int) -> None:
    candidates = _live_candidates(session, report, limit)
    decision = decide(candidates[0].score if candidates else None, thresholds(_settings()))
    click.echo(f"\nLive ranking if it arrived today (the engine would decide: {decision.value}):")
    if not candidates:
        click.echo("  no candidate")
    references = _references(session, candidates)
    for rank, candidate in enumerate(candidates, start=1):
        click.echo(
            f"  #{rank} {candidate.incident_id}  score {candidate.score:.3f}"
            f"  compared with {references.get(candidate.report_id, candidate.report_id)}"
        )
        if rank <= EXPLAINED:
            _echo_signals([s.as_row() for s in candidate.signals])


def _live_candidates(session: Session, report: Report, limit: int) -> list[Candidate]:
    """The engine's candidates for ``report`` against today's store, without the report.

    A stored report would count itself in the store's term statistics and score its
    candidates differently from a new one; it is taken out in a savepoint that is rolled back.
    """
    store = SqlStore(session)
    savepoint = session.begin_nested()
    try:
        store.remove(str(report.id))
        return find_candidates(store, facts_of(report), limit=limit)
    finally:
        savepoint.rollback()


def _echo_signals(signals: Sequence[dict[str, Any]]) -> None:
    for signal in signals:
        agrees = signal.get("agrees")
        verdict = "neutral" if agrees is None else "agrees" if agrees else "disagrees"
        click.echo(
            f"      {signal.get('name', '?'):<12} {float(signal.get('value') or 0):6.3f}"
            f"  {verdict:<9}  {signal.get('explanation', '')}"
        )


def _references(session: Session, candidates: Sequence[Candidate]) -> dict[str, str]:
    ids = [int(c.report_id) for c in candidates]
    if not ids:
        return {}
    rows = session.execute(sa.select(Report.id, Report.reference).where(Report.id.in_(ids)))
    return {str(report_id): str(ref) for report_id, ref in rows}


# --- drain and status ----------------------------------------------------------------------


@dedup_cli.command("drain")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many entries.")
@click.option(
    "--follow",
    is_flag=True,
    help="Keep placing new reports as they arrive, until interrupted (the single writer to run "
    "beside web workers started with INCIDENTS_OUTBOX_AFTER_RESPONSE=false).",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 60),
    default=1.0,
    show_default=True,
    help="With --follow: seconds to wait when nothing is waiting.",
)
def drain_command(limit: int | None, follow: bool, interval: float) -> None:
    """Place the reports waiting in the outbox now; exit status 1 if any entry failed."""
    work(CONSUMER, limit, follow, interval)


@dedup_cli.command("status")
def status_command() -> None:
    """How many reports wait to be placed, the oldest one's age, and what is parked with its
    error (exit status 1 if any)."""
    if echo_status(db_session(), CONSUMER):
        raise SystemExit(1)


@dedup_cli.command("verify")
def verify_command() -> None:
    """Compare the dedup store with the reports: missing or stray fingerprints, fingerprints
    under the wrong incident, wrong key counts (exit status 1 on any drift)."""
    drift = store_drift(db_session())
    click.echo(
        f"Dedup store drift: {drift.total} ({drift.missing} missing, {drift.stray} stray, "
        f"{drift.wrong_incident} under another incident, {drift.key_counts} key counts, "
        f"{drift.report_count} report count); {drift.waiting} reports waiting to be placed."
    )
    if drift.total:
        click.echo("Repair it with `flask --app wsgi dedup rebuild`.", err=True)
        raise SystemExit(1)
