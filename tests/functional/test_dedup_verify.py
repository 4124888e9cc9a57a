"""``flask dedup verify``: the dedup store agrees with the reports, or the drift is named."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.dedup.models import REPORT_COUNT_KEY, DedupFingerprint, DedupKey, DedupKeyCount
from incidents.placement.checks import store_drift
from incidents.registry.models import Incident
from tests import registry_helpers
from tests.registry_data import SEPSIS_DEPLOYER
from tests.registry_helpers import Sepsis, file_as, file_sepsis


@pytest.fixture
def sepsis(db: Session) -> Sepsis:
    return file_sepsis(db, registry_helpers.companies(4))


def _verify(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["dedup", "verify"])


def test_a_placed_store_has_no_drift(app: Flask, sepsis: Sepsis, db: Session) -> None:
    file_as(db, registry_helpers.companies(1)[0], SEPSIS_DEPLOYER)  # not placed yet
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "drift: 0 (" in result.output
    assert "1 reports waiting to be placed" in result.output


def test_a_wrong_key_count_is_drift(app: Flask, sepsis: Sepsis, db: Session) -> None:
    kind = REPORT_COUNT_KEY[0]
    row = db.scalar(
        sa.select(DedupKeyCount).where(DedupKeyCount.kind != kind, DedupKeyCount.count > 0)
    )
    assert row is not None
    row.count += 1
    db.flush()
    result = _verify(app)
    assert result.exit_code == 1
    assert "1 key counts" in result.output
    assert "dedup rebuild" in result.output


def test_a_lost_fingerprint_is_missing(app: Flask, sepsis: Sepsis, db: Session) -> None:
    report_id = sepsis.developer.id
    db.execute(sa.delete(DedupKey).where(DedupKey.report_id == report_id))
    db.execute(sa.delete(DedupFingerprint).where(DedupFingerprint.report_id == report_id))
    drift = store_drift(db)
    assert drift.missing == 1
    assert drift.report_count == 1
    assert drift.key_counts > 0
    assert _verify(app).exit_code == 1


def test_a_fingerprint_under_another_incident_is_drift(sepsis: Sepsis, db: Session) -> None:
    other = db.scalar(sa.select(Incident.reference).order_by(Incident.id.desc()))
    fingerprint = db.get(DedupFingerprint, sepsis.family.id)
    assert fingerprint is not None
    assert other is not None
    fingerprint.incident_ref = other if fingerprint.incident_ref != other else "INC-0000-00000"
    db.flush()
    assert store_drift(db).wrong_incident == 1
