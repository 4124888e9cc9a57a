"""``flask dedup rebuild | explain | drain``, and the commands that file reports draining too."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization
from incidents.dedup.fingerprint import FILER, fingerprint
from incidents.dedup.models import GENERATION_KEY, DedupFingerprint, DedupKey, DedupKeyCount
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import MAX_ATTEMPTS
from incidents.placement import cli as dedup_cli
from incidents.placement import services as pipeline
from incidents.registry import queries, services, triage
from incidents.registry.candidates import pending_candidates
from incidents.registry.models import Incident, IncidentLink
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import registry_helpers
from tests.conftest import MakeUser
from tests.registry_data import SEPSIS_DEPLOYER, SEPSIS_DEVELOPER
from tests.registry_helpers import Sepsis, file_as, file_sepsis, incident_of, reporter_of
from tests.reports_data import MINIMAL_INITIAL


@pytest.fixture
def cli(app: Flask, db: Session):
    def invoke(*args: str) -> Result:
        return app.test_cli_runner().invoke(args=list(args))

    return invoke


@pytest.fixture
def companies(db: Session) -> list[Organization]:
    return registry_helpers.companies(5)


@pytest.fixture
def sepsis(db: Session, companies: list[Organization]) -> Sepsis:
    return file_sepsis(db, companies[:4])


def snapshot(db: Session) -> dict[str, Any]:
    """The engine's store and the registry, as sets of plain rows."""
    db.expire_all()
    return {
        "keys": set(db.execute(sa.select(DedupKey.kind, DedupKey.key, DedupKey.report_id)).all()),
        "counts": set(
            db.execute(
                sa.select(DedupKeyCount.kind, DedupKeyCount.key, DedupKeyCount.count).where(
                    DedupKeyCount.count > 0,  # a removed report leaves zero counts behind
                    DedupKeyCount.key != GENERATION_KEY[1],  # a new store: a new generation
                )
            ).all()
        ),
        "fingerprints": {
            (f.report_id, f.incident_ref, json.dumps(f.features, sort_keys=True))
            for f in db.scalars(sa.select(DedupFingerprint))
        },
        "links": set(
            db.execute(
                sa.select(IncidentLink.report_id, IncidentLink.incident_id).where(
                    IncidentLink.removed_at.is_(None)
                )
            ).all()
        ),
        "incidents": set(db.execute(sa.select(Incident.reference, Incident.status)).all()),
    }


def outbox(db: Session) -> list[OutboxEntry]:
    db.expire_all()
    query = sa.select(OutboxEntry).where(OutboxEntry.consumer == "dedup")
    return list(db.scalars(query.order_by(OutboxEntry.id)))


# --- rebuild -------------------------------------------------------------------------------


def test_rebuild_recomputes_the_same_store(
    cli: Any, db: Session, sepsis: Sepsis, companies: list[Organization], make_user: MakeUser
) -> None:
    analyst = Caller(make_user(Role.ANALYST), "web")
    # History the store has been through: a merge and an amendment.
    services.merge(
        db,
        analyst,
        incident_of(db, sepsis.false_alarms),
        incident_of(db, sepsis.deployer),
        reason="test",
    )
    db.commit()
    registry_helpers.place(db)  # the engine learns where the merge moved the reports
    waiting = file_as(db, companies[4], SEPSIS_DEPLOYER)  # filed, not drained
    before = snapshot(db)
    assert len(before["fingerprints"]) == 4
    # Damage the store: a report's keys lost, another grouped under the wrong incident.
    db.execute(sa.delete(DedupKey).where(DedupKey.report_id == sepsis.family.id))
    db.execute(
        sa.update(DedupFingerprint)
        .where(DedupFingerprint.report_id == sepsis.developer.id)
        .values(incident_ref="INC-1999-00001")
    )
    db.commit()
    assert snapshot(db) != before

    result = cli("dedup", "rebuild", "--chunk", "3")

    assert result.exit_code == 0, result.output
    assert snapshot(db) == before
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Rebuilt the dedup store: 4 reports, {len(before['keys'])} keys")
    assert lines[1] == "1 submitted reports are not placed yet: run `flask dedup drain`."
    assert "Fingerprinting" in result.stderr
    assert db.get(DedupFingerprint, waiting.id) is None
    assert outbox(db)[-1].done_at is None


def test_a_failed_rebuild_leaves_the_old_store(
    cli: Any, db: Session, sepsis: Sepsis, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db)
    real = fingerprint
    calls = []

    def failing(facts: Any) -> Any:
        calls.append(facts.report_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(facts)

    monkeypatch.setattr(dedup_cli, "fingerprint", failing)
    result = cli("dedup", "rebuild")
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)
    assert snapshot(db) == before


