"""Amend, follow up and withdraw through the API; state errors answer 409."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from tests.functional.api.conftest import ApiClient, filed


def _actions(db: Session, reference: str) -> list[str]:
    query = sa.select(AuditEvent.action).where(AuditEvent.subject_ref == reference)
    return list(db.scalars(query.order_by(AuditEvent.id)))


def test_an_amendment_adds_a_revision(api: ApiClient, example: dict[str, Any], db: Session) -> None:
    reference = filed(api, example)
    amended = {**example, "title": "Corrected title", "reason": "The title named the wrong model."}
    del amended["state"]

    response = api.post(f"/api/v1/reports/{reference}/revisions", amended, key="amend-1")

    assert response.status_code == 201, response.json
    report = response.json
    assert report is not None
    assert report["title"] == "Corrected title"
    assert [(r["number"], r["kind"]) for r in report["revisions"]] == [
        (1, "submission"),
        (2, "amendment"),
    ]
    assert report["revisions"][1]["reason"] == "The title named the wrong model."
    assert response.headers["Location"] == f"/api/v1/reports/{reference}"
    assert "report.amend" in _actions(db, reference)


def test_an_amendment_reports_every_problem(api: ApiClient, example: dict[str, Any]) -> None:
    reference = filed(api, example)
    body = {**example, "title": "", "reason": "", "surprise": True}
    del body["state"]
    body["classification"] = {**example["classification"], "confidence": "certain"}

    response = api.post(f"/api/v1/reports/{reference}/revisions", body)

    assert response.status_code == 422
    details = (response.json or {})["details"]
    assert {"reason", "surprise", "title", "classification.confidence"} <= set(details)


def test_a_follow_up_files_the_next_report_of_the_series(
    api: ApiClient, example: dict[str, Any]
) -> None:
    reference = filed(api, example)
    body = {**example, "stage": "intermediate"}
    del body["state"]

    response = api.post(f"/api/v1/reports/{reference}/follow-ups", body)

    assert response.status_code == 201, response.json
    receipt = response.json
    assert receipt is not None
    assert receipt["stage"] == "intermediate"
    assert receipt["reference"] != reference
    series = (api.get(response.headers["Location"]).json or {})["series"]
    assert series == [reference, receipt["reference"]]


def test_a_follow_up_after_a_final_report_is_refused(
    api: ApiClient, example: dict[str, Any]
) -> None:
    reference = filed(api, example)
    body = {**example, "stage": "final"}
    del body["state"]
    final = api.post(f"/api/v1/reports/{reference}/follow-ups", body)
    assert final.status_code in (201, 422)  # the final stage may require more fields

    response = api.post(f"/api/v1/reports/{reference}/follow-ups", {**body, "stage": "fourth"})

    assert response.status_code == 422
    assert "stage" in (response.json or {})["details"]


def test_withdrawal_keeps_a_tombstone_and_cannot_repeat(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    reference = filed(api, example)

    response = api.post(f"/api/v1/reports/{reference}/withdraw", {"reason": "Duplicate."})
    again = api.post(f"/api/v1/reports/{reference}/withdraw", {"reason": "Duplicate."})
    amend = api.post(
        f"/api/v1/reports/{reference}/revisions",
        {"distribution": {"tlp": "amber"}, "reason": "Too late."},
    )

    assert response.status_code == 200, response.json
    assert (response.json or {})["state"] == "withdrawn"
    assert (response.json or {})["withdrawal_reason"] == "Duplicate."
    assert again.status_code == 409
    assert "withdrawn" in (again.json or {})["details"]
    assert amend.status_code == 409
    assert "report.withdraw" in _actions(db, reference)


def test_a_draft_cannot_be_amended_withdrawn_or_followed_up(
    api: ApiClient, example: dict[str, Any]
) -> None:
    draft = filed(api, {"state": "draft", "distribution": {"tlp": "amber"}})
    content = {k: v for k, v in example.items() if k != "state"}

    outcomes = [
        api.post(f"/api/v1/reports/{draft}/revisions", {**content, "reason": "x"}),
        api.post(f"/api/v1/reports/{draft}/withdraw", {"reason": "x"}),
        api.post(f"/api/v1/reports/{draft}/follow-ups", {**content, "stage": "final"}),
    ]

    assert [r.status_code for r in outcomes] == [409, 409, 409]
    assert all(r.is_json for r in outcomes)


def test_withdrawal_needs_a_reason(api: ApiClient, example: dict[str, Any]) -> None:
    reference = filed(api, example)

    for body, path in (({}, "reason"), ({"reason": "   "}, "reason"), ({"why": "x"}, "why")):
        response = api.post(f"/api/v1/reports/{reference}/withdraw", body)
        assert response.status_code == 422, body
        assert path in (response.json or {})["details"]
