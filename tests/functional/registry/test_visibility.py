"""Analysts see only candidates and incidents built from reports they may read."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask
from sqlalchemy.orm import Session

from incidents.registry.candidates import pending_candidates
from incidents.registry.queries import primary_incident
from incidents.security.permissions import Role
from tests import factories
from tests import registry_data as data
from tests.conftest import login
from tests.functional.registry.conftest import post, text


def test_a_red_report_stays_with_its_recipients(
    app: Flask, db: Session, place, reporters, make_user
) -> None:
    recipient = factories.InstituteFactory(name="Safety Institute Two")
    red = place(
        replace(data.SEPSIS_DEPLOYER, tlp="red", recipients=(recipient.name,)),
        reporters["hospital"],
    )
    look_alike = place(data.SEPSIS_FALSE_ALARMS, reporters["other"])
    incident = primary_incident(db, red)
    [candidate] = pending_candidates(db, look_alike)
    assert incident is not None
    assert candidate.incident_id == incident.id

    outsider = app.test_client()
    login(outsider, make_user(Role.ANALYST))  # of the first institute, not a recipient
    insider = app.test_client()
    login(insider, make_user(Role.ANALYST, organization=recipient))

    assert "Nothing to triage" in text(outsider.get("/triage"))
    assert f"/triage/{look_alike.reference}" in text(insider.get("/triage"))
    # The look-alike itself is AMBER: the outsider may triage it, without the hidden candidate.
    page = text(outsider.get(f"/triage/{look_alike.reference}"))
    assert incident.reference not in page
    assert red.title not in page
    assert "No candidate is waiting for a decision." in page
    assert incident.reference in text(insider.get(f"/triage/{look_alike.reference}"))
    # Confirming the hidden candidate by guessing its reference does not work either.
    guessed = post(
        outsider,
        f"/triage/{look_alike.reference}",
        {"decision": "confirm", "incident": incident.reference},
    )
    assert "not a candidate of this report" in text(guessed)
    linked = post(
        outsider,
        f"/triage/{look_alike.reference}",
        {"decision": "link", "link-target": incident.reference},
    )
    assert f"There is no incident {incident.reference} that you may see." in text(linked)
    # The incident and the RED report answer 404, exactly like missing ones.
    for url in (f"/incidents/{incident.reference}", f"/triage/{red.reference}"):
        assert outsider.get(url).status_code == 404, url
        assert insider.get(url).status_code == 200, url
    for action in ("edit", "merge", "split", "unlink", "unmerge"):
        assert post(outsider, f"/incidents/{incident.reference}/{action}", {}).status_code == 404
    assert incident.reference not in text(outsider.get("/incidents"))
    assert outsider.get("/incidents/search?q=early-warning").json == {"incidents": []}
    assert incident.reference in text(insider.get("/incidents/search?q=early-warning"))