def test_refresh_stores_the_filer_of_fingerprints_made_before_it_was_kept(
    cli: Any, db: Session, sepsis: Sepsis
) -> None:
    before = snapshot(db)
    # A store written before fingerprints kept their filer: no filer keys, no filer feature.
    db.execute(sa.delete(DedupKey).where(DedupKey.kind == FILER))
    for row in db.scalars(sa.select(DedupFingerprint)):
        row.features = {k: v for k, v in row.features.items() if k != "filer"}
    db.commit()
    assert snapshot(db) != before

    result = cli("dedup", "refresh")

    assert result.exit_code == 0, result.output
    assert snapshot(db) == before
    assert result.stdout.startswith("Rebuilt the dedup store: 4 reports")


def test_rebuild_of_an_empty_registry(cli: Any, db: Session) -> None:
    result = cli("dedup", "rebuild")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Rebuilt the dedup store: 0 reports, 0 keys")


# --- explain -------------------------------------------------------------------------------


def test_explain_shows_candidates_signals_incidents_and_the_live_ranking(
    cli: Any, db: Session, sepsis: Sepsis
) -> None:
    incident = incident_of(db, sepsis.deployer)
    assert sepsis.family.reference is not None
    result = cli("dedup", "explain", sepsis.family.reference.lower())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{sepsis.family.reference}: {sepsis.family.title}\n")
    incidents = out.split("Incidents:")[1].split("Stored candidates:")[0]
    assert f"{incident.reference}  open  linked auto" in incidents
    stored = out.split("Stored candidates:")[1].split("Live ranking")[0]
    assert f"#1 {incident.reference}  score " in stored
    assert "auto_linked  by the platform" in stored
    assert "compared with RPT-" in stored
    assert "text_cosine" in stored
    assert " agrees " in stored
    live = out.split("Live ranking if it arrived today (the engine would decide: auto_link):")[1]
    assert f"#1 {incident.reference}  score " in live
    assert "text_cosine" in live
    assert sepsis.family.reference not in live  # never its own candidate


def test_explain_a_queued_report_and_an_analysts_decision(
    cli: Any, db: Session, sepsis: Sepsis, make_user: MakeUser
) -> None:
    candidate = pending_candidates(db, sepsis.false_alarms)[0]
    out = cli("dedup", "explain", sepsis.false_alarms.reference).stdout
    assert "pending  waiting for an analyst" in out
    # Filed last, it ranks today exactly as it did when it was placed (not against itself).
    assert out.count(f"#1 {candidate.incident.reference}  score {candidate.score:.3f}") == 2
    assert " disagrees " in out or " neutral " in out
    assert "the engine would decide: review" in out

    analyst = make_user(Role.ANALYST, email="ana@institute.example")
    triage.reject(db, Caller(analyst, "web"), candidate, reason="another hospital")
    db.commit()
    out = cli("dedup", "explain", sepsis.false_alarms.reference).stdout
    assert "rejected  by ana@institute.example" in out
    assert "reason: another hospital" in out


def test_explain_a_report_not_placed_yet(
    cli: Any, db: Session, companies: list[Organization]
) -> None:
    report = file_as(db, companies[0], SEPSIS_DEPLOYER)
    result = cli("dedup", "explain", report.reference)
    assert result.exit_code == 0, result.output
    assert "Incidents: none" in result.stdout
    assert "Stored candidates: none" in result.stdout
    assert "the engine would decide: new_incident" in result.stdout
    assert "  no candidate" in result.stdout


def test_explain_an_unknown_reference_fails(cli: Any, db: Session) -> None:
    result = cli("dedup", "explain", "RPT-1999-00001")
    assert result.exit_code == 1
    assert "No submitted report 'RPT-1999-00001'" in result.output


# --- drain ---------------------------------------------------------------------------------


