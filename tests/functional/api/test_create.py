"""POST /api/v1/reports: file a report, or keep a draft; every problem at once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.reports.content import content_hash
from incidents.reports.models import Report, ReportState
from tests.functional.api.conftest import ApiClient


def test_filing_answers_201_with_the_receipt_and_its_location(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    response = api.post("/api/v1/reports", example)

    assert response.status_code == 201, response.json
    receipt = response.json
    assert receipt is not None
    reference = receipt["reference"]
    assert reference.startswith("RPT-")
    assert receipt["state"] == "submitted"
    assert receipt["draft_id"] is None
    assert receipt["submitted_at"]
    assert response.headers["Location"] == f"/api/v1/reports/{reference}"
    art73 = [d for d in receipt["deadlines"] if d["regime"] == "eu_ai_act_art73" and d["binding"]]
    assert [(d["rule"], d["due_at"]) for d in art73] == [
        ("art73_death", "2026-09-14T09:30:00+00:00")
    ]
    assert "next_follow_up_due" in receipt

    report = db.scalar(sa.select(Report).where(Report.reference == reference))
    assert report is not None
    assert report.revisions[0].content_hash == receipt["content_hash"]
    assert content_hash(report.revisions[0].content) == receipt["content_hash"]
    assert report.classification == example["classification"]
    actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.subject_ref == reference))
    assert "report.submit" in set(actions)

    shown = api.get(response.headers["Location"])
    assert shown.status_code == 200
    assert shown.json is not None
    assert shown.json["title"] == example["title"]


def test_a_draft_needs_nothing_yet_and_has_no_reference(api: ApiClient, db: Session) -> None:
    response = api.post(
        "/api/v1/reports",
        {"state": "draft", "title": "Still gathering facts", "distribution": {"tlp": "amber"}},
    )

    assert response.status_code == 201, response.json
    assert response.json is not None
    assert response.json["reference"] is None
    assert response.json["state"] == "draft"
    draft_id = response.json["draft_id"]
    assert response.headers["Location"] == f"/api/v1/reports/{draft_id}"
    report = db.get(Report, int(draft_id.removeprefix("draft-")))
    assert report is not None
    assert report.state is ReportState.DRAFT
    assert api.get(response.headers["Location"]).status_code == 200


def test_every_problem_is_reported_at_once(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    example["title"] = "x" * 301
    example["colour"] = "red"
    example["references"] = ["ftp://example.org/log"]
    example["distribution"] = {"tlp": "red", "recipients": ["Nobody Institute"]}
    del example["classification"]["confidence"]
    example["classification"]["sector"] = "space_tourism"
    before = db.scalar(sa.select(sa.func.count(Report.id)))

    response = api.post("/api/v1/reports", example)

    assert response.status_code == 422
    assert response.json is not None
    assert set(response.json) == {"error", "details"}
    details = response.json["details"]
    assert details["colour"] == [
        "Unknown field; accepted: classification, description, distribution, references, "
        "state, taxonomy_version, title, withhold_identity."
    ]
    assert "title" in details  # marshmallow: longer than 300
    assert "references[0]" in details  # content: not a web address
    assert "distribution.recipients[0]" in details  # content: unknown institute
    assert "classification.confidence" in details  # taxonomy: required
    assert "classification.sector" in details  # taxonomy: unknown value
    assert all(isinstance(m, list) and m for m in details.values())
    assert db.scalar(sa.select(sa.func.count(Report.id))) == before


def test_schema_errors_are_flattened_to_dotted_paths(api: ApiClient) -> None:
    response = api.post(
        "/api/v1/reports",
        {"distribution": {"tlp": "purple", "extra": 1}, "references": ["ok", 5]},
    )

    assert response.status_code == 422
    assert response.json is not None
    details = response.json["details"]
    assert details["distribution.extra"] == ["Unknown field; accepted: recipients, tlp."]
    assert "distribution.tlp" in details
    assert "references[1]" in details
    # the content checks of the fields that passed are there too
    assert "title" in details
    assert "classification.event_class" in details


def test_a_missing_distribution_is_named_once(api: ApiClient) -> None:
    response = api.post("/api/v1/reports", {"title": "t", "description": "d"})

    assert response.status_code == 422
    assert response.json is not None
    details = response.json["details"]
    assert details["distribution"] == ["Missing data for required field."]
    assert not any(path.startswith("distribution.") for path in details)


def test_a_body_that_is_not_an_object_is_refused(api: ApiClient) -> None:
    response = api.post("/api/v1/reports", [1, 2])

    assert response.status_code == 422
    assert response.json is not None
    assert response.json["details"] == {"_schema": ["Invalid input type."]}


def test_a_body_not_declared_json_is_refused_with_415(api: ApiClient) -> None:
    response = api.post("/api/v1/reports", data="title=x", content_type="text/plain")

    assert response.status_code == 415
    assert response.is_json
    assert set(response.json or {}) == {"error", "details"}


def test_malformed_json_is_refused_with_400(api: ApiClient) -> None:
    for raw in ('{"title": ', '{"harm_deaths": NaN}', b"\xff\xfe{", ""):
        response = api.post("/api/v1/reports", data=raw, content_type="application/json")
        assert response.status_code == 400, raw
        assert response.is_json
        assert "not valid JSON" in (response.json or {})["details"]


def test_a_nul_character_is_refused_before_it_reaches_the_database(
    api: ApiClient, db: Session
) -> None:
    body = {"state": "draft", "title": "a\u0000b", "distribution": {"tlp": "amber"}}

    response = api.post("/api/v1/reports", body)

    # Refused naming the field (it was a bare 400 before; the probe asked for a 422 by field).
    assert response.status_code == 422
    assert "NUL" in (response.json or {})["details"]["title"][0]
    assert db.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_a_date_no_incident_has_is_refused_with_a_clear_422(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    """The probe filed occurred_on 9999-12-31 (201), which later broke the dedup engine."""
    example["classification"]["occurred_on"] = "9999-12-31"

    response = api.post("/api/v1/reports", example)

    assert response.status_code == 422
    [message] = (response.json or {})["details"]["classification.occurred_on"]
    assert "from 1900 to 2199" in message
    assert db.scalar(sa.select(sa.func.count(Report.id))) == 0
