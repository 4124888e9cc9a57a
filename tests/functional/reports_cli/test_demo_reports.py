"""``flask demo`` also files fictional reports across the demo companies."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.db import utcnow
from incidents.registry.queries import triage_queue
from incidents.reports.deadlines import status_of
from incidents.reports.demo import AURORA, LUMEN, MERIDIAN, NORTHGATE, load_demo_reports
from incidents.reports.models import Report, ReportStage, ReportState, Tlp
from incidents.security.permissions import Role


def _demo_reports(db: Session) -> list[Report]:
    query = (
        sa.select(Report)
        .join(Organization, Report.organization_id == Organization.id)
        .where(Organization.name.in_([AURORA, LUMEN]))
        .order_by(Report.id)
    )
    return list(db.scalars(query))


def test_demo_files_varied_reports_once(app: Flask, db: Session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    reports = _demo_reports(db)
    assert 30 <= len(reports) <= 40
    assert {r.organization.name for r in reports} == {AURORA, LUMEN}
    assert set(Counter(r.stage for r in reports)) == set(ReportStage)
    assert Counter(r.state for r in reports)[ReportState.DRAFT] == 2
    assert Counter(r.state for r in reports)[ReportState.WITHDRAWN] == 1
    assert {r.tlp for r in reports} == set(Tlp)
    for report in reports:
        assert bool(report.recipients) == report.tlp.needs_recipients
        for url in report.references:
            assert (urlsplit(url).hostname or "").endswith(".example")
    assert len({r.classification.get("event_class") for r in reports}) >= 4
    assert len({r.classification.get("sector") for r in reports}) >= 6
    series_lengths = Counter(len(r.series.reports) for r in reports if r.stage is ReportStage.FINAL)
    assert max(series_lengths) >= 3  # some series run initial → intermediate → final

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert again.output == first.output
    assert len(_demo_reports(db)) == len(reports)


def test_demo_deadlines_fall_due_soon_and_overdue(app: Flask, db: Session) -> None:
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    now = utcnow()
    states = Counter(
        status_of(deadline, now).state
        for report in _demo_reports(db)
        for deadline in report.deadlines
    )
    assert states["overdue"] >= 2
    assert states["due_soon"] >= 2
    assert {d.regime for r in _demo_reports(db) for d in r.deadlines} >= {
        "eu_ai_act_art73",
        "eu_ai_act_art55",
        "gdpr_art33",
        "nis2_art23",
        "mdr_art87",
    }


def test_demo_reports_need_the_demo_companies(db: Session) -> None:
    assert load_demo_reports(db) == 0
    assert _demo_reports(db) == []


def test_every_demo_analyst_has_something_to_triage(app: Flask, db: Session) -> None:
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    analysts = db.scalars(
        sa.select(User).where(User.role.in_([Role.ANALYST, Role.EDITOR]), User.is_active)
    ).all()

    assert {analyst.organization.name for analyst in analysts} >= {MERIDIAN, NORTHGATE}
    for analyst in analysts:
        _, waiting = triage_queue(db, analyst)
        assert waiting > 0, analyst.email
