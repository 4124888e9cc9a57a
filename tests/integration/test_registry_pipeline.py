"""After a submission commits, the outbox is drained and each report is placed in an incident:
auto-linked, queued for review with a provisional incident, or a new incident."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization
from incidents.dedup import Thresholds
from incidents.dedup.models import DedupFingerprint, DedupKey
from incidents.outbox import hooks
from incidents.outbox.models import OutboxEntry
from incidents.outbox.services import MAX_ATTEMPTS
from incidents.placement import services as pipeline
from incidents.placement.services import drain
from incidents.registry.models import CandidateDecision, IncidentLink, IncidentStatus, LinkOrigin
from incidents.reports import services as reports
from incidents.reports.batch import file_reports
from incidents.reports.content import ReportContent
from incidents.reports.models import Report, ReportStage
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories, registry_helpers
from tests.conftest import MakeUser
from tests.registry_data import (
    SEPSIS_DEPLOYER,
    SEPSIS_DEVELOPER,
    SEPSIS_FALSE_ALARMS,
    SEPSIS_FAMILY,
)
from tests.registry_helpers import (
    Sepsis,
    candidates,
    file_as,
    file_sepsis,
    incident_of,
    members,
    place,
    reporter_of,
)
from tests.reports_data import FINAL_ADDITIONS


@pytest.fixture
def companies(db: Session) -> list[Organization]:
    return registry_helpers.companies()


@pytest.fixture
def sepsis(db: Session, companies: list[Organization]) -> Sepsis:
    return file_sepsis(db, companies)


def outbox(db: Session) -> list[OutboxEntry]:
    """The dedup engine's outbox entries, oldest first."""
    query = sa.select(OutboxEntry).where(OutboxEntry.consumer == "dedup")
    return list(db.scalars(query.order_by(OutboxEntry.id)))


def stored_keys(db: Session, report: Report) -> set[tuple[str, str]]:
    query = sa.select(DedupKey.kind, DedupKey.key).where(DedupKey.report_id == report.id)
    return {(kind, key) for kind, key in db.execute(query)}


def test_three_voices_share_one_incident_and_the_false_alarms_wait_for_review(
    db: Session, sepsis: Sepsis
) -> None:
    incident = incident_of(db, sepsis.deployer)
    assert incident.status is IncidentStatus.OPEN
    assert members(db, incident) == [
        sepsis.deployer.reference,
        sepsis.developer.reference,
        sepsis.family.reference,
    ]
    assert [link.origin for link in incident.active_links] == [
        LinkOrigin.NEW,
        LinkOrigin.AUTO,
        LinkOrigin.AUTO,
    ]
    assert candidates(db, sepsis.deployer) == []
    for report in (sepsis.developer, sepsis.family):
        best = candidates(db, report)[0]
        assert (best.incident, best.decision, best.rank) == (
            incident,
            CandidateDecision.AUTO_LINKED,
            1,
        )
        assert best.score >= Thresholds().auto_link
        assert best.decided_at is not None
        assert {s["name"] for s in best.signals} >= {"text_cosine", "countries"}

    separate = incident_of(db, sepsis.false_alarms)
    assert separate != incident
    assert members(db, separate) == [sepsis.false_alarms.reference]
    pending = [c for c in candidates(db, sepsis.false_alarms) if c.is_pending]
    assert [c.incident for c in pending] == [incident]
    assert Thresholds().review <= pending[0].score < Thresholds().auto_link
    assert pending[0].evidence_report in (sepsis.deployer, sepsis.developer, sepsis.family)
    assert all(entry.done_at is not None for entry in outbox(db))


def test_the_store_groups_each_report_under_its_incident(db: Session, sepsis: Sepsis) -> None:
    query = sa.select(DedupFingerprint.report_id, DedupFingerprint.incident_ref)
    stored = dict(db.execute(query).all())
    incident = incident_of(db, sepsis.deployer).reference
    assert stored == {
        sepsis.deployer.id: incident,
        sepsis.developer.id: incident,
        sepsis.family.id: incident,
        sepsis.false_alarms.id: incident_of(db, sepsis.false_alarms).reference,
    }


