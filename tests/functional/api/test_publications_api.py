"""Public summaries through the API: draft (PUT), approve (two people), correct, withdraw;
the public API reads only what was approved."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from incidents.dedup import Thresholds
from incidents.placement.services import drain
from incidents.registry.models import Incident
from incidents.registry.queries import primary_incident
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests.conftest import MakeUser, login
from tests.functional.api.conftest import ApiClient, api_client
from tests.registry_data import SEPSIS_DEPLOYER

V1 = "/api/v1"
BODY = {
    "title": "Sepsis alerts stayed silent after a software upgrade",
    "summary": "After an upgrade, a hospital's sepsis alerting model stopped alerting for a "
    "weekend. Staff noticed and restored the previous version.",
    "classification": {"event_class": "ai_incident", "harm_type": ["physical_injury"]},
    "month": "2026-03",
    "countries": ["GB"],
}


@pytest.fixture
def incident(db: Session, make_user: MakeUser) -> Incident:
    report = file_report(db, Caller(make_user(Role.REPORTER), "web"), SEPSIS_DEPLOYER)
    db.commit()
    drain(db, Thresholds())
    found = primary_incident(db, report)
    assert found is not None
    return found


@pytest.fixture
def analyst(app: Flask, make_user: MakeUser) -> ApiClient:
    return api_client(app, make_user(Role.ANALYST))


@pytest.fixture
def editor(app: Flask, make_user: MakeUser) -> ApiClient:
    return api_client(app, make_user(Role.EDITOR))


def test_a_summary_is_drafted_approved_by_another_person_and_read_by_the_public(
    app: Flask, db: Session, incident: Incident, analyst: ApiClient, editor: ApiClient
) -> None:
    url = f"{V1}/incidents/{incident.reference}/summary"
    drafted = analyst.client.put(url, json=BODY, headers=analyst._headers(None))
    assert drafted.status_code == 200, drafted.json
    draft = drafted.get_json()
    assert (draft["state"], draft["public_reference"], draft["redactions"]) == ("draft", None, [])
    by_drafter = analyst.post(f"{url}/approve", {"version": draft["version"]})
    assert by_drafter.status_code == 403
    stale = editor.post(f"{url}/approve", {"version": draft["version"] + 5})
    assert stale.status_code == 409
    approved = editor.post(f"{url}/approve", {"version": draft["version"]})
    assert approved.status_code == 200, approved.json
    reference = approved.get_json()["public_reference"]
    assert reference.startswith("PUB-")
    public = app.test_client().get(f"{V1}/public/incidents/{reference}").get_json()
    assert (public["title"], public["month"], public["revision"]) == (BODY["title"], "2026-03", 1)
    listed = app.test_client().get(f"{V1}/public/incidents", query_string={"q": "sepsis"})
    assert [row["reference"] for row in listed.get_json()["incidents"]] == [reference]

    correction = {**BODY, "summary": "A corrected account.", "change_note": "Corrected."}
    second = analyst.client.put(url, json=correction, headers=analyst._headers(None)).get_json()
    assert editor.post(f"{url}/approve", {"version": second["version"]}).status_code == 200
    public = app.test_client().get(f"{V1}/public/incidents/{reference}").get_json()
    assert (public["summary"], public["revision"]) == ("A corrected account.", 2)
    assert [each["change_note"] for each in public["corrections"]] == ["Corrected."]

    withdrawn = editor.post(f"{url}/withdraw", {"reason": "Not an AI incident."})
    assert withdrawn.status_code == 200
    gone = app.test_client().get(f"{V1}/public/incidents/{reference}").get_json()
    assert (gone["state"], gone["title"], gone["withdrawal_reason"]) == (
        "withdrawn",
        None,
        "Not an AI incident.",
    )


def test_the_guard_answers_409_with_its_findings(
    incident: Incident, analyst: ApiClient, editor: ApiClient
) -> None:
    url = f"{V1}/incidents/{incident.reference}/summary"
    body = {**BODY, "summary": "Ask Dr. Helen Okafor at helen.okafor@example.org for details."}
    draft = analyst.client.put(url, json=body, headers=analyst._headers(None)).get_json()
    assert {each["kind"] for each in draft["redactions"]} >= {"person", "email"}
    refused = editor.post(f"{url}/approve", {"version": draft["version"]})
    assert refused.status_code == 409
    assert {each["kind"] for each in refused.get_json()["details"]} >= {"person", "email"}


def test_a_reporter_sees_that_its_report_contributed_and_nothing_more(
    app: Flask,
    db: Session,
    incident: Incident,
    analyst: ApiClient,
    editor: ApiClient,
    make_user: MakeUser,
) -> None:
    url = f"{V1}/incidents/{incident.reference}/summary"
    draft = analyst.client.put(url, json=BODY, headers=analyst._headers(None)).get_json()
    reference = editor.post(f"{url}/approve", {"version": draft["version"]}).get_json()[
        "public_reference"
    ]
    [link] = incident.active_links
    owner = make_user(Role.REPORTER, organization=link.report.organization)
    client = app.test_client()
    login(client, owner)
    page = client.get(f"/reports/{link.report.reference}").get_data(as_text=True)
    assert f'href="/public/incidents/{reference}"' in page
