"""Changing the registry against a real database: merge and unmerge, split, moves, candidate
decisions and curation — each audited, reversible, and refused on tombstones."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.audit.models import AuditEvent
from incidents.dedup.models import DedupFingerprint
from incidents.refusals import Conflict, Invalid
from incidents.registry import curation, queries, services, triage
from incidents.registry.candidates import pending_candidates
from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    Incident,
    IncidentStatus,
    LinkOrigin,
)
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import registry_helpers
from tests.conftest import MakeUser
from tests.registry_data import CHATBOT
from tests.registry_helpers import (
    Sepsis,
    candidates,
    file_as,
    file_sepsis,
    incident_of,
    members,
    place,
)


@pytest.fixture
def companies(db: Session) -> list[Organization]:
    return registry_helpers.companies(5)


@pytest.fixture
def sepsis(db: Session, companies: list[Organization]) -> Sepsis:
    return file_sepsis(db, companies[:4])


@pytest.fixture
def chatbot(db: Session, sepsis: Sepsis, companies: list[Organization]) -> Report:
    report = file_as(db, companies[4], CHATBOT)
    registry_helpers.place(db)
    return report


@pytest.fixture
def analyst(make_user: MakeUser) -> User:
    user: User = make_user(Role.ANALYST)
    return user


@pytest.fixture
def caller(analyst: User) -> Caller:
    return Caller(analyst, "web", "192.0.2.7")


def curated(db: Session, incident: Incident, caller: Caller) -> tuple[Any, ...]:
    """The caller's institute's curated title and classification of ``incident``, and its
    status (what ``main.title`` and ``main.classification`` were before curations)."""
    assert caller.principal is not None
    own = curation.curation_of(db, incident, caller.principal.organization_id)
    title, classification = (own.title, own.classification) if own else (None, {})
    return title, incident.status, classification


def actions(db: Session, since: int = 0) -> list[str]:
    query = sa.select(AuditEvent.action).where(AuditEvent.id > since).order_by(AuditEvent.id)
    return list(db.scalars(query))


def last_event(db: Session) -> int:
    return db.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0


def engine_incident(db: Session, report: Report) -> str:
    """The incident the dedup engine groups ``report`` under, once the outbox is drained."""
    db.commit()
    place(db)
    stored = db.get(DedupFingerprint, report.id)
    assert stored is not None
    db.refresh(stored)
    return stored.incident_ref


def pending(db: Session, report: Report) -> DedupCandidate:
    (candidate,) = [c for c in candidates(db, report) if c.is_pending]
    return candidate


def auto_linked(db: Session, report: Report) -> DedupCandidate:
    (candidate,) = [
        c for c in candidates(db, report) if c.decision is CandidateDecision.AUTO_LINKED
    ]
    return candidate


# --- merge and unmerge ---------------------------------------------------------------------


def test_merge_moves_the_links_leaves_a_tombstone_and_retargets_pending_candidates(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    three = members(db, main)
    since = last_event(db)

    assert services.merge(db, caller, main, chat, reason="one event after all") is chat

    assert members(db, chat) == [chatbot.reference, *three]
    assert [link.origin for link in chat.active_links] == [LinkOrigin.NEW] + [LinkOrigin.MERGE] * 3
    assert all(link.merged_from_id == main.id for link in chat.active_links[1:])
    assert (main.status, main.merged_into, main.active_links) == (IncidentStatus.MERGED, chat, [])
    assert main.is_tombstone
    assert queries.follow(main) == chat
    assert {engine_incident(db, r) for r in (sepsis.deployer, sepsis.family)} == {chat.reference}
    assert pending(db, sepsis.false_alarms).incident == chat  # was waiting on the absorbed one
    assert actions(db, since) == ["incident.unlink", "incident.link"] * 3 + ["incident.merge"]


def test_merge_rejects_a_pending_candidate_the_target_already_has(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    on_main = pending(db, sepsis.false_alarms)
    db.add(
        DedupCandidate(
            report=sepsis.false_alarms,
            incident=chat,
            evidence_report=chatbot,
            rank=2,
            score=0.4,
            decision=CandidateDecision.PENDING,
        )
    )
    db.flush()
    services.merge(db, caller, main, chat, reason="one event")
    assert on_main.decision is CandidateDecision.REJECTED
    assert on_main.reason == f"{main.reference} was merged into {chat.reference}"
    assert pending(db, sepsis.false_alarms).incident == chat


def test_unmerge_restores_the_absorbed_incident(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    three = members(db, main)
    services.merge(db, caller, main, chat, reason="one event after all")
    since = last_event(db)

    assert services.unmerge(db, caller, main, reason="they were not") is main

    assert (main.status, main.merged_into) == (IncidentStatus.OPEN, None)
    assert members(db, main) == three
    assert members(db, chat) == [chatbot.reference]
    assert engine_incident(db, sepsis.family) == main.reference
    assert actions(db, since)[-1] == "incident.unmerge"
    with pytest.raises(Conflict, match="is not merged"):
        services.unmerge(db, caller, main, reason="again")


@pytest.mark.parametrize("reason", ["", "   "])
def test_merge_and_unmerge_need_a_reason(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller, reason: str
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    with pytest.raises(Invalid) as refused:
        services.merge(db, caller, main, chat, reason=reason)
    assert list(refused.value.problems) == ["reason"]
    assert not main.is_tombstone


def test_an_incident_cannot_be_merged_into_itself(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    with pytest.raises(Invalid) as refused:
        services.merge(db, caller, main, main, reason="why not")
    assert list(refused.value.problems) == ["into"]


# --- split, move, unlink -------------------------------------------------------------------


def test_split_moves_reports_to_a_new_incident(db: Session, sepsis: Sepsis, caller: Caller) -> None:
    main = incident_of(db, sepsis.deployer)
    since = last_event(db)
    new = services.split(
        db,
        caller,
        main,
        [sepsis.developer, sepsis.family],
        reason="two events",
        title="  Lactate coding change  ",
    )
    assert new != main
    assert curated(db, new, caller)[0] == "Lactate coding change"
    assert members(db, new) == [sepsis.developer.reference, sepsis.family.reference]
    assert [link.origin for link in new.active_links] == [LinkOrigin.SPLIT] * 2
    assert members(db, main) == [sepsis.deployer.reference]
    assert engine_incident(db, sepsis.family) == new.reference
    assert engine_incident(db, sepsis.deployer) == main.reference
    assert "incident.split" in actions(db, since)
    assert "incident.open" in actions(db, since)


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (lambda s: [], "at least one report"),
        (lambda s: [s.deployer, s.developer, s.family], "Leave at least one"),
        (lambda s: [s.family, s.false_alarms], "Not linked to"),
    ],
    ids=["empty", "all", "stranger"],
)
def test_split_refuses_what_cannot_be_split(
    db: Session, sepsis: Sepsis, caller: Caller, chosen: Any, message: str
) -> None:
    main = incident_of(db, sepsis.deployer)
    before = members(db, main)
    with pytest.raises(Invalid, match=message) as refused:
        services.split(db, caller, main, chosen(sepsis), reason="because")
    assert list(refused.value.problems) == ["reports"]
    assert members(db, main) == before


def test_moving_the_last_report_out_leaves_a_tombstone_pointing_at_the_target(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main, alone = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    since = last_event(db)
    services.move_report(db, caller, sepsis.false_alarms, alone, main, reason="same ward")
    assert members(db, main)[-1] == sepsis.false_alarms.reference
    assert main.active_links[-1].origin is LinkOrigin.ANALYST
    assert (alone.status, alone.merged_into) == (IncidentStatus.MERGED, main)
    assert engine_incident(db, sepsis.false_alarms) == main.reference
    assert actions(db, since) == ["incident.unlink", "incident.link", "incident.retire"]
    with pytest.raises(Conflict, match="is not linked"):
        services.move_report(db, caller, sepsis.false_alarms, alone, main, reason="again")


def test_moving_within_one_incident_changes_nothing(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    before = members(db, main)
    services.move_report(db, caller, sepsis.family, main, main, reason="")
    assert members(db, main) == before


def test_unlinking_a_reports_only_incident_opens_a_new_one(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    alone = incident_of(db, sepsis.false_alarms)
    services.unlink_report(db, caller, alone, sepsis.false_alarms, reason="filed in error")
    new = incident_of(db, sepsis.false_alarms)
    assert new != alone
    assert new.active_links[0].origin is LinkOrigin.SPLIT
    assert (alone.status, alone.merged_into) == (IncidentStatus.MERGED, new)
    assert engine_incident(db, sepsis.false_alarms) == new.reference
    old = [link for link in alone.links if not link.is_active]
    assert [(link.removed_reason, link.removed_by_id) for link in old] == [
        ("filed in error", caller.principal.id if caller.principal else None)
    ]


def test_a_report_may_be_linked_to_a_second_incident_and_unlinked_again(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main, alone = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    services.link_report(db, caller, alone, sepsis.deployer, reason="also relevant")
    assert queries.incidents_of(db, sepsis.deployer) == [main, alone]
    with pytest.raises(Conflict, match="already linked"):
        services.link_report(db, caller, alone, sepsis.deployer, reason="twice")
    services.unlink_report(db, caller, alone, sepsis.deployer, reason="not after all")
    assert queries.incidents_of(db, sepsis.deployer) == [main]
    assert not alone.is_tombstone
    with pytest.raises(Conflict, match="is not linked"):
        services.unlink_report(db, caller, alone, sepsis.deployer, reason="again")
    with pytest.raises(Invalid):
        services.unlink_report(db, caller, main, sepsis.deployer, reason=" ")


# --- candidate decisions -------------------------------------------------------------------


def test_confirm_moves_the_report_out_of_its_provisional_incident(
    db: Session, sepsis: Sepsis, caller: Caller, analyst: User
) -> None:
    main, provisional = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    candidate = pending(db, sepsis.false_alarms)
    since = last_event(db)

    assert triage.confirm(db, caller, candidate, reason="same weekend") == main

    assert (candidate.decision, candidate.decided_by, candidate.reason) == (
        CandidateDecision.CONFIRMED,
        analyst,
        "same weekend",
    )
    assert candidate.decided_at is not None
    assert queries.incidents_of(db, sepsis.false_alarms) == [main]
    assert (provisional.status, provisional.merged_into) == (IncidentStatus.MERGED, main)
    assert engine_incident(db, sepsis.false_alarms) == main.reference
    assert actions(db, since) == [
        "incident.unlink",
        "incident.link",
        "incident.retire",
        "candidate.confirmed",
    ]
    with pytest.raises(Conflict, match="already decided"):
        triage.confirm(db, caller, candidate)


def test_reject_a_pending_candidate_keeps_the_report_where_it_is(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    provisional = incident_of(db, sepsis.false_alarms)
    candidate = pending(db, sepsis.false_alarms)
    triage.reject(db, caller, candidate, reason="different hospital")
    assert (candidate.decision, candidate.reason) == (
        CandidateDecision.REJECTED,
        "different hospital",
    )
    assert queries.incidents_of(db, sepsis.false_alarms) == [provisional]
    assert actions(db)[-1] == "candidate.rejected"
    with pytest.raises(Conflict):
        triage.reject(db, caller, candidate, reason="twice")


def decision_of(candidate: DedupCandidate) -> CandidateDecision:
    """The candidate's decision now (mypy would keep an asserted attribute narrowed)."""
    return candidate.decision


