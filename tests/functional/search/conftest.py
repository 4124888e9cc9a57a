"""Search fixtures: an index rebuilt from the test's database, two companies' reports of
one event (one AMBER, one RED with a canary word for a single institute), and clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents import search
from incidents.accounts.models import Organization, User
from incidents.outbox.hooks import handlers_of
from incidents.outbox.services import DrainResult, drain
from incidents.reports.models import Report
from incidents.searching import indexing
from incidents.searching.engines import engines_of
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import login
from tests.registry_data import SEPSIS_DEPLOYER, SEPSIS_FALSE_ALARMS
from tests.registry_helpers import file_as, place

CANARY = "zanzibarquokka"


def index(app: Flask, db: Session) -> DrainResult:
    """Do the search consumer's waiting work now; every entry must succeed."""
    with app.app_context():
        result = drain(db, indexing.CONSUMER, handlers_of(app)[indexing.CONSUMER])
    assert not result.failed, result.failed
    return result


def reindex(app: Flask, db: Session) -> None:
    """Make both indexes hold exactly what the test's database holds (earlier tests' rows
    were rolled back, their index entries were not)."""
    with app.app_context():
        engines = engines_of(app)
        search.rebuild(db, engines.analyst, notes=indexing.NOTES)
        indexing.rebuild_public(db, engines.public)
    db.rollback()


@pytest.fixture
def indexed(app: Flask, db: Session) -> Callable[[], DrainResult]:
    """Start from indexes that hold exactly the test database; the fixture's value indexes
    what waits in the outbox."""
    reindex(app, db)
    return lambda: index(app, db)


@dataclass
class World:
    company: Organization
    other_company: Organization
    institute: Organization
    other_institute: Organization
    amber: Report
    red: Report
    analyst: User
    other_analyst: User
    reporter: User
    other_reporter: User


@pytest.fixture
def world(db: Session, indexed: Callable[[], DrainResult]) -> World:
    company = factories.OrganizationFactory(name="Northmoor Trust")
    other_company = factories.OrganizationFactory(name="Clarion Health")
    institute = factories.InstituteFactory(name="Institute North")
    other_institute = factories.InstituteFactory(name="Institute South")
    amber = file_as(db, company, SEPSIS_DEPLOYER)
    red = file_as(
        db,
        other_company,
        replace(
            SEPSIS_FALSE_ALARMS,
            description=f"{SEPSIS_FALSE_ALARMS.description} Internal codename {CANARY}.",
            tlp="red",
            recipients=(institute.name,),
        ),
    )
    place(db)
    indexed()
    return World(
        company=company,
        other_company=other_company,
        institute=institute,
        other_institute=other_institute,
        amber=amber,
        red=red,
        analyst=factories.UserFactory(role=Role.ANALYST, organization=institute),
        other_analyst=factories.UserFactory(role=Role.ANALYST, organization=other_institute),
        reporter=factories.UserFactory(role=Role.REPORTER, organization=company),
        other_reporter=factories.UserFactory(role=Role.REPORTER, organization=other_company),
    )


@pytest.fixture
def signed_in(app: Flask, db: Session) -> Callable[[User], FlaskClient]:
    def sign_in(user: User) -> FlaskClient:
        client = app.test_client()
        login(client, user)
        return client

    return sign_in