def test_drain_places_waiting_reports(cli: Any, db: Session, companies: list[Organization]) -> None:
    first = file_as(db, companies[0], SEPSIS_DEPLOYER)
    second = file_as(db, companies[1], SEPSIS_DEVELOPER)

    result = cli("dedup", "drain", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "dedup: processed 1 outbox entries, 0 failed, 1 waiting.\n"

    result = cli("dedup", "drain")
    assert result.stdout == "dedup: processed 1 outbox entries, 0 failed, 0 waiting.\n"
    assert incident_of(db, second) == incident_of(db, first)
    empty = "dedup: processed 0 outbox entries, 0 failed, 0 waiting.\n"
    assert cli("dedup", "drain").stdout == empty


def test_drain_reports_failures(
    cli: Any, db: Session, companies: list[Organization], monkeypatch: pytest.MonkeyPatch
) -> None:
    file_as(db, companies[0], SEPSIS_DEPLOYER)

    def failing(*args: Any) -> Any:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(pipeline, "place_report", failing)
    entry = outbox(db)[0]
    result = cli("dedup", "drain")
    assert result.exit_code == 1
    assert result.stdout == "dedup: processed 0 outbox entries, 1 failed, 1 waiting.\n"
    assert f"dedup entry {entry.id}: RuntimeError: engine exploded" in result.stderr
    for _ in range(MAX_ATTEMPTS - 1):
        db.refresh(entry)
        entry.retry_at = None  # its delay has passed
        db.commit()
        result = cli("dedup", "drain")
    assert result.stdout == "dedup: processed 0 outbox entries, 1 failed, 0 waiting.\n"
    status = cli("dedup", "status")
    assert status.exit_code == 1
    assert status.stdout == "dedup: 0 waiting; 1 parked\n"
    assert f"parked entry {entry.id} (dedup, report.submitted" in status.stderr
    assert outbox(db)[0].error == "RuntimeError: engine exploded"
    assert cli("outbox", "retry", "--consumer", "dedup").stdout == (
        "1 parked entries will be tried again.\n"
    )
    monkeypatch.undo()
    assert cli("dedup", "drain").exit_code == 0
    assert cli("dedup", "status").stdout == "dedup: 0 waiting; 0 parked\n"


def test_follow_keeps_placing_reports_as_they_arrive_until_interrupted(
    cli: Any,
    db: Session,
    companies: list[Organization],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = file_as(db, companies[0], SEPSIS_DEPLOYER)
    waits: list[float] = []
    arrivals = [SEPSIS_DEVELOPER]

    def sleep(seconds: float) -> None:  # the outbox is empty: the next report arrives meanwhile
        waits.append(seconds)
        if not arrivals:
            raise KeyboardInterrupt
        file_as(db, companies[1], arrivals.pop())

    monkeypatch.setattr(time, "sleep", sleep)
    result = cli("dedup", "drain", "--follow", "--interval", "0.5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Working for dedup as changes arrive (Ctrl-C stops).",
        "dedup: processed 1 outbox entries, 0 failed, 0 waiting.",
        "dedup: processed 1 outbox entries, 0 failed, 0 waiting.",
        "Stopped.",
    ]
    assert waits == [0.5, 0.5]
    assert len(registry_helpers.members(db, incident_of(db, first))) == 2


def test_follow_reports_failures_and_goes_on(
    cli: Any,
    db: Session,
    companies: list[Organization],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file_as(db, companies[0], SEPSIS_DEPLOYER)

    def failing(*args: Any) -> Any:
        raise RuntimeError("engine exploded")

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "place_report", failing)
    monkeypatch.setattr(time, "sleep", interrupt)
    result = cli("dedup", "drain", "--follow")
    assert "dedup: processed 0 outbox entries, 1 failed, 1 waiting." in result.stdout
    assert "RuntimeError: engine exploded" in result.stderr
    assert result.stdout.endswith("Stopped.\n")


# --- the commands that file reports --------------------------------------------------------


def test_demo_places_its_reports_in_incidents(cli: Any, db: Session) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert all(entry.done_at is not None for entry in outbox(db))
    submitted = db.scalars(sa.select(Report).where(Report.reference.is_not(None))).all()
    assert submitted
    assert all(queries.primary_incident(db, report) for report in submitted)


def _import_file(tmp_path: Path) -> Path:
    lines = [
        {
            "title": title,
            "description": "Several users received unsafe advice from the assistant.",
            "distribution": {"tlp": "amber"},
            "classification": dict(MINIMAL_INITIAL),
        }
        for title in ("Assistant gave unsafe advice", "Assistant gave unsafe advice again")
    ]
    source = tmp_path / "reports.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return source


def test_import_places_the_imported_reports(
    cli: Any, db: Session, tmp_path: Path, company: Organization
) -> None:
    reporter_of(company)
    result = cli("reports", "import", str(_import_file(tmp_path)), "--org", company.name)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 2 reports, 0 failed.\n"
    assert "Placed 2 reports in incidents, 0 failed." in result.stderr
    imported = db.scalars(sa.select(Report).where(Report.organization_id == company.id)).all()
    assert all(queries.primary_incident(db, report) for report in imported)


def test_import_can_leave_the_reports_to_the_drain(
    cli: Any, db: Session, tmp_path: Path, company: Organization
) -> None:
    reporter_of(company)
    source = str(_import_file(tmp_path))
    result = cli("reports", "import", source, "--org", company.name, "--no-dedup")
    assert result.exit_code == 0, result.output
    assert "Placed" not in result.stderr
    assert [entry.done_at for entry in outbox(db)] == [None, None]