def test_rejecting_an_auto_link_moves_the_report_out_and_needs_a_reason(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    candidate = auto_linked(db, sepsis.family)
    with pytest.raises(Invalid) as refused:
        triage.reject(db, caller, candidate, reason="")
    assert list(refused.value.problems) == ["reason"]
    assert decision_of(candidate) is CandidateDecision.AUTO_LINKED

    triage.reject(db, caller, candidate, reason="another patient")

    assert decision_of(candidate) is CandidateDecision.REJECTED
    new = incident_of(db, sepsis.family)
    assert new != main
    assert members(db, new) == [sepsis.family.reference]
    assert sepsis.family.reference not in members(db, main)
    assert engine_incident(db, sepsis.family) == new.reference
    assert actions(db)[-1] == "candidate.rejected"


def test_link_elsewhere_settles_every_pending_candidate(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    provisional, chat = incident_of(db, sepsis.false_alarms), incident_of(db, chatbot)
    candidate = pending(db, sepsis.false_alarms)
    assert triage.link_elsewhere(db, caller, sepsis.false_alarms, chat, reason="") == chat
    assert queries.incidents_of(db, sepsis.false_alarms) == [chat]
    assert (provisional.status, provisional.merged_into) == (IncidentStatus.MERGED, chat)
    assert (candidate.decision, candidate.reason) == (
        CandidateDecision.REJECTED,
        f"linked to {chat.reference}",
    )


def test_link_elsewhere_to_the_candidates_incident_confirms_it(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    candidate = pending(db, sepsis.false_alarms)
    triage.link_elsewhere(db, caller, sepsis.false_alarms, main, reason="same event")
    assert candidate.decision is CandidateDecision.CONFIRMED
    assert queries.incidents_of(db, sepsis.false_alarms) == [main]


def test_keep_separate_rejects_the_candidates_of_a_report_alone_in_its_incident(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    provisional = incident_of(db, sepsis.false_alarms)
    candidate = pending(db, sepsis.false_alarms)
    assert triage.keep_separate(db, caller, sepsis.false_alarms) == provisional
    assert (candidate.decision, candidate.reason) == (CandidateDecision.REJECTED, "a new incident")
    assert pending_candidates(db, sepsis.false_alarms) == []


def test_keep_separate_splits_a_report_that_shares_its_incident(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    new = triage.keep_separate(db, caller, sepsis.family, reason="a different patient")
    assert new != main
    assert members(db, new) == [sepsis.family.reference]
    assert sepsis.family.reference not in members(db, main)
    assert actions(db)[-1] == "incident.split"


# --- curation ------------------------------------------------------------------------------


def test_curate_sets_the_fields_and_bumps_the_version(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    version = main.lock_version
    classification = {"event_class": "serious_ai_incident", "countries": ["GB"]}
    curation.curate(
        db,
        caller,
        main,
        version=version,
        title="  SepsiGuard stopped alerting after an EPR upgrade ",
        status="confirmed",
        classification=classification,
    )
    assert curated(db, main, caller) == (
        "SepsiGuard stopped alerting after an EPR upgrade",
        IncidentStatus.CONFIRMED,
        classification,
    )
    assert main.lock_version > version
    event = db.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.action == "incident.curate"
    assert event.details["before"] == {"title": None, "status": "open"}

    with pytest.raises(Conflict, match="changed by someone else"):
        curation.curate(
            db, caller, main, version=version, title="Stale", status="closed", classification={}
        )
    assert curated(db, main, caller)[:2] == (
        "SepsiGuard stopped alerting after an EPR upgrade",
        IncidentStatus.CONFIRMED,
    )


def test_curate_with_an_empty_title_goes_back_to_the_reports_title(
    db: Session, sepsis: Sepsis, caller: Caller
) -> None:
    main = incident_of(db, sepsis.deployer)
    curation.curate(
        db, caller, main, version=main.lock_version, title="T", status="open", classification={}
    )
    curation.curate(
        db, caller, main, version=main.lock_version, title="  ", status="open", classification={}
    )
    assert curated(db, main, caller)[0] is None


@pytest.mark.parametrize(
    ("changes", "paths"),
    [
        ({"status": "merged"}, ["status"]),
        ({"status": "bogus"}, ["status"]),
        ({"title": "x" * 301}, ["title"]),
        ({"classification": {"event_class": "catastrophe"}}, ["classification.event_class"]),
        (
            {"title": "x" * 301, "status": "nope", "classification": {"countries": ["XX"]}},
            ["title", "status", "classification.countries[0]"],
        ),
    ],
    ids=["merged-status", "unknown-status", "long-title", "bad-class", "everything"],
)
def test_curate_refuses_bad_values_with_their_paths(
    db: Session, sepsis: Sepsis, caller: Caller, changes: dict[str, Any], paths: list[str]
) -> None:
    main = incident_of(db, sepsis.deployer)
    values: dict[str, Any] = {"title": "Fine", "status": "open", "classification": {}, **changes}
    with pytest.raises(Invalid) as refused:
        curation.curate(db, caller, main, version=main.lock_version, **values)
    assert sorted(refused.value.problems) == sorted(paths)
    assert curated(db, main, caller) == (None, IncidentStatus.OPEN, {})


# --- tombstones ----------------------------------------------------------------------------


def test_a_tombstone_refuses_changes(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    alone = incident_of(db, sepsis.false_alarms)
    services.merge(db, caller, alone, chat, reason="test")
    refused: list[Any] = [
        lambda: services.merge(db, caller, alone, main, reason="again"),
        lambda: services.merge(db, caller, main, alone, reason="into a tombstone"),
        lambda: services.link_report(db, caller, alone, sepsis.deployer, reason="x"),
        lambda: services.split(db, caller, alone, [sepsis.false_alarms], reason="x"),
        lambda: services.move_report(db, caller, sepsis.family, main, alone, reason="x"),
        lambda: curation.curate(
            db,
            caller,
            alone,
            version=alone.lock_version,
            title=None,
            status="open",
            classification={},
        ),
    ]
    for attempt in refused:
        with pytest.raises(Conflict, match=f"merged into {chat.reference}"):
            attempt()
    assert alone.status is IncidentStatus.MERGED


def test_decisions_on_a_candidate_of_a_tombstone_follow_the_redirect(
    db: Session, sepsis: Sepsis, chatbot: Report, caller: Caller
) -> None:
    main, chat = incident_of(db, sepsis.deployer), incident_of(db, chatbot)
    candidate = pending(db, sepsis.false_alarms)
    candidate_incident: Incident = candidate.incident
    assert candidate_incident == main
    services.merge(db, caller, main, chat, reason="test")
    assert triage.confirm(db, caller, candidate) == chat
    assert sepsis.false_alarms.reference in members(db, chat)
