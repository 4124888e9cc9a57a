"""POST /api/v1/reports/batch: each item succeeds or fails on its own; one commit."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.reports.models import Report, ReportRevision
from tests.functional.api.conftest import ApiClient


def _counts(db: Session) -> tuple[int, int]:
    reports = db.scalar(sa.select(sa.func.count(Report.id))) or 0
    revisions = db.scalar(sa.select(sa.func.count(ReportRevision.id))) or 0
    return reports, revisions


def test_each_item_succeeds_or_fails_on_its_own(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    items = [
        example,
        {**example, "title": ""},  # content problem
        {**example, "colour": "red"},  # schema problem
        "not an object",
        {**example, "title": "Second good one"},
        {"state": "draft", "distribution": {"tlp": "amber"}},
    ]

    response = api.post("/api/v1/reports/batch", {"reports": items})

    assert response.status_code == 200, response.json
    results = (response.json or {})["results"]
    assert [(r["index"], r["status"]) for r in results] == [
        (0, 201),
        (1, 422),
        (2, 422),
        (3, 422),
        (4, 201),
        (5, 201),
    ]
    assert "title" in results[1]["details"]
    assert results[2]["details"]["colour"][0].startswith("Unknown field; accepted: ")
    assert results[3]["details"] == {"_schema": ["Invalid input type."]}
    assert results[0]["reference"] == results[0]["receipt"]["reference"]
    assert results[5]["reference"] is None
    assert results[5]["receipt"]["draft_id"].startswith("draft-")
    # two submitted reports and a draft; nothing of the refused items
    assert _counts(db) == (3, 2)
    for result in (results[0], results[4]):
        shown = api.get(f"/api/v1/reports/{result['reference']}")
        assert shown.status_code == 200
        assert (shown.json or {})["content_hash"] == result["receipt"]["content_hash"]


def test_a_batch_is_idempotent(api: ApiClient, example: dict[str, Any], db: Session) -> None:
    body = {"reports": [example, {**example, "title": "Another"}]}

    first = api.post("/api/v1/reports/batch", body, key="batch-1")
    again = api.post("/api/v1/reports/batch", body, key="batch-1")

    assert first.status_code == again.status_code == 200
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _counts(db) == (2, 2)


def test_more_than_500_reports_are_refused_whole(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    response = api.post("/api/v1/reports/batch", {"reports": [example] * 501})

    assert response.status_code == 413
    assert response.json is not None
    assert response.json["details"] == {
        "reports": ["Send at most 500 reports per batch; this one has 501."]
    }
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "reports"),
        ({"reports": []}, "reports"),
        ({"reports": {"a": 1}}, "reports"),
        ({"reports": [], "dry_run": True}, "dry_run"),
        ([1], "_schema"),
    ],
)
def test_a_malformed_batch_is_refused(api: ApiClient, body: Any, path: str) -> None:
    response = api.post("/api/v1/reports/batch", body)

    assert response.status_code == 422
    assert path in (response.json or {})["details"]


def test_a_full_batch_files_500_reports(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    body = {"reports": [{**example, "title": f"Report {n}"} for n in range(500)]}

    response = api.post("/api/v1/reports/batch", body)

    assert response.status_code == 200
    results = (response.json or {})["results"]
    assert {r["status"] for r in results} == {201}
    assert len({r["reference"] for r in results}) == 500
    assert _counts(db) == (500, 500)
