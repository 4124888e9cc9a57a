"""Filing reports and placing them in incidents, for the registry's tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.dedup import Thresholds
from incidents.outbox.services import DrainResult
from incidents.placement.services import drain
from incidents.registry.models import DedupCandidate, Incident, IncidentLink
from incidents.registry.queries import primary_incident
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.registry_data import (
    SEPSIS_DEPLOYER,
    SEPSIS_DEVELOPER,
    SEPSIS_FALSE_ALARMS,
    SEPSIS_FAMILY,
)


def reporter_of(organization: Organization) -> User:
    user: User = factories.UserFactory(role=Role.REPORTER, organization=organization)
    return user


def file_as(db: Session, organization: Organization, content: ReportContent) -> Report:
    """File ``content`` as a new reporter of ``organization`` and commit (not placed yet)."""
    report = file_report(db, Caller(reporter_of(organization), "web"), content)
    db.commit()
    return report


def place(db: Session) -> DrainResult:
    """Drain the outbox with the default thresholds; every entry must succeed."""
    result = drain(db, Thresholds())
    assert not result.failed, result.failed
    return result


def incident_of(db: Session, report: Report) -> Incident:
    incident = primary_incident(db, report)
    assert incident is not None, f"{report.reference} is in no incident"
    return incident


def members(db: Session, incident: Incident) -> list[str]:
    """References of the incident's reports (active links), in link order."""
    query = (
        sa.select(Report.reference)
        .join(IncidentLink, IncidentLink.report_id == Report.id)
        .where(IncidentLink.incident_id == incident.id, IncidentLink.removed_at.is_(None))
        .order_by(IncidentLink.id)
    )
    return [str(r) for r in db.scalars(query)]


def candidates(db: Session, report: Report) -> list[DedupCandidate]:
    query = (
        sa.select(DedupCandidate)
        .where(DedupCandidate.report_id == report.id)
        .order_by(DedupCandidate.rank)
    )
    return list(db.scalars(query))


def titled(content: ReportContent, title: str) -> ReportContent:
    return replace(content, title=title)


@dataclass
class Sepsis:
    """The sepsis event in three voices and a hard negative, each from its own company."""

    deployer: Report
    developer: Report
    family: Report
    false_alarms: Report


def companies(count: int = 4) -> list[Organization]:
    return [factories.OrganizationFactory() for _ in range(count)]


def file_sepsis(db: Session, organizations: Sequence[Organization]) -> Sepsis:
    """File the four sepsis reports (one company each) and place them."""
    contents = (SEPSIS_DEPLOYER, SEPSIS_DEVELOPER, SEPSIS_FAMILY, SEPSIS_FALSE_ALARMS)
    filed = [file_as(db, org, c) for org, c in zip(organizations, contents, strict=True)]
    result = place(db)
    assert (result.processed, result.remaining) == (4, 0)
    return Sepsis(*filed)
