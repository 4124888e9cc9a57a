"""The triage journey of issue 5, through the pages: a second report of an event is linked
automatically or queued; an analyst confirms a candidate, merges two incidents and splits one
report off."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.registry.models import CandidateDecision, IncidentStatus
from incidents.registry.queries import incidents_of, primary_incident
from tests import registry_data as data
from tests.functional.registry.conftest import NEONATAL_ALARMS, Sepsis, post, text


def test_triage_journey(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    # A second voice on the same event is linked automatically; a look-alike waits in the queue.
    family = place(data.SEPSIS_FAMILY, reporters["developer"])
    assert primary_incident(db, family) == sepsis.incident
    queue = text(analyst_client.get("/triage"))
    assert f"/triage/{sepsis.false_alarms.reference}" in queue

    # The analyst opens the queued report, reads the signals and confirms the candidate.
    page = text(analyst_client.get(f"/triage/{sepsis.false_alarms.reference}"))
    assert "AI system names match" in page
    assert 'class="signal signal-disagree"' in page
    confirmed = post(
        analyst_client,
        f"/triage/{sepsis.false_alarms.reference}",
        {"decision": "confirm", "incident": sepsis.incident.reference},
    )
    assert confirmed.status_code == 302
    assert "Confirmed:" in text(analyst_client.get(confirmed.location))
    db.refresh(sepsis.candidate)
    assert sepsis.candidate.decision is CandidateDecision.CONFIRMED
    assert incidents_of(db, sepsis.false_alarms) == [sepsis.incident]

    # Another incident of the same system turns out to be the same event: merge it in.
    neonatal = place(NEONATAL_ALARMS, reporters["other"])
    other = primary_incident(db, neonatal)
    assert other is not None
    assert other != sepsis.incident
    merged = post(
        analyst_client,
        f"/incidents/{other.reference}/merge",
        {"merge-target": sepsis.incident.reference, "merge-reason": "Same outage."},
    )
    page = text(analyst_client.get(merged.location))
    assert f"{other.reference} was merged into {sepsis.incident.reference}." in page
    assert neonatal.reference in page
    db.refresh(other)
    assert other.status is IncidentStatus.MERGED

    # On reflection the look-alike is a different event: split it off.
    split = post(
        analyst_client,
        f"/incidents/{sepsis.incident.reference}/split",
        {"split-reports": [sepsis.false_alarms.reference], "split-reason": "A false-alarm storm."},
    )
    page = text(analyst_client.get(split.location))
    separate = primary_incident(db, sepsis.false_alarms)
    assert separate is not None
    assert separate != sepsis.incident
    assert f"split off into a new incident, {separate.reference}." in page
    shown = [r.reference for r in (sepsis.deployer, family, neonatal) if f"{r.reference}" in page]
    assert shown == [
        sepsis.deployer.reference,
        family.reference,
        neonatal.reference,
    ]