def test_a_follow_up_joins_its_series_incident(
    db: Session, sepsis: Sepsis, companies: list[Organization]
) -> None:
    caller = Caller(reporter_of(companies[3]), "web")
    content = replace(
        SEPSIS_FALSE_ALARMS,
        title="Final report: paediatric threshold profile applied in error",
        description="The root cause was a configuration script run against the wrong ward.",
        classification={**SEPSIS_FALSE_ALARMS.classification, **FINAL_ADDITIONS},
    )
    follow_up = reports.file_follow_up(
        db, caller, sepsis.false_alarms, content, stage=ReportStage.FINAL
    )
    db.commit()
    place(db)
    incident = incident_of(db, sepsis.false_alarms)
    assert incident_of(db, follow_up) == incident
    assert incident.active_links[-1].origin is LinkOrigin.SERIES
    best = candidates(db, follow_up)[0]
    assert (best.decision, best.score, best.signals[0]["name"]) == (
        CandidateDecision.AUTO_LINKED,
        1.0,
        "series",
    )


def test_an_amendment_refreshes_the_fingerprint_but_not_the_incident(
    db: Session, sepsis: Sepsis, companies: list[Organization]
) -> None:
    incident = incident_of(db, sepsis.family)
    before = stored_keys(db, sepsis.family)
    caller = Caller(reporter_of(companies[2]), "web")
    amended = replace(
        SEPSIS_FAMILY,
        description=SEPSIS_FAMILY.description + " The coroner's inquest opens in March.",
        references=("https://news.example/inquest-northmoor",),
    )
    reports.amend(db, caller, sepsis.family, amended, reason="Added the inquest")
    db.commit()
    assert outbox(db)[-1].event == "report.amended"
    assert place(db).processed == 1
    after = stored_keys(db, sepsis.family)
    assert after != before
    assert any(kind == "url" for kind, _ in after - before)
    assert incident_of(db, sepsis.family) == incident
    assert sepsis.family.reference is not None
    assert members(db, incident).count(sepsis.family.reference) == 1
    stored = db.get(DedupFingerprint, sepsis.family.id)
    assert stored is not None
    assert stored.incident_ref == incident.reference


def test_batch_filing_writes_outbox_entries_that_a_drain_places(
    db: Session, companies: list[Organization]
) -> None:
    caller = Caller(reporter_of(companies[0]), "api")
    filed = file_reports(db, caller, [SEPSIS_DEPLOYER, ReportContent(), SEPSIS_FALSE_ALARMS])
    db.commit()
    placed = [r for r in filed if isinstance(r, Report)]
    assert len(placed) == 2
    entries = outbox(db)
    assert [(e.subject_id, e.event, e.done_at) for e in entries] == [
        (r.id, "report.submitted", None) for r in placed
    ]
    assert place(db).processed == 2
    assert all(incident_of(db, r) for r in placed)


