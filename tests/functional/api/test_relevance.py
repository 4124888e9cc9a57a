"""The API applies the guided form's rules: an answer to a question the other answers do not
ask for (``taxonomy.relevance``) is not stored."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.reports.models import Report
from tests.functional.api.conftest import ApiClient


def test_answers_to_questions_not_asked_are_not_stored(
    api: ApiClient, example: dict[str, Any], db: Session
) -> None:
    classification = example["classification"]
    assert "physical_injury" not in classification["harm_type"]
    body = {**example, "classification": {**classification, "harm_injuries": 4}}
    response = api.post("/api/v1/reports", body)
    assert response.status_code == 201, response.json
    assert response.json is not None
    reference = response.json["reference"]
    stored = db.scalars(sa.select(Report).where(Report.reference == reference)).one()
    assert "harm_injuries" not in stored.classification
    assert stored.classification["harm_type"] == classification["harm_type"]
    shown = api.get(f"/api/v1/reports/{reference}").json
    assert shown is not None
    assert "harm_injuries" not in shown["classification"]
