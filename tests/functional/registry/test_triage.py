"""The triage queue and one report's triage page: what analysts see and each decision."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.db import utcnow
from incidents.registry.models import CandidateDecision, IncidentStatus
from incidents.registry.queries import incidents_of, primary_incident
from incidents.registry.views import common as views
from incidents.registry.views import triage as triage_views
from incidents.security.permissions import Role
from tests import registry_data as data
from tests.conftest import login
from tests.functional.registry.conftest import NEONATAL_ALARMS, Sepsis, post, text


def test_the_queue_lists_the_waiting_candidate(analyst_client: FlaskClient, sepsis: Sepsis) -> None:
    response = analyst_client.get("/triage")
    page = text(response)
    assert response.status_code == 200
    assert "1 candidate waiting" in page
    assert f'href="/triage/{sepsis.false_alarms.reference}"' in page
    assert sepsis.false_alarms.title in page
    # The candidate incident as the analyst sees it: named after its first report.
    assert f"{sepsis.incident.reference}</a> — {sepsis.deployer.title}" in page
    assert f"{sepsis.candidate.score * 100:.0f}%" in page
    assert "<td>AI incident</td>" in page  # the look-alike's event class, in words
    assert "just now" in page or "minute" in page


def test_a_queue_row_says_where_the_report_is_now(
    analyst_client: FlaskClient, sepsis: Sepsis, db: Session
) -> None:
    [home] = incidents_of(db, sepsis.false_alarms)
    page = text(analyst_client.get("/triage"))
    now_in = page.split('data-testid="now-in">', 1)[1].split("</td>", 1)[0]

    assert f">{home.reference}</a>" in now_in
    assert "(opened it)" in now_in  # a provisional incident of its own, until triaged
    assert home.reference != sepsis.incident.reference


def test_the_queue_is_ordered_by_score_and_paginated(
    analyst_client: FlaskClient, sepsis: Sepsis, place, reporters, monkeypatch
) -> None:
    neonatal = place(NEONATAL_ALARMS, reporters["developer"])
    monkeypatch.setattr(triage_views, "PER_PAGE", 1)
    first_page = text(analyst_client.get("/triage"))
    assert "2 candidates waiting" in first_page
    assert "Page 1 of 2" in first_page
    assert 'rel="next"' in first_page
    # The closer look-alike (the higher score) comes first.
    assert f"/triage/{sepsis.false_alarms.reference}" in first_page
    assert f"/triage/{neonatal.reference}" not in first_page
    second_page = text(analyst_client.get("/triage?page=2"))
    assert f"/triage/{neonatal.reference}" in second_page
    assert 'rel="prev"' in second_page


def test_an_empty_queue_says_so(analyst_client: FlaskClient) -> None:
    page = text(analyst_client.get("/triage"))
    assert "0 candidates waiting" in page
    assert "Nothing to triage" in page


def test_the_triage_page_shows_report_evidence_and_signals(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    response = analyst_client.get(f"/triage/{sepsis.false_alarms.reference}")
    page = text(response)
    assert response.status_code == 200
    # The report and the incident's closest report, side by side, with key facts in words.
    assert "Nurses reported alarm fatigue" in sepsis.false_alarms.description
    assert "Nurses reported alarm fatigue" in page
    assert "Alert volume fell by 61%" in page  # the deployer's description
    assert "United Kingdom" in page
    assert "Health" in page
    assert "SepsiGuard" in page
    assert "https://www.northmoor.example/news/sepsis-alerts?utm_source=feed" in page
    # Signals, grouped and marked: agreeing, disagreeing and neutral ones, with explanations.
    assert page.count('class="signal signal-agree"') >= 3
    assert 'class="signal signal-disagree"' in page
    assert 'class="signal signal-neutral"' in page
    assert "AI system names match (100/100)" in page
    assert "harm types shared: none" in page
    # Where the report is now, and the decisions.
    assert 'data-testid="current-incidents"' in page
    assert f"Confirm: same event as {sepsis.incident.reference}" in page
    assert "Open a new incident" in page
    assert 'list="incident-options"' in page
    assert "registry/autocomplete.js" in page


def test_reading_another_organisations_reports_is_audited(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, analyst
) -> None:
    analyst_client.get(f"/triage/{sepsis.false_alarms.reference}")
    reads = db.scalars(
        sa.select(AuditEvent.subject_ref).where(
            AuditEvent.action == "report.read", AuditEvent.actor_user_id == analyst.id
        )
    ).all()
    assert sorted(reads, key=str) == sorted(
        [sepsis.false_alarms.reference, sepsis.deployer.reference], key=str
    )


def test_confirming_moves_the_report_into_the_incident(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, analyst
) -> None:
    url = f"/triage/{sepsis.false_alarms.reference}"
    response = post(
        analyst_client,
        url,
        {
            "decision": "confirm",
            "incident": sepsis.incident.reference,
            f"confirm-{sepsis.incident.reference}-reason": "Same ward, same week.",
        },
    )
    assert response.status_code == 302
    assert response.location == url
    page = text(analyst_client.get(url))
    assert (
        f"Confirmed: {sepsis.false_alarms.reference} is part of {sepsis.incident.reference}."
        in page
    )
    db.refresh(sepsis.candidate)
    assert sepsis.candidate.decision is CandidateDecision.CONFIRMED
    assert sepsis.candidate.decided_by_id == analyst.id
    assert [i.id for i in incidents_of(db, sepsis.false_alarms)] == [sepsis.incident.id]
    # The decided candidate is listed with who decided and why; the queue is empty again.
    assert "Ana Analyst" in page
    assert "Same ward, same week." in page
    assert "No candidate is waiting for a decision." in page
    assert "Nothing to triage" in text(analyst_client.get("/triage"))


def test_rejecting_keeps_the_report_apart(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    before = primary_incident(db, sepsis.false_alarms)
    response = post(
        analyst_client,
        f"/triage/{sepsis.false_alarms.reference}",
        {"decision": "reject", "incident": sepsis.incident.reference},
    )
    assert response.status_code == 302
    page = text(analyst_client.get(response.location))
    assert f"Rejected: {sepsis.false_alarms.reference} is not part of" in page
    db.refresh(sepsis.candidate)
    assert sepsis.candidate.decision is CandidateDecision.REJECTED
    assert primary_incident(db, sepsis.false_alarms) == before


def test_rejecting_an_auto_link_needs_a_reason_and_moves_the_report_out(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    assert primary_incident(db, developer) == sepsis.incident  # linked automatically
    url = f"/triage/{developer.reference}"
    page = text(analyst_client.get(url))
    assert "linked automatically" in page
    assert "Confirm: same event" not in page  # nothing to confirm: it is linked already
    fields = {"decision": "reject", "incident": sepsis.incident.reference}
    response = post(analyst_client, url, fields)
    assert response.status_code == 200
    page = text(response)
    assert "Say why, for the audit log and the other analysts." in page
    assert 'data-testid="error-summary"' in page
    assert primary_incident(db, developer) == sepsis.incident  # nothing changed
    reason_field = f"reject-{sepsis.incident.reference}-reason"
    response = post(analyst_client, url, {**fields, reason_field: "A different hospital."})
    assert response.status_code == 302
    page = text(analyst_client.get(url))
    assert "It was moved out of that incident." in page
    new = primary_incident(db, developer)
    assert new is not None
    assert new != sepsis.incident


def test_linking_elsewhere_by_reference(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    url = f"/triage/{sepsis.false_alarms.reference}"
    # The suggestions fill in "INC-… — title"; lower case typed by hand works as well.
    typed = f"{sepsis.incident.reference.lower()} — {sepsis.deployer.title}"
    response = post(analyst_client, url, {"decision": "link", "link-target": typed})
    assert response.status_code == 302
    page = text(analyst_client.get(url))
    assert f"{sepsis.false_alarms.reference} is linked to {sepsis.incident.reference}." in page
    assert sepsis.incident in incidents_of(db, sepsis.false_alarms)
    assert developer in [link.report for link in sepsis.incident.active_links]


def test_linking_elsewhere_explains_a_bad_target(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    url = f"/triage/{sepsis.false_alarms.reference}"
    empty = post(analyst_client, url, {"decision": "link", "link-target": ""})
    assert empty.status_code == 200
    assert "Type the reference of the incident to link to." in text(empty)
    assert 'aria-invalid="true"' in text(empty)
    words = post(analyst_client, url, {"decision": "link", "link-target": "sepsis"})
    assert "Type an incident reference such as INC-2025-00012." in text(words)
    assert 'value="sepsis"' in text(words)  # what was typed is kept
    missing = post(analyst_client, url, {"decision": "link", "link-target": "INC-1999-99999"})
    assert "There is no incident INC-1999-99999 that you may see." in text(missing)


def test_opening_a_new_incident_rejects_the_candidates(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    response = post(
        analyst_client,
        f"/triage/{sepsis.false_alarms.reference}",
        {"decision": "new", "new-reason": "A children's hospital, not the adult ward."},
    )
    assert response.status_code == 302
    page = text(analyst_client.get(response.location))
    own = primary_incident(db, sepsis.false_alarms)
    assert own is not None
    assert own != sepsis.incident
    assert f"{sepsis.false_alarms.reference} stays a separate event: {own.reference}." in page
    db.refresh(sepsis.candidate)
    assert sepsis.candidate.decision is CandidateDecision.REJECTED
    assert sepsis.candidate.reason == "A children's hospital, not the adult ward."


def test_an_empty_or_unknown_decision_is_explained(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    url = f"/triage/{sepsis.false_alarms.reference}"
    for fields in ({}, {"decision": "shrug"}):
        response = post(analyst_client, url, fields)
        assert response.status_code == 200
        page = text(response)
        assert "Choose a decision: confirm, reject, link elsewhere, open a new incident." in page
        assert sepsis.false_alarms.title in page


def test_a_candidate_that_is_not_one_is_explained(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    response = post(
        analyst_client,
        f"/triage/{sepsis.false_alarms.reference}",
        {"decision": "confirm", "incident": "INC-1999-99999"},
    )
    assert response.status_code == 200
    assert "That incident is not a candidate of this report any more" in text(response)


def test_a_decision_taken_meanwhile_is_a_conflict(
    app: Flask, analyst_client: FlaskClient, db: Session, sepsis: Sepsis, make_user
) -> None:
    url = f"/triage/{sepsis.false_alarms.reference}"
    fields = {"decision": "confirm", "incident": sepsis.incident.reference}
    colleague = app.test_client()
    login(colleague, make_user(Role.EDITOR))
    assert post(colleague, url, fields).status_code == 302
    response = post(analyst_client, url, fields)
    assert response.status_code == 302
    page = text(analyst_client.get(url))
    assert "This candidate was already decided (confirmed); reload the queue." in page


def test_a_merged_incident_cannot_take_a_link(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    own = primary_incident(db, sepsis.false_alarms)
    assert own is not None
    # Merge the look-alike's own incident away: linking to the tombstone follows it.
    post(
        analyst_client,
        f"/incidents/{own.reference}/merge",
        {"merge-target": sepsis.incident.reference, "merge-reason": "One event."},
    )
    db.refresh(own)
    assert own.status is IncidentStatus.MERGED
    response = post(
        analyst_client,
        f"/triage/{sepsis.false_alarms.reference}",
        {"decision": "link", "link-target": own.reference},
    )
    assert response.status_code == 302
    assert f"is linked to {sepsis.incident.reference}" in text(
        analyst_client.get(response.location)
    )


def test_the_suggestions_endpoint(analyst_client: FlaskClient, sepsis: Sepsis) -> None:
    found = analyst_client.get("/incidents/search?q=early-warning")
    assert found.status_code == 200
    assert found.json == {
        "incidents": [
            {
                "reference": sepsis.incident.reference,
                "title": sepsis.deployer.title,
                "status": "open",
            }
        ]
    }
    by_reference = analyst_client.get(f"/incidents/search?q={sepsis.incident.reference.lower()}")
    found = by_reference.get_json()["incidents"]
    assert [i["reference"] for i in found] == [sepsis.incident.reference]
    assert analyst_client.get("/incidents/search?q=").json == {"incidents": []}
    assert analyst_client.get("/incidents/search").json == {"incidents": []}


def test_a_draft_or_missing_report_has_no_triage_page(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    assert analyst_client.get("/triage/RPT-1999-99999").status_code == 404
    assert analyst_client.get("/triage/draft-1").status_code == 404


def test_ages_are_given_in_the_largest_whole_unit() -> None:
    now = utcnow()
    assert views.age(None) == "—"
    assert views.age(now) == "just now"
    assert views.age(now - timedelta(minutes=1, seconds=5)) == "1 minute"
    assert views.age(now - timedelta(hours=5)) == "5 hours"
    assert views.age(now - timedelta(days=2, hours=3)) == "2 days"
