"""GET /api/v1/reports and /api/v1/reports/{reference}: the organisation's own reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.reports.queries import ReportFilters, organization_reports
from incidents.security.permissions import Role
from tests.functional.api.conftest import ApiClient, api_client, filed


def test_the_list_pages_through_the_organisations_reports(
    api: ApiClient, example: dict[str, Any]
) -> None:
    references = [filed(api, {**example, "title": f"Report {n}"}) for n in range(3)]

    first = api.get("/api/v1/reports?per_page=2")
    second = api.get("/api/v1/reports?per_page=2&page=2")

    assert first.status_code == second.status_code == 200
    page1, page2 = first.json, second.json
    assert page1 is not None
    assert page2 is not None
    assert (page1["total"], page1["pages"], page1["page"], page1["per_page"]) == (3, 2, 1, 2)
    listed = [r["reference"] for r in page1["reports"] + page2["reports"]]
    assert listed == list(reversed(references))  # newest first
    assert page1["links"]["next"] == "/api/v1/reports?page=2&per_page=2"
    assert page1["links"]["prev"] is None
    assert page2["links"]["next"] is None
    assert api.get(page1["links"]["next"]).json == page2


def test_the_list_filters(api: ApiClient, example: dict[str, Any]) -> None:
    filed(api, {**example, "title": "Chatbot leaked a password"})
    filed(api, {**example, "title": "Robot arm stopped", "distribution": {"tlp": "green"}})
    filed(api, {"state": "draft", "title": "Half-written", "distribution": {"tlp": "amber"}})

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/v1/reports?{query}")
        assert response.status_code == 200, response.json
        return [r["title"] for r in (response.json or {})["reports"]]

    assert titles("state=draft") == ["Half-written"]
    assert titles("tlp=green") == ["Robot arm stopped"]
    assert titles("q=PASSWORD") == ["Chatbot leaked a password"]
    assert titles("stage=final") == []


def _aware(example: dict[str, Any], title: str, days_ago: int) -> dict[str, Any]:
    aware = datetime.now(UTC) - timedelta(days=days_ago)
    classification = {
        **example["classification"],
        "aware_at": aware.isoformat(timespec="seconds"),
        "occurred_on": aware.date().isoformat(),
    }
    return {**example, "title": title, "classification": classification}


def test_the_list_filters_by_deadline_as_the_dashboard_does(
    api: ApiClient, example: dict[str, Any], reporter: User, db: Session
) -> None:
    # Art. 73, a death: due 10 days after awareness.
    for title, days_ago in (("overdue", 20), ("due soon", 8), ("upcoming", 0)):
        filed(api, _aware(example, title, days_ago))

    for kind in ("overdue", "due_soon"):
        response = api.get(f"/api/v1/reports?deadline={kind}")
        assert response.status_code == 200, response.json
        listed = [r["reference"] for r in (response.json or {})["reports"]]
        rows, _ = organization_reports(
            db, reporter.organization_id, ReportFilters(deadline=kind), now=datetime.now(UTC)
        )
        assert listed == [row.reference for row in rows], kind


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("state=lost", "state"),
        ("stage=first", "stage"),
        ("tlp=purple", "tlp"),
        ("deadline=yesterday", "deadline"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=101", "per_page"),
        ("colour=red", "colour"),
        (f"q={'x' * 201}", "q"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(
    api: ApiClient, query: str, parameter: str
) -> None:
    response = api.get(f"/api/v1/reports?{query}")

    assert response.status_code == 422
    assert list((response.json or {})["details"]) == [parameter]


def test_a_report_is_read_by_reference_or_draft_key(
    api: ApiClient, example: dict[str, Any]
) -> None:
    reference = filed(api, example)
    draft = filed(api, {"state": "draft", "distribution": {"tlp": "amber"}})

    report = api.get(f"/api/v1/reports/{reference}").json
    shown_draft = api.get(f"/api/v1/reports/{draft}").json

    assert report is not None
    assert shown_draft is not None
    assert report["reference"] == reference
    assert report["distribution"] == {"tlp": "amber", "recipients": []}
    assert [r["kind"] for r in report["revisions"]] == ["submission"]
    assert shown_draft["draft_id"] == draft
    assert shown_draft["state"] == "draft"


def test_a_colleague_reads_the_organisations_reports(
    app: Flask, api: ApiClient, make_user, example: dict[str, Any]
) -> None:
    reference = filed(api, example)
    colleague = api_client(app, make_user(Role.ORG_ADMIN))  # a company's org admin files too

    assert colleague.get(f"/api/v1/reports/{reference}").status_code == 200
    assert (colleague.get("/api/v1/reports").json or {})["total"] == 1


def test_missing_reports_answer_404_json(api: ApiClient) -> None:
    keys = ("RPT-2026-99999", "draft-987654", "nonsense", "draft-99999999999999999999", "draft-²")
    for key in (*keys, "RPT-2026-0001%00"):
        response = api.get(f"/api/v1/reports/{key}")
        assert response.status_code == 404, key
        assert set(response.json or {}) == {"error", "details"}
