"""The incident page says what happened: a timeline of the reports and their follow-ups, what
the readable reports agree and disagree on, countries, dates and severity, limited to what the
analyst may read and with withheld identities kept withheld."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.registry.queries import primary_incident
from incidents.reports.models import ReportStage
from incidents.reports.services import file_follow_up
from incidents.security.caller import Caller
from tests import factories
from tests import registry_data as data
from tests.functional.registry.conftest import Sepsis, text


def _section(page: str, testid: str, end: str) -> str:
    """The text of the element marked ``testid`` (up to its closing ``end`` tag)."""
    found = page.split(f'data-testid="{testid}"', 1)[1].split(end, 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found)).split())


def test_the_incident_page_tells_what_happened(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    withheld = replace(
        data.SEPSIS_DEVELOPER,
        withhold_identity=True,
        classification={**data.SEPSIS_DEVELOPER.classification, "harm_type": ["psychological"]},
    )
    developer = place(withheld, reporters["developer"])
    follow_up = file_follow_up(
        db,
        Caller(reporters["hospital"], "web"),
        sepsis.deployer,
        replace(data.SEPSIS_DEPLOYER, title="Root cause found: lactate code mapping"),
        stage=ReportStage.INTERMEDIATE,
    )
    db.commit()
    page = text(analyst_client.get(f"/incidents/{sepsis.incident.reference}"))

    timeline = _section(page, "timeline", "</ol>")
    assert sepsis.deployer.reference is not None
    assert developer.reference is not None
    assert sepsis.deployer.reference in timeline
    assert developer.reference in timeline
    assert f"{follow_up.reference}" in timeline
    assert "a follow-up in the same series" in timeline
    assert timeline.index(sepsis.deployer.reference) < timeline.index(developer.reference)
    assert "from Withheld (developer)" in timeline
    assert "Clarion" not in timeline  # the developer asked for its identity to be withheld
    assert reporters["hospital"].organization.name in timeline

    agreement = _section(page, "agreement", "</table>")
    assert "Harm type" in agreement
    assert "disagree" in agreement
    assert "Death: 1" in agreement
    assert "Psychological harm: 1" in agreement
    assert "Event class" in agreement
    overview = _section(page, "overview", "</dl>")
    assert "United Kingdom" in overview
    assert "2025-09-0" in overview  # the days the reports give for the event


def test_the_overview_counts_only_reports_the_analyst_may_read(
    analyst_client: FlaskClient, db: Session, sepsis: Sepsis, place, reporters
) -> None:
    # A RED report for another institute joins the incident, unseen by this analyst.
    elsewhere = factories.InstituteFactory(name="Faraway Institute")
    red = replace(
        data.SEPSIS_DEVELOPER,
        tlp="red",
        recipients=(elsewhere.name,),
        classification={**data.SEPSIS_DEVELOPER.classification, "harm_type": ["environmental"]},
    )
    hidden = place(red, reporters["developer"])
    assert primary_incident(db, hidden) == sepsis.incident  # linked, but not readable here
    page = text(analyst_client.get(f"/incidents/{sepsis.incident.reference}"))
    assert hidden.reference not in page
    assert "Environmental harm" not in page
