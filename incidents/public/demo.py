"""Demo publications: public summaries of demo incidents, drafted by the Meridian analyst
and approved by the Meridian editor through the real workflow, with a correction on one and
a withdrawal on another, so a newcomer sees a populated public site."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.public import services
from incidents.registry.models import Incident, IncidentLink
from incidents.registry.queries import follow
from incidents.reports.models import Report
from incidents.security.caller import Caller

ANALYST = "analyst@meridian.example"
EDITOR = "editor@meridian.example"


@dataclass(frozen=True)
class DemoSummary:
    """A public summary of the demo incident whose report has ``report_title``."""

    report_title: str
    title: str
    summary: str
    month: str
    countries: tuple[str, ...]
    classification: dict[str, Any] = field(default_factory=dict)
    correction: str = ""  # a corrected summary published afterwards, with its note
    correction_note: str = ""
    withdrawn_because: str = ""


SUMMARIES: tuple[DemoSummary, ...] = (
    DemoSummary(
        "Warehouse robot struck a picker during aisle re-routing",
        "Warehouse robot struck a worker after re-planning its route",
        "An autonomous tote carrier re-planned its route around a blocked aisle and struck a "
        "warehouse worker at low speed. The worker was slightly injured. The operator paused "
        "re-routing in shared aisles while the planner's clearance rules were reviewed.",
        "2026-11",
        ("DE",),
        {"event_class": "serious_ai_incident", "harm_type": ["physical_injury"]},
        correction="An autonomous tote carrier re-planned its route around a blocked aisle and "
        "struck a warehouse worker at low speed. The worker was slightly injured. The operator "
        "paused re-routing in shared aisles and has since deployed a fix that keeps a wider "
        "clearance around people.",
        correction_note="The fix has been deployed; the summary said it was under review.",
    ),
    DemoSummary(
        "Assistant cited six non-existent court decisions in a legal brief",
        "Legal brief drafted with an AI assistant cited court decisions that do not exist",
        "A brief filed in court had been drafted with a general-purpose AI assistant; six of "
        "its citations referred to decisions that do not exist. The court struck the brief.",
        "2026-10",
        ("US",),
        {
            "event_class": "ai_incident",
            "harm_type": ["public_interest"],
            "sector": "professional_services",
        },
    ),
    DemoSummary(
        "Screening model ranked applicants lower for career gaps",
        "Applicant screening model penalised career gaps",
        "An audit found that a résumé-screening model ranked applicants with career gaps "
        "lower, a pattern that falls disproportionately on carers. The deployer suspended "
        "automated ranking.",
        "2026-09",
        ("GB",),
        {"event_class": "ai_incident", "harm_type": ["human_fundamental_rights"]},
    ),
    DemoSummary(
        "Translation model inverted a medication dosage instruction",
        "Machine translation inverted a medication dosage instruction",
        "Discharge notes translated by a machine-translation model gave the wrong frequency "
        "for a medication. A pharmacist caught the error before harm occurred.",
        "2026-10",
        ("ES",),
        {"event_class": "ai_hazard", "harm_type": ["physical_injury"], "sector": "health"},
    ),
    DemoSummary(
        "Election Q&A answered with the wrong polling date",
        "AI assistant gave voters a wrong polling date for six hours",
        "For six hours a public AI assistant answered questions about a regional election "
        "with the wrong polling date. The provider corrected the answers and published a "
        "notice.",
        "2026-08",
        ("FR",),
        {"event_class": "ai_incident", "harm_type": ["public_interest"]},
    ),
    DemoSummary(
        "Code assistant suggested a dependency with a known critical CVE",
        "Code assistant recommended a library version with a known critical vulnerability",
        "A code assistant recommended pinning a library version with a published "
        "remote-code-execution vulnerability. No exploitation is known.",
        "2026-11",
        ("US",),
        {"event_class": "ai_hazard"},
    ),
    DemoSummary(
        "Crop-spraying drone drifted outside its geofence",
        "Crop-spraying drone sprayed outside its field after a map update",
        "A spraying drone used an outdated field boundary after a map update and sprayed a "
        "strip of a neighbouring field.",
        "2026-07",
        ("NL",),
        {"event_class": "ai_incident", "harm_type": ["environmental"]},
        withdrawn_because="The operator's investigation found the drift was caused by a "
        "manual override, not by the AI system; this record no longer describes an AI incident.",
    ),
)


def load_demo_publications(session: Session) -> int:
    """Publish the demo summaries not yet published (safe to run twice); returns how many
    were published now."""
    analyst = session.scalar(sa.select(User).where(User.email == ANALYST))
    editor = session.scalar(sa.select(User).where(User.email == EDITOR))
    if analyst is None or editor is None:
        return 0
    drafter, approver = Caller(analyst, "cli"), Caller(editor, "cli")
    published = 0
    for demo in SUMMARIES:
        incident = _incident_of(session, demo.report_title)
        if incident is None or services.publication_of(session, incident) is not None:
            continue
        _publish(session, drafter, approver, incident, demo, demo.summary, "")
        if demo.correction:
            _publish(
                session, drafter, approver, incident, demo, demo.correction, demo.correction_note
            )
        if demo.withdrawn_because:
            services.withdraw(session, approver, incident, reason=demo.withdrawn_because)
        published += 1
    session.flush()
    return published


def _publish(
    session: Session,
    drafter: Caller,
    approver: Caller,
    incident: Incident,
    demo: DemoSummary,
    text: str,
    note: str,
) -> None:
    draft = services.save_draft(
        session,
        drafter,
        incident,
        title=demo.title,
        summary=text,
        classification=demo.classification,
        month=demo.month,
        countries=list(demo.countries),
        change_note=note,
    )
    services.approve(session, approver, incident, version=draft.lock_version)


def _incident_of(session: Session, report_title: str) -> Incident | None:
    incident = session.scalar(
        sa.select(Incident)
        .join(IncidentLink, IncidentLink.incident_id == Incident.id)
        .join(Report, Report.id == IncidentLink.report_id)
        .where(Report.title == report_title, IncidentLink.removed_at.is_(None))
        .order_by(IncidentLink.id)
        .limit(1)
    )
    return follow(incident) if incident is not None else None
