"""A candidate no institute may read both sides of is resolved by the engine, not queued."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from incidents.placement.services import UNDECIDABLE
from incidents.registry.candidates import pending_candidates
from incidents.registry.models import CandidateDecision, DedupCandidate
from incidents.registry.queries import primary_incident
from tests import factories
from tests import registry_data as data


def test_a_candidate_between_reds_to_different_institutes_is_resolved_and_counted(
    db: Session, place, reporters
) -> None:
    two = factories.InstituteFactory(name="Safety Institute Two")
    three = factories.InstituteFactory(name="Safety Institute Three")
    red = place(
        replace(data.SEPSIS_DEPLOYER, tlp="red", recipients=(two.name,)), reporters["hospital"]
    )
    look_alike = place(
        replace(data.SEPSIS_FALSE_ALARMS, tlp="red", recipients=(three.name,)),
        reporters["other"],
    )
    # Nobody could open it: it waits in no queue, and the report keeps an incident of its own.
    assert pending_candidates(db, look_alike) == []
    [candidate] = db.query(DedupCandidate).filter_by(report_id=look_alike.id).all()
    assert candidate.incident_id == primary_incident(db, red).id  # type: ignore[union-attr]
    assert (candidate.decision, candidate.reason) == (CandidateDecision.REJECTED, UNDECIDABLE)
    assert primary_incident(db, look_alike) != primary_incident(db, red)


def test_a_candidate_one_recipient_may_read_both_sides_of_waits_for_it(
    db: Session, place, reporters
) -> None:
    two = factories.InstituteFactory(name="Safety Institute Two")
    place(replace(data.SEPSIS_DEPLOYER, tlp="red", recipients=(two.name,)), reporters["hospital"])
    look_alike = place(
        replace(data.SEPSIS_FALSE_ALARMS, tlp="red", recipients=(two.name,)), reporters["other"]
    )
    assert len(pending_candidates(db, look_alike)) == 1
