"""Public-source reports through ``POST /api/v1/sources``: who may import, who reads them,
that they never count as a company's report, and that they join a company's incident."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.registry.models import CandidateDecision
from incidents.reports.models import Report
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import login
from tests.functional.api.conftest import ApiClient, api_client
from tests.functional.search.conftest import index, reindex
from tests.functional.sources.conftest import DATA
from tests.registry_data import SEPSIS_DEPLOYER
from tests.registry_helpers import candidates, file_as, incident_of, members, place

NEWS = {
    "title": "Sepsis alerts went silent at Northmoor after patient record upgrade",
    "text": (
        "Northmoor NHS Foundation Trust declared a serious incident after its SepsiGuard "
        "early-warning tool stopped generating alerts for adult inpatients following the "
        "electronic patient record upgrade on 8 September: blood lactate results were no "
        "longer mapped into the model. A patient on Ward 22 died of septic shock on 12 "
        "September. The tool was suspended and manual screening reinstated."
    ),
    "url": "https://www.healthwire.example/2025/09/22/northmoor-sepsis-alerts-silent",
    "outlet": "Health Wire",
    "published_on": "2025-09-22",
}


@pytest.fixture
def analyst(make_user) -> User:
    user: User = make_user(Role.ANALYST)
    return user


@pytest.fixture
def importer(app: Flask, db: Session, analyst: User) -> ApiClient:
    return api_client(app, analyst)


def imported(api: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/v1/sources", body)
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def test_items_are_imported_once_and_each_bad_one_named(importer: ApiClient) -> None:
    body = {"items": [NEWS, {"title": "No date", "published_on": "soon"}, "not an object"]}
    first = imported(importer, body)
    assert (first["imported"], first["already_imported"], first["failed"]) == (1, 0, 2)
    ok, bad, odd = first["results"]
    assert ok["status"] == "imported"
    assert ok["reference"].startswith("RPT-")
    assert bad == {
        "line": 2,
        "file": "",
        "status": "invalid",
        "reference": None,
        "errors": {"published_on": ["'soon' is not a date (YYYY-MM-DD)."]},
    }
    assert odd["errors"] == {"line": ["Each item must be a JSON object."]}
    again = imported(importer, {"items": [NEWS]})
    assert again["results"][0]["status"] == "already_imported"
    assert again["results"][0]["reference"] == ok["reference"]


def test_a_file_may_be_sent_as_text(importer: ApiClient) -> None:
    csv = imported(
        importer, {"format": "csv", "content": (DATA / "news.csv").read_text(encoding="utf-8")}
    )
    assert csv["imported"] == 2
    jsonl = imported(
        importer,
        {"format": "jsonl", "content": (DATA / "news.jsonl").read_text(encoding="utf-8")},
    )
    assert jsonl["imported"] == 3
    aiid = imported(
        importer,
        {
            "format": "aiid",
            "incidents": (DATA / "aiid" / "incidents.csv").read_text(encoding="utf-8"),
            "reports": (DATA / "aiid" / "reports.csv").read_text(encoding="utf-8"),
        },
    )
    assert aiid["imported"] == 3
    assert {result["file"] for result in aiid["results"]} == {"reports.csv"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "_schema"),
        ({"items": [NEWS], "format": "csv", "content": "title\nx\n"}, "_schema"),
        ({"format": "csv"}, "content"),
        ({"format": "aiid", "reports": "report_number\n"}, "incidents"),
        ({"format": "xml", "content": "<a/>"}, "format"),
    ],
)
def test_a_body_that_is_neither_items_nor_a_file_is_refused(
    importer: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = importer.post("/api/v1/sources", body)
    assert response.status_code == 422
    assert field in response.get_json()["details"]


def test_reporters_and_admins_may_not_import(app: Flask, db: Session, make_user) -> None:
    for role in (Role.REPORTER, Role.ADMIN):
        response = api_client(app, make_user(role)).post("/api/v1/sources", {"items": [NEWS]})
        assert response.status_code == 403
    assert db.scalar(sa.select(sa.func.count()).where(Report.is_public_source)) == 0


def test_every_analyst_reads_it_and_no_company_counts_it(
    app: Flask,
    db: Session,
    importer: ApiClient,
    make_user,
    company: Organization,
    client,
) -> None:
    reference = imported(importer, {"items": [NEWS]})["results"][0]["reference"]
    # An analyst of another institute, even one outside the network, reads it.
    outside = factories.InstituteFactory(name="Outside Institute", is_network_member=False)
    for institute in (outside, factories.InstituteFactory(name="Second Institute")):
        reader = make_user(Role.ANALYST, organization=institute)
        page = app.test_client()
        login(page, reader)
        response = page.get(f"/reports/{reference}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Public source: Health Wire" in text
        assert "2025-09-22" in text
    # A reporter finds it in none of its lists, and cannot open it.
    reporter = make_user(Role.REPORTER)
    api = api_client(app, reporter)
    assert api.get("/api/v1/reports").get_json()["total"] == 0
    assert api.get(f"/api/v1/reports/{reference}").status_code == 404
    login(client, reporter)
    assert reference not in client.get("/reports").get_data(as_text=True)
    assert client.get(f"/reports/{reference}").status_code == 404
    # No deadline, no recipient, no company organisation.
    report = db.scalar(sa.select(Report).where(Report.reference == reference))
    assert report is not None
    assert report.deadlines == []
    assert report.organization.kind.value == "institute"


def test_it_is_placed_with_the_matching_company_report(db: Session, importer: ApiClient) -> None:
    company_report = file_as(db, factories.OrganizationFactory(), SEPSIS_DEPLOYER)
    place(db)
    incident = incident_of(db, company_report)
    db.commit()  # end the test's read, or the drain's rollback would undo the import after it
    # With the structured facts a public database carries, it joins the company's incident.
    structured = {
        **NEWS,
        "countries": ["GB"],
        "ai_system": {"name": "SepsiGuard"},
        "occurred_on": "2025-09-10",
    }
    reference = imported(importer, {"items": [structured]})["results"][0]["reference"]
    place(db)
    news = db.scalar(sa.select(Report).where(Report.reference == reference))
    assert news is not None
    assert incident_of(db, news).id == incident.id
    assert members(db, incident) == [company_report.reference, reference]
    # A bare news item (headline and lede) is offered to the analysts as that incident's
    # candidate rather than linked on words alone.
    db.commit()
    bare = {**NEWS, "url": "https://www.otherpaper.example/northmoor-sepsis"}
    reference = imported(importer, {"items": [bare]})["results"][0]["reference"]
    place(db)
    news = db.scalar(sa.select(Report).where(Report.reference == reference))
    assert news is not None
    offered = candidates(db, news)
    assert offered, "the bare item was compared with no incident"
    assert offered[0].incident_id == incident.id
    assert offered[0].decision in (CandidateDecision.PENDING, CandidateDecision.AUTO_LINKED)


def test_the_operation_is_documented(app: Flask, db: Session) -> None:
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/sources"]["post"]
    assert operation["tags"] == ["sources"]
    assert "requestBody" in operation


def test_search_finds_it_for_every_analyst_and_for_no_reporter(
    app: Flask, db: Session, analyst: User, make_user
) -> None:
    reindex(app, db)  # rolls the test's session back: make the importer's token after it
    importer = api_client(app, analyst)
    reference = imported(importer, {"items": [{**NEWS, "title": "Quillwort sepsis alerts"}]})[
        "results"
    ][0]["reference"]
    db.commit()
    index(app, db)
    outside = factories.InstituteFactory(name="Far Institute", is_network_member=False)
    for reader in (make_user(Role.ANALYST), make_user(Role.ANALYST, organization=outside)):
        body = api_client(app, reader).get("/api/v1/search?q=quillwort").get_json()
        assert [hit["reference"] for hit in body["hits"]] == [reference]
        assert body["facets"]["organization"] == {"public_source": 1}
    body = api_client(app, make_user(Role.REPORTER)).get("/api/v1/search?q=quillwort").get_json()
    assert body["hits"] == []