def test_a_failing_entry_is_recorded_and_the_others_are_still_placed(
    db: Session, companies: list[Organization], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = file_as(db, companies[0], SEPSIS_DEPLOYER)
    second = file_as(db, companies[1], SEPSIS_FALSE_ALARMS)
    real = pipeline.place_report

    def failing(
        session: Session, report: Report, thresholds: Thresholds, scored: Any = None
    ) -> Any:
        if report.id == first.id:
            raise RuntimeError("engine exploded")
        return real(session, report, thresholds, scored)

    monkeypatch.setattr(pipeline, "place_report", failing)
    result = drain(db, Thresholds(), limit=2)
    assert result.processed == 1
    assert result.failed == [(outbox(db)[0].id, "RuntimeError: engine exploded")]
    assert result.remaining == 1
    failed, done = outbox(db)
    assert (failed.attempts, failed.error, failed.done_at) == (
        1,
        "RuntimeError: engine exploded",
        None,
    )
    assert done.done_at is not None
    assert incident_of(db, second)
    assert db.scalars(sa.select(IncidentLink).where(IncidentLink.report_id == first.id)).all() == []

    assert drain(db, Thresholds()).failed == []  # not retried before its delay has passed
    for attempt in range(2, MAX_ATTEMPTS + 1):  # once a drain, until given up
        db.refresh(failed)
        assert failed.retry_at is not None
        failed.retry_at = None  # the delay has passed
        db.commit()
        again = drain(db, Thresholds())
        assert (again.processed, len(again.failed)) == (0, 1)
        db.refresh(failed)
        assert failed.attempts == attempt
    assert again.remaining == 0
    assert failed.parked_at is not None

    monkeypatch.setattr(pipeline, "place_report", real)
    assert drain(db, Thresholds()).processed == 0  # given up: an operator must look at it


def test_an_entry_replayed_twice_places_its_report_once(
    db: Session, companies: list[Organization]
) -> None:
    report = file_as(db, companies[0], SEPSIS_DEPLOYER)
    place(db)
    incident = incident_of(db, report)
    # A crash after the work but before the entry was marked: the entry comes back.
    entry = outbox(db)[0]
    entry.done_at = None
    db.add(
        OutboxEntry(
            consumer="dedup", event="report.submitted", subject_type="report", subject_id=report.id
        )
    )
    db.commit()
    assert place(db).processed == 2
    assert members(db, incident) == [report.reference]
    assert db.scalar(sa.select(sa.func.count()).select_from(IncidentLink)) == 1


def test_entries_written_but_not_drained_are_placed_by_the_next_drain(
    db: Session, companies: list[Organization]
) -> None:
    # The process died after the submission committed: nothing drained the outbox.
    deployer = file_as(db, companies[0], SEPSIS_DEPLOYER)
    developer = file_as(db, companies[1], SEPSIS_DEVELOPER)
    assert [e.done_at for e in outbox(db)] == [None, None]
    assert db.scalar(sa.select(sa.func.count()).select_from(IncidentLink)) == 0
    assert place(db).processed == 2
    assert incident_of(db, developer) == incident_of(db, deployer)


def test_an_entry_of_a_vanished_or_unsubmitted_report_is_skipped(
    db: Session, companies: list[Organization]
) -> None:
    caller = Caller(reporter_of(companies[0]), "web")
    draft = reports.save_draft(db, caller, SEPSIS_DEPLOYER)
    db.add(
        OutboxEntry(
            consumer="dedup", event="report.submitted", subject_type="report", subject_id=draft.id
        )
    )
    db.commit()
    assert place(db).processed == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(IncidentLink)) == 0


def api_body(content: ReportContent) -> dict[str, Any]:
    return {
        "title": content.title,
        "description": content.description,
        "distribution": {"tlp": content.tlp},
        "classification": dict(content.classification),
        "references": list(content.references),
    }


