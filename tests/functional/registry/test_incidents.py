"""Incident pages: the list, one incident, curation with optimistic locking, merge, undo a
merge, split and unlink."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.registry.models import Incident, IncidentCuration, IncidentStatus, LinkOrigin
from incidents.registry.queries import incidents_of, primary_incident
from incidents.registry.views import incidents as incident_views
from incidents.security.permissions import Role
from tests import registry_data as data
from tests.conftest import login
from tests.functional.registry.conftest import NEONATAL_ALARMS, Sepsis, post, text


def test_the_list_shows_incidents_newest_first_and_filters(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    look_alike = primary_incident(db, sepsis.false_alarms)
    assert look_alike is not None
    page = text(analyst_client.get("/incidents"))
    assert "2 incidents" in page
    assert page.index(look_alike.reference) < page.index(sepsis.incident.reference)
    assert sepsis.deployer.title in page
    filtered = text(analyst_client.get("/incidents?q=alert+storm"))
    assert look_alike.reference in filtered
    assert sepsis.incident.reference not in filtered
    nothing = text(analyst_client.get("/incidents?q=no+such+words"))
    assert "No incident matches." in nothing


def test_the_list_is_paginated(analyst_client: FlaskClient, sepsis: Sepsis, monkeypatch) -> None:
    monkeypatch.setattr(incident_views, "PER_PAGE", 1)
    first = text(analyst_client.get("/incidents"))
    assert "Page 1" in first
    assert 'rel="next"' in first
    second = text(analyst_client.get("/incidents?page=2"))
    assert sepsis.incident.reference in second
    assert 'rel="prev"' in second
    found = text(analyst_client.get("/incidents?q=sepsi"))
    assert 'rel="next"' in found
    assert "q=sepsi" in found
    assert 'rel="prev"' in text(analyst_client.get("/incidents?q=sepsi&page=2"))


def test_an_empty_list_says_so(analyst_client: FlaskClient) -> None:
    assert "No incidents yet." in text(analyst_client.get("/incidents"))


def test_the_incident_page(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    response = analyst_client.get(f"/incidents/{sepsis.incident.reference.lower()}")
    page = text(response)
    assert response.status_code == 200
    assert sepsis.incident.reference in page
    assert sepsis.deployer.title in page  # named after its first report until curated
    assert "Not curated yet" in page
    assert developer.reference in page
    assert '<span class="origin origin-auto">auto</span>' in page
    assert "dedup score" in page  # why the engine linked it
    assert "the dedup engine" in page
    # The look-alike waits for a decision against this incident.
    assert 'data-testid="pending"' in page
    assert f"/triage/{sepsis.false_alarms.reference}" in page
    assert "Merge INC-" in page
    assert "Split off" in page
    assert "No report has left this incident." in page


def test_hidden_or_missing_incidents_are_404(analyst_client: FlaskClient) -> None:
    assert analyst_client.get("/incidents/INC-1999-99999").status_code == 404
    assert analyst_client.get("/incidents/INC-1999-99999/edit").status_code == 404


def test_a_reporter_gets_403_and_the_anonymous_the_login_page(
    app: Flask, sepsis: Sepsis, reporters
) -> None:
    anonymous = app.test_client()
    urls = ["/triage", f"/triage/{sepsis.deployer.reference}", "/incidents", "/incidents/search"]
    urls += [
        f"/incidents/{sepsis.incident.reference}",
        f"/incidents/{sepsis.incident.reference}/edit",
    ]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/login?next="), url
    reporter = app.test_client()
    login(reporter, reporters["hospital"])
    for url in urls:
        assert reporter.get(url).status_code == 403, url
    nav = text(reporter.get("/"))
    assert "Triage" not in nav
    assert ">Incidents<" not in nav


def test_analysts_see_the_navigation_links(analyst_client: FlaskClient) -> None:
    nav = text(analyst_client.get("/"))
    assert 'href="/triage">Triage</a>' in nav
    assert 'href="/incidents">Incidents</a>' in nav


# --- curation ------------------------------------------------------------------------------


def test_curating_an_incident(analyst_client: FlaskClient, db: Session, sepsis: Sepsis) -> None:
    url = f"/incidents/{sepsis.incident.reference}/edit"
    form = text(analyst_client.get(url))
    assert f'name="version" type="hidden" value="{sepsis.incident.lock_version}"' in form
    response = post(
        analyst_client,
        url,
        {
            "version": sepsis.incident.lock_version,
            "title": "SepsiGuard stopped alerting after an EPR upgrade",
            "status": "confirmed",
            "event_class": "serious_ai_incident",
            "harm_type": ["physical_death"],
            "countries": ["GB"],
            "sector": "health",
        },
    )
    assert response.status_code == 302
    page = text(analyst_client.get(response.location))
    assert "is saved" in page
    assert "SepsiGuard stopped alerting after an EPR upgrade" in page
    assert "Curated by your institute" in page
    assert 'data-testid="status">Confirmed' in page
    assert "Serious AI incident" in page
    assert "United Kingdom" in page
    db.refresh(sepsis.incident)
    assert sepsis.incident.status is IncidentStatus.CONFIRMED
    assert _curation(db, sepsis.incident).classification == {
        "event_class": "serious_ai_incident",
        "harm_type": ["physical_death"],
        "countries": ["GB"],
        "sector": "health",
    }
    # The form comes back filled in with what is stored.
    again = text(analyst_client.get(url))
    assert 'value="SepsiGuard stopped alerting after an EPR upgrade"' in again
    assert '<option selected value="GB">' in again


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(
    app: Flask, analyst_client: FlaskClient, db: Session, sepsis: Sepsis, make_user
) -> None:
    url = f"/incidents/{sepsis.incident.reference}/edit"
    version = sepsis.incident.lock_version
    colleague = app.test_client()
    login(colleague, make_user(Role.EDITOR))
    first = {"version": version, "title": "Colleague's title", "status": "confirmed"}
    assert post(colleague, url, first).status_code == 302
    mine = {"version": version, "title": "My title", "status": "closed", "sector": "health"}
    response = post(analyst_client, url, mine)
    page = text(response)
    assert response.status_code == 409
    assert "was changed by someone else since you opened it" in page
    assert "Colleague&#39;s title" in page  # what is stored now
    assert 'value="My title"' in page  # what I typed is kept
    db.refresh(sepsis.incident)
    assert _curation(db, sepsis.incident).title == "Colleague's title"
    assert sepsis.incident.status is IncidentStatus.CONFIRMED
    # Sending it again, now knowingly, replaces it.
    assert f'name="version" type="hidden" value="{sepsis.incident.lock_version}"' in page
    again = post(analyst_client, url, {**mine, "version": sepsis.incident.lock_version})
    assert again.status_code == 302
    db.refresh(sepsis.incident)
    assert _curation(db, sepsis.incident).title == "My title"


def test_curation_errors_are_shown_on_the_form(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    url = f"/incidents/{sepsis.incident.reference}/edit"
    empty = post(analyst_client, url, {})
    assert empty.status_code == 200
    assert "This form is out of date: reload the page." in text(empty)
    bad = post(
        analyst_client,
        url,
        {
            "version": sepsis.incident.lock_version,
            "status": "merged",
            "sector": "nonsense",
            "title": "x" * 301,
        },
    )
    page = text(bad)
    assert bad.status_code == 200
    assert "Field cannot be longer than 300 characters." in page
    bad = post(
        analyst_client,
        url,
        {"version": sepsis.incident.lock_version, "status": "merged", "sector": "nonsense"},
    )
    page = text(bad)
    assert "&#39;merged&#39; is not a status" in page
    assert 'data-testid="error-summary"' in page
    assert "nonsense" in page
    garbled = post(analyst_client, url, {"version": "two", "status": "open"})
    assert "This form is out of date: reload the page." in text(garbled)
    db.refresh(sepsis.incident)
    assert sepsis.incident.status is IncidentStatus.OPEN


# --- merge, undo, split, unlink ------------------------------------------------------------


def test_merging_redirects_the_tombstone_and_can_be_undone(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    absorbed = primary_incident(db, sepsis.false_alarms)
    assert absorbed is not None
    response = post(
        analyst_client,
        f"/incidents/{absorbed.reference}/merge",
        {"merge-target": sepsis.incident.reference, "merge-reason": "One alert failure."},
    )
    assert response.status_code == 302
    assert response.location == f"/incidents/{sepsis.incident.reference}"
    page = text(analyst_client.get(response.location))
    assert f"{absorbed.reference} was merged into {sepsis.incident.reference}." in page
    assert f"{sepsis.false_alarms.reference}" in page
    assert '<span class="origin origin-merge">merge</span>' in page
    assert f"Undo merge of {absorbed.reference}" in page
    # The tombstone's own page redirects, with a note.
    old = analyst_client.get(f"/incidents/{absorbed.reference}")
    assert old.status_code == 302
    assert old.location == f"/incidents/{sepsis.incident.reference}"
    assert f"{absorbed.reference} was merged into" in text(analyst_client.get(old.location))
    # Every change through the tombstone's URL is sent on to the incident it is now part of.
    for action in ("merge", "split", "unlink", "edit"):
        moved = post(analyst_client, f"/incidents/{absorbed.reference}/{action}", {})
        assert moved.location == f"/incidents/{sepsis.incident.reference}", action
    # Undo: a reason is needed, then the look-alike is back in its own incident.
    unmerge = f"/incidents/{absorbed.reference}/unmerge"
    refused = post(analyst_client, unmerge, {})
    assert refused.status_code == 200
    assert "Say why, for the audit log and the other analysts." in text(refused)
    field = f"unmerge-{absorbed.reference}-reason"
    undone = post(analyst_client, unmerge, {field: "Different hospitals after all."})
    assert undone.status_code == 302
    assert undone.location == f"/incidents/{absorbed.reference}"
    page = text(analyst_client.get(undone.location))
    assert "is undone" in page
    assert f"{sepsis.false_alarms.reference}" in page
    db.refresh(absorbed)
    assert absorbed.status is IncidentStatus.OPEN
    assert incidents_of(db, sepsis.false_alarms) == [absorbed]
    # An incident that is not merged has nothing to undo.
    again = post(analyst_client, unmerge, {field: "again"})
    assert again.status_code == 302
    assert "is not merged into another incident" in text(analyst_client.get(again.location))


def test_merge_errors_are_explained(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    url = f"/incidents/{sepsis.incident.reference}/merge"
    empty = post(analyst_client, url, {})
    assert empty.status_code == 200
    page = text(empty)
    assert "Type the reference of the incident to merge into." in page
    assert "Say why, for the audit log and the other analysts." in page
    itself = post(
        analyst_client, url, {"merge-target": sepsis.incident.reference, "merge-reason": "x"}
    )
    assert "An incident cannot be merged into itself." in text(itself)
    missing = post(analyst_client, url, {"merge-target": "INC-1999-99999", "merge-reason": "x"})
    assert "There is no incident INC-1999-99999 that you may see." in text(missing)
    # Into a tombstone: the services refuse, the page says which incident to use instead.
    absorbed = primary_incident(db, sepsis.false_alarms)
    assert absorbed is not None
    post(
        analyst_client,
        f"/incidents/{absorbed.reference}/merge",
        {"merge-target": sepsis.incident.reference, "merge-reason": "One event."},
    )
    neonatal_target = post(
        analyst_client, url, {"merge-target": absorbed.reference, "merge-reason": "x"}
    )
    assert neonatal_target.status_code == 302
    assert "was merged into" in text(analyst_client.get(neonatal_target.location))


def test_splitting_reports_off(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    url = f"/incidents/{sepsis.incident.reference}/split"
    response = post(
        analyst_client,
        url,
        {
            "split-reports": [developer.reference],
            "split-title": "Lactate mapping fault at the developer",
            "split-reason": "The developer describes its own fault.",
        },
    )
    assert response.status_code == 302
    assert response.location == f"/incidents/{sepsis.incident.reference}"
    new = primary_incident(db, developer)
    assert new is not None
    assert new != sepsis.incident
    page = text(analyst_client.get(response.location))
    assert f"{developer.reference} split off into a new incident, {new.reference}." in page
    assert 'data-testid="history"' in page
    assert "split off: The developer describes its own fault." in page
    assert _curation(db, new).title == "Lactate mapping fault at the developer"
    assert new.active_links[0].origin is LinkOrigin.SPLIT


def test_split_errors_are_explained(
    analyst_client: FlaskClient, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    url = f"/incidents/{sepsis.incident.reference}/split"
    empty = post(analyst_client, url, {})
    assert empty.status_code == 200
    assert "Choose at least one report to split off." in text(empty)
    everything = post(
        analyst_client,
        url,
        {"split-reports": [sepsis.deployer.reference, developer.reference], "split-reason": "x"},
    )
    assert "Leave at least one report in the incident." in text(everything)
    stranger = post(analyst_client, url, {"split-reports": ["RPT-1999-99999"], "split-reason": "x"})
    assert f"Not a report of {sepsis.incident.reference}: RPT-1999-99999." in text(stranger)


def test_unlinking_a_report(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    url = f"/incidents/{sepsis.incident.reference}/unlink"
    reason = f"unlink-{developer.reference}-reason"
    refused = post(analyst_client, url, {"report": developer.reference})
    assert refused.status_code == 200
    assert "Say why, for the audit log and the other analysts." in text(refused)
    assert "<details open>" in text(refused)
    response = post(analyst_client, url, {"report": developer.reference, reason: "Wrong event."})
    assert response.status_code == 302
    own = primary_incident(db, developer)
    assert own is not None
    assert own != sepsis.incident
    page = text(analyst_client.get(response.location))
    assert f"{developer.reference} was removed from {sepsis.incident.reference}" in page
    assert f"it is now in {own.reference}" in page
    assert "Wrong event." in page  # in the history


def test_unlinking_the_last_report_shows_its_new_incident(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis
) -> None:
    url = f"/incidents/{sepsis.incident.reference}/unlink"
    reason = f"unlink-{sepsis.deployer.reference}-reason"
    response = post(analyst_client, url, {"report": sepsis.deployer.reference, reason: "Oops."})
    own = primary_incident(db, sepsis.deployer)
    assert own is not None
    assert own != sepsis.incident
    assert response.location == f"/incidents/{own.reference}"


def test_unlinking_needs_a_report_of_the_incident(
    analyst_client: FlaskClient, sepsis: Sepsis
) -> None:
    url = f"/incidents/{sepsis.incident.reference}/unlink"
    for fields in ({}, {"report": sepsis.false_alarms.reference}):
        response = post(analyst_client, url, fields)
        assert response.status_code == 200
        assert "Choose a report of this incident to remove." in text(response)


def test_an_absorbed_incident_with_a_second_report(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    """Two incidents each with reports merge; the target lists the absorbed one to undo."""
    neonatal = place(NEONATAL_ALARMS, reporters["developer"])
    absorbed = primary_incident(db, neonatal)
    assert absorbed is not None
    post(
        analyst_client,
        f"/incidents/{absorbed.reference}/merge",
        {"merge-target": sepsis.incident.reference, "merge-reason": "Same vendor patch."},
    )
    page = text(analyst_client.get(f"/incidents/{sepsis.incident.reference}"))
    assert 'data-testid="absorbed"' in page
    assert absorbed.reference in page


def _curation(db: Session, incident: Incident) -> IncidentCuration:
    """The one curation written of ``incident`` (these tests curate from one institute)."""
    db.expire_all()
    [found] = db.scalars(
        sa.select(IncidentCuration).where(IncidentCuration.incident_id == incident.id)
    ).all()
    return found
