"""Fixtures for the reporter pages: a company with a reporter, two network institutes, and
helpers that post the generated report form with a real CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts.models import Organization, User
from incidents.reports import services
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import csrf_token, login

REFERENCE = re.compile(r"RPT-\d{4}-\d{5}")

# A serious AI incident with a death under the EU AI Act Art. 73, as the form posts it.
COMPLETE_FORM: dict[str, Any] = {
    "title": "Care robot dropped a patient",
    "description": "A patient fell from the lifting arm of a care robot and died.",
    "tlp": "amber",
    "event_class": "serious_ai_incident",
    "confidence": "confirmed",
    "submitter_relation": "developer",
    "harm_type": ["physical_death"],
    "harm_materialisation": "occurred",
    "harm_deaths": "1",
    "persons_affected": "n_2_10",
    "ai_role": ["direct_cause"],
    "affected_stakeholders": ["consumers"],
    "risk_domain": ["mit_5_1"],
    "occurred_on": "2025-02-01",
    "date_precision": "day",
    "aware_at": "2025-02-03T10:00",
    "countries": ["NO", "SE"],
    "sector": "health",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "ai_system-name": "CareLift",
    "ai_system-version": "2.1",
    "autonomy": "low_action",
    "response_status": "open",
    "supporting_materials": ["transcript"],
    "regulatory_regimes": ["eu_ai_act_art73"],
    "references": "https://example.org/notice\nhttps://example.org/recall",
}

# The same incident as the services take it.
COMPLETE_CLASSIFICATION: dict[str, Any] = {
    "event_class": "serious_ai_incident",
    "confidence": "confirmed",
    "submitter_relation": "developer",
    "harm_type": ["physical_death"],
    "harm_materialisation": "occurred",
    "harm_deaths": 1,
    "persons_affected": "n_2_10",
    "ai_role": ["direct_cause"],
    "affected_stakeholders": ["consumers"],
    "risk_domain": ["mit_5_1"],
    "occurred_on": "2025-02-01",
    "date_precision": "day",
    "aware_at": "2025-02-03T10:00:00Z",
    "countries": ["NO"],
    "sector": "health",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "ai_system": {"name": "CareLift"},
    "autonomy": "low_action",
    "response_status": "open",
    "supporting_materials": ["transcript"],
    "regulatory_regimes": ["eu_ai_act_art73"],
}


def post_form(
    client: FlaskClient, path: str, data: Mapping[str, Any], *, token_from: str | None = None
) -> TestResponse:
    """POST ``data`` to ``path`` with the CSRF token of the form on ``token_from`` (or path)."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from or path)})


@pytest.fixture
def reporter(make_user) -> User:
    user: User = make_user(Role.REPORTER)
    return user


@pytest.fixture
def second_institute(db: Session) -> Organization:
    institute: Organization = factories.InstituteFactory(name="Safety Institute Two")
    return institute


@pytest.fixture
def reporter_client(client: FlaskClient, reporter: User) -> FlaskClient:
    login(client, reporter)
    return client


@pytest.fixture
def file_report(db: Session, reporter: User) -> Callable[..., Report]:
    """File (or, with ``draft=True``, only save) a report through the services."""

    def file(*, draft: bool = False, by: User | None = None, **fields: Any) -> Report:
        caller = Caller(principal=by or reporter, channel="web")
        content = ReportContent(
            title=fields.pop("title", "Care robot dropped a patient"),
            description=fields.pop("description", "A patient fell from the lifting arm."),
            tlp=fields.pop("tlp", "amber"),
            classification=fields.pop("classification", COMPLETE_CLASSIFICATION),
            **fields,
        )
        if draft:
            report = services.save_draft(db, caller, content)
        else:
            report = services.file_report(db, caller, content)
        db.commit()
        return report

    return file


def aware(days_ago: float) -> str:
    moment = datetime.now(UTC).timestamp() - days_ago * 86400
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