def test_a_submission_through_the_api_is_placed_once_it_is_answered(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    reporter = make_user(Role.REPORTER)
    _, secret = factories.ApiTokenFactory.with_secret(user=reporter)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/reports", json=api_body(SEPSIS_DEPLOYER), headers=headers)
    assert response.status_code == 201, response.get_json()
    reference = response.headers["Location"].rsplit("/", 1)[1]
    report = db.scalar(sa.select(Report).where(Report.reference == reference))
    assert report is not None
    assert members(db, incident_of(db, report)) == [reference]
    assert all(e.done_at is not None for e in outbox(db))

    # The developer's own account of it, filed by the developer (another organisation): one
    # filer's two reports agree on system and setting by construction, and count for less.
    developer = factories.OrganizationFactory(name="Clarion Health Analytics")
    _, other = factories.ApiTokenFactory.with_secret(
        user=make_user(Role.REPORTER, organization=developer)
    )
    second = client.post(
        "/api/v1/reports",
        json=api_body(SEPSIS_DEVELOPER),
        headers={"Authorization": f"Bearer {other}"},
    )
    assert second.status_code == 201
    assert len(members(db, incident_of(db, report))) == 2


def test_a_request_that_files_nothing_does_not_drain(
    app: Flask, db: Session, companies: list[Organization]
) -> None:
    file_as(db, companies[0], SEPSIS_DEPLOYER)  # committed outside any request
    assert app.test_client().get("/").status_code in (200, 302)
    assert outbox(db)[0].done_at is None


def _file_through_the_api(app: Flask, make_user: MakeUser, content: ReportContent) -> Any:
    _, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    return app.test_client().post(
        "/api/v1/reports", json=api_body(content), headers={"Authorization": f"Bearer {secret}"}
    )


def test_a_failing_engine_never_fails_the_submission(
    app: Flask,
    db: Session,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing(*args: Any) -> Any:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(pipeline, "place_report", failing)
    response = _file_through_the_api(app, make_user, SEPSIS_DEPLOYER)
    assert response.status_code == 201
    (entry,) = outbox(db)
    assert (entry.done_at, entry.error) == (None, "RuntimeError: engine exploded")
    assert "engine exploded" in caplog.text


def test_a_broken_drain_is_logged_and_the_entries_wait(
    app: Flask,
    db: Session,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sa.exc.OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(hooks, "drain", broken)
    response = _file_through_the_api(app, make_user, SEPSIS_DEPLOYER)
    assert response.status_code == 201
    assert [e.done_at for e in outbox(db)] == [None]
    assert "the outbox drain failed" in caplog.text
    monkeypatch.undo()
    assert place(db).processed == 1


def test_reports_are_placed_once_the_response_has_been_sent(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    _, secret = factories.ApiTokenFactory.with_secret(user=make_user(Role.REPORTER))
    body = {"reports": [api_body(SEPSIS_FAMILY)] * 12}
    response = app.test_client().post(
        "/api/v1/reports/batch",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
        buffered=False,  # the response is not closed yet: the server is still sending it
    )
    assert response.status_code == 200, response.get_json()
    assert [e.done_at for e in outbox(db)] == [None] * 12  # the answer never waits for it
    response.close()  # the server closes the response once its body is sent
    db.expire_all()
    assert all(e.done_at is not None for e in outbox(db))


def test_a_request_places_the_whole_backlog_oldest_first(
    app: Flask, db: Session, make_user: MakeUser, companies: list[Organization]
) -> None:
    backlog = [file_as(db, companies[0], SEPSIS_DEPLOYER), file_as(db, companies[1], SEPSIS_FAMILY)]
    response = _file_through_the_api(app, make_user, SEPSIS_DEVELOPER)
    assert response.status_code == 201
    done = [e.subject_id for e in outbox(db) if e.done_at is not None]
    # No report waits for somebody else's filing: the backlog goes first, then its own.
    assert done[:2] == [backlog[0].id, backlog[1].id]
    assert len(done) == 3
    assert place(db).processed == 0


def test_web_workers_can_leave_placing_to_a_separate_drain(
    app: Flask, db: Session, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(app.config["INCIDENTS_SETTINGS"], outbox_after_response=False)
    monkeypatch.setitem(app.config, "INCIDENTS_SETTINGS", settings)
    assert _file_through_the_api(app, make_user, SEPSIS_DEPLOYER).status_code == 201
    assert [e.done_at for e in outbox(db)] == [None]
    assert place(db).processed == 1


def test_a_poison_report_stalls_nothing_and_is_parked_with_its_error(
    app: Flask, db: Session, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One report the engine cannot place (the probe's 9999-12-31) fails on its own: every
    later report is placed once its own response is sent, and the poison waits, then is
    parked with its error for an operator, without using up anybody's drain."""
    real = pipeline.place_report
    poison_titles = {SEPSIS_FAMILY.title}

    def placing(
        session: Session, report: Report, thresholds: Thresholds, scored: Any = None
    ) -> Any:
        if report.title in poison_titles:
            raise OverflowError("date value out of range")
        return real(session, report, thresholds, scored)

    monkeypatch.setattr(pipeline, "place_report", placing)
    assert _file_through_the_api(app, make_user, SEPSIS_FAMILY).status_code == 201
    assert _file_through_the_api(app, make_user, SEPSIS_DEPLOYER).status_code == 201
    assert _file_through_the_api(app, make_user, SEPSIS_DEVELOPER).status_code == 201
    db.expire_all()
    poison, *others = outbox(db)
    assert all(entry.done_at is not None for entry in others)  # nothing waited for anybody
    assert (poison.done_at, poison.attempts) == (None, 1)
    assert poison.error == "OverflowError: date value out of range"
    assert poison.retry_at is not None
    assert poison.retry_at > poison.created_at
    for _ in range(MAX_ATTEMPTS - 1):
        poison.retry_at = None  # its delay has passed
        db.commit()
        drain(db, Thresholds())
        db.refresh(poison)
    assert poison.parked_at is not None
    assert drain(db, Thresholds()).failed == []  # parked: never tried again by itself
