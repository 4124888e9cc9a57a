"""Fixtures for the analysts' registry pages: three organisations reporting one sepsis-alert
failure, a look-alike event, an analyst of a network institute and helpers to post forms."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts.models import Organization, User
from incidents.dedup import Thresholds
from incidents.placement.services import drain
from incidents.registry.candidates import pending_candidates
from incidents.registry.models import DedupCandidate, Incident
from incidents.registry.queries import primary_incident
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests import registry_data as data
from tests.conftest import csrf_token, login

INCIDENT = re.compile(r"INC-\d{4}-\d{5}")
# A third event of the same system that resembles the look-alike less closely (lower score).
NEONATAL_ALARMS = replace(
    data.SEPSIS_FALSE_ALARMS,
    title="Alarm flood on the neonatal unit",
    description=(
        "At Eastfield Maternity the SepsiGuard tool flooded the neonatal unit with false sepsis "
        "alerts for three days after a vendor patch changed thresholds. Staff muted the alarms."
    ),
    classification={
        **data.SEPSIS_FALSE_ALARMS.classification,
        "occurred_on": "2025-09-02",
        "harm_type": ["psychological"],
    },
)


@dataclass
class Sepsis:
    """The deployer's report and its incident, and the look-alike waiting in the queue."""

    deployer: Report
    incident: Incident
    false_alarms: Report
    candidate: DedupCandidate


@pytest.fixture
def reporters(db: Session, company: Organization) -> dict[str, User]:
    """One reporter in each of three companies: hospital, developer, a third party."""
    homes = {
        "hospital": company,
        "developer": factories.OrganizationFactory(name="Clarion Health Analytics"),
        "other": factories.OrganizationFactory(name="Westbury Children's Hospital"),
    }
    return {
        name: factories.UserFactory(role=Role.REPORTER, organization=home)
        for name, home in homes.items()
    }


@pytest.fixture
def place(db: Session) -> Callable[[ReportContent, User], Report]:
    """File ``content`` as ``user`` and let the dedup engine place it, as after a request."""

    def file(content: ReportContent, user: User) -> Report:
        report = file_report(db, Caller(user, "web"), content)
        db.commit()
        drain(db, Thresholds())
        return report

    return file


@pytest.fixture
def sepsis(db: Session, place, reporters: dict[str, User]) -> Sepsis:
    deployer = place(data.SEPSIS_DEPLOYER, reporters["hospital"])
    false_alarms = place(data.SEPSIS_FALSE_ALARMS, reporters["other"])
    incident = primary_incident(db, deployer)
    [candidate] = pending_candidates(db, false_alarms)
    assert incident is not None
    assert candidate.incident_id == incident.id
    return Sepsis(deployer, incident, false_alarms, candidate)


@pytest.fixture
def analyst(make_user) -> User:
    user: User = make_user(Role.ANALYST, name="Ana Analyst")
    return user


@pytest.fixture
def analyst_client(app: Flask, client: FlaskClient, analyst: User) -> FlaskClient:
    login(client, analyst)
    return client


def post(client: FlaskClient, path: str, fields: Mapping[str, Any]) -> TestResponse:
    """POST ``fields`` to ``path`` with the session's CSRF token (from the home page)."""
    return client.post(path, data={**fields, "csrf_token": csrf_token(client, "/")})


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
