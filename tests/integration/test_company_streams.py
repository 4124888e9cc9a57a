"""A company files many distinct incidents about its own systems: the same developer, country,
sector and a close date are weak evidence between two of its reports, and its boilerplate is
no evidence at all."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from incidents.registry.models import CandidateDecision, LinkOrigin
from incidents.reports.content import ReportContent
from tests import registry_helpers
from tests.registry_data import SEPSIS_DEPLOYER
from tests.registry_helpers import candidates, file_as, incident_of, members, place

HOUSE = (
    " We take safety seriously and are working closely with our customer and the regulator."
    " Brindlewood Robotics field safety team, safety@brindlewood.example."
)


def robot_report(title: str, body: str, day: str, system: str, harm: str) -> ReportContent:
    classification: dict[str, Any] = {
        **SEPSIS_DEPLOYER.classification,
        "occurred_on": day,
        "aware_at": f"{day}T18:00:00Z",
        "countries": ["GB"],
        "sector": "transport",
        "harm_type": [harm],
        "submitter_relation": "developer",
        "ai_system": {"name": system, "developer": "Brindlewood Robotics Ltd"},
    }
    return replace(
        SEPSIS_DEPLOYER,
        title=title,
        description=f"Brindlewood Robotics Ltd field safety notice. {body}{HOUSE}",
        classification=classification,
        references=(),
    )


STREAM = [
    robot_report(
        "FSN-25-004: Wagtail AMR-5 reversing contact with operative, Daventry",
        "An AMR-5 unit reversing out of a charging bay at a fulfilment site in Daventry struck "
        "an operative's lower leg; the operative fractured an ankle. The rear scanner field "
        "had been shortened during commissioning.",
        "2025-03-04",
        "Wagtail AMR-5",
        "physical_injury",
    ),
    robot_report(
        "FSN-25-009: Avocet C2 picking arm dropped tote on packer, Wakefield",
        "An Avocet C2 arm at a Wakefield parcel hub released a 14 kg tote above a packing "
        "station after its grasp-confidence model misread shrink-wrap; a packer's shoulder "
        "was bruised.",
        "2025-05-19",
        "Avocet C2",
        "physical_injury",
    ),
    robot_report(
        "FSN-25-013: FleetDesk routing sent robots through a fire door, Swindon",
        "After a FleetDesk map update, robots at a Swindon site were routed through a fire "
        "door that staff had propped open; a trolley collision injured a forklift driver's hand.",
        "2025-07-02",
        "FleetDesk",
        "physical_injury",
    ),
    robot_report(
        "FSN-25-017: Wagtail AMR-7 pinned a cleaner against racking, Leicester",
        "An AMR-7 unit in a Leicester warehouse pinned a night cleaner against pallet racking "
        "when its obstacle classifier took a floor scrubber for static racking; the cleaner "
        "suffered crushed ribs.",
        "2025-08-14",
        "Wagtail AMR-7",
        "physical_injury",
    ),
]

# Another robot, another injury, 11 days after the last one, same company and country.
SIBLING = robot_report(
    "FSN-25-018: Wagtail AMR-7 struck a technician during a recalibration, Leicester",
    "During a recalibration at the Leicester warehouse a Wagtail AMR-7 unit resumed its route "
    "while a technician knelt beside its drive wheel; the technician's wrist was broken. "
    "The safety scanner had been muted by the maintenance mode.",
    "2025-08-25",
    "Wagtail AMR-7",
    "physical_injury",
)


def test_a_new_report_of_the_same_company_about_a_different_event_is_not_auto_linked(
    db: Session,
) -> None:
    company = registry_helpers.companies()[0]
    filed = []
    for content in STREAM:
        filed.append(file_as(db, company, content))
        place(db)
    # Four distinct incidents, however alike the company's reports are.
    assert len({incident_of(db, r).id for r in filed}) == 4
    sibling = file_as(db, company, SIBLING)
    place(db)
    incident = incident_of(db, sibling)
    assert members(db, incident) == [sibling.reference]
    assert [link.origin for link in incident.active_links] == [LinkOrigin.NEW]
    assert all(c.decision is not CandidateDecision.AUTO_LINKED for c in candidates(db, sibling))
