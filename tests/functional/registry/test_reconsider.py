"""Reconsidering after placement: two fragments a later report bridges are proposed for merging
(only to institutes that may read all three reports), accepted or rejected; a doubtful
automatic link is flagged, kept or unlinked."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.audit.models import AuditEvent
from incidents.dedup import Thresholds
from incidents.dedup.reconsider import Bridge
from incidents.placement.services import drain
from incidents.registry.models import (
    Incident,
    IncidentStatus,
    LinkOrigin,
    Reconsideration,
    ReconsiderationDecision,
    ReconsiderationKind,
)
from incidents.registry.queries import active_links, primary_incident
from incidents.registry.reconsiderations import UNDECIDABLE, merge_automatically, propose_merge
from incidents.registry.services import split, unlink_report, unmerge
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import amend
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests import registry_data as data
from tests.conftest import login
from tests.functional.api.conftest import api_client
from tests.functional.registry.conftest import post, text


@dataclass
class Fragments:
    """One event split in two by a miss (A: the deployer's, B: the family's report), and the
    developer's report that bridges them."""

    deployer: Report
    family: Report
    bridge: Report
    a: Incident
    b: Incident
    two: Organization  # the only institute the family's RED report is addressed to


@pytest.fixture
def fragments(db: Session, place, reporters: dict[str, User], make_user) -> Fragments:
    two = factories.InstituteFactory(name="Safety Institute Two")
    deployer = place(data.SEPSIS_DEPLOYER, reporters["hospital"])
    family = place(
        replace(data.SEPSIS_FAMILY, tlp="red", recipients=(two.name,)), reporters["other"]
    )
    a = primary_incident(db, deployer)
    assert a is not None
    # The miss: the family's report ends up in an incident of its own.
    splitter = make_user(Role.ANALYST, organization=two)
    b = split(db, Caller(splitter, "web"), a, [family], reason="looked like another event")
    db.commit()
    drain(db, Thresholds())
    bridge = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    return Fragments(deployer, family, bridge, a, b, two)


def proposals(
    db: Session, kind: ReconsiderationKind = ReconsiderationKind.MERGE
) -> list[Reconsideration]:
    return list(db.scalars(sa.select(Reconsideration).where(Reconsideration.kind == kind)))


def analyst_of(app: Flask, make_user, institute: Organization) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(Role.ANALYST, organization=institute))
    return client


def test_a_report_bridging_two_fragments_proposes_their_merge_with_evidence(
    db: Session, fragments: Fragments
) -> None:
    [proposal] = proposals(db)
    assert primary_incident(db, fragments.bridge) == fragments.a  # linked, nothing merged
    assert (proposal.incident, proposal.other) == (fragments.a, fragments.b)
    assert proposal.report == fragments.bridge
    assert proposal.evidence_report == fragments.deployer
    assert proposal.other_evidence == fragments.family
    assert proposal.decision is ReconsiderationDecision.PENDING
    assert proposal.score is not None
    assert proposal.score >= 0.8
    assert proposal.other_score is not None
    assert 0.3 <= proposal.other_score < 0.8
    assert not proposal.is_automatic  # one side below auto-link grade
    names = {signal["name"] for signal in proposal.signals["other"]}
    assert "text_cosine" in names
    assert proposal.signals["direct"]
    assert fragments.b.status is IncidentStatus.OPEN
    audit = db.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "reconsideration.propose_merge")
    )
    assert audit is not None


def test_the_proposal_is_shown_to_an_institute_reading_all_three_reports_only(
    app: Flask, db: Session, fragments: Fragments, make_user
) -> None:
    reads_all = analyst_of(app, make_user, fragments.two)
    reads_two = analyst_of(app, make_user, factories.InstituteFactory(name="Institute Three"))

    queue = text(reads_all.get("/triage"))
    assert 'data-testid="reconsider-merge"' in queue
    assert f"{fragments.a.reference}</a> ↔" in queue
    page = text(reads_all.get(f"/triage/{fragments.bridge.reference}"))
    assert f'data-testid="reconsider-merge-{fragments.b.reference}"' in page
    assert "Merge: one event" in page

    hidden = text(reads_two.get("/triage"))
    assert 'data-testid="reconsider-merge"' not in hidden
    assert "0 waiting" in hidden
    elsewhere = text(reads_two.get(f"/triage/{fragments.bridge.reference}"))
    assert "reconsider-merge" not in elsewhere


def test_accepting_merges_the_two_incidents(
    app: Flask, db: Session, fragments: Fragments, make_user
) -> None:
    client = analyst_of(app, make_user, fragments.two)
    response = post(
        client,
        f"/triage/{fragments.bridge.reference}",
        {"decision": "reconsider", "answer": "accept", "incident": fragments.b.reference},
    )
    assert response.status_code == 302
    db.expire_all()
    [proposal] = proposals(db)
    assert proposal.decision is ReconsiderationDecision.ACCEPTED
    assert fragments.b.status is IncidentStatus.MERGED
    assert fragments.b.merged_into == fragments.a
    assert primary_incident(db, fragments.family) == fragments.a
    assert [link.origin for link in active_links(db, fragments.family)] == [LinkOrigin.MERGE]
    actions = set(db.scalars(sa.select(AuditEvent.action)))
    assert {"incident.merge", "reconsideration.accepted"} <= actions
    assert "0 waiting" in text(client.get("/triage"))


@pytest.fixture
def automatic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bridge reaches auto-link grade on both sides and directly (which evidence does is
    the engine's unit tests' business: here, what the placement does with one)."""
    monkeypatch.setattr(Bridge, "is_automatic", lambda self, thresholds: True)


def test_a_bridge_at_auto_link_grade_is_merged_by_the_engine_once(
    app: Flask, db: Session, automatic: None, fragments: Fragments, make_user
) -> None:
    db.expire_all()
    [proposal] = proposals(db)
    assert proposal.is_automatic
    assert proposal.decision is ReconsiderationDecision.ACCEPTED
    assert proposal.decided_by is None
    assert proposal.reason.startswith(f"merged by the engine: {fragments.bridge.reference}")
    assert fragments.b.status is IncidentStatus.MERGED
    assert fragments.b.merged_into == fragments.a
    assert primary_incident(db, fragments.family) == fragments.a
    actions = set(db.scalars(sa.select(AuditEvent.action)))
    assert {"incident.merge", "reconsideration.accepted"} <= actions
    assert "0 waiting" in text(analyst_of(app, make_user, fragments.two).get("/triage"))
    # An analyst undoes it; the engine never merges that pair on its own again, it asks.
    unmerge(db, Caller(make_user(Role.ANALYST), "web"), fragments.b, reason="two patients")
    db.commit()
    again = _again(db, fragments, proposal, stronger=0.15, automatic=True)
    assert again is not None
    assert merge_automatically(db, Caller.system(), again) is None
    assert again.decision is ReconsiderationDecision.PENDING
    assert primary_incident(db, fragments.family) == fragments.b  # still apart


def test_the_engine_does_not_merge_into_or_away_an_incident_an_analyst_reviewed(
    db: Session, fragments: Fragments, make_user
) -> None:
    [proposal] = proposals(db)  # made at review grade: pending for analysts
    fragments.b.status = IncidentStatus.CONFIRMED  # an analyst confirmed the family's one
    proposal.is_automatic = True  # had the engine found it at auto-link grade
    db.flush()
    assert merge_automatically(db, Caller.system(), proposal) is None
    assert proposal.decision is ReconsiderationDecision.PENDING
    assert primary_incident(db, fragments.family) == fragments.b
    fragments.b.status = IncidentStatus.OPEN
    assert merge_automatically(db, Caller.system(), proposal) == fragments.a
    assert primary_incident(db, fragments.family) == fragments.a


def test_rejecting_keeps_them_apart_and_stops_the_proposal_coming_back(
    app: Flask, db: Session, fragments: Fragments, make_user
) -> None:
    client = analyst_of(app, make_user, fragments.two)
    post(
        client,
        f"/triage/{fragments.bridge.reference}",
        {
            "decision": "reconsider",
            "answer": "reject",
            "incident": fragments.b.reference,
            f"reconsider-reject-{fragments.b.reference}-reason": "two different patients",
        },
    )
    db.expire_all()
    [proposal] = proposals(db)
    assert proposal.decision is ReconsiderationDecision.REJECTED
    assert proposal.reason == "two different patients"
    assert fragments.b.status is IncidentStatus.OPEN
    # The engine finds the same bridge again (as strong): not proposed again.
    assert _again(db, fragments, proposal, stronger=0.0) is None
    assert [p.decision for p in proposals(db)] == [ReconsiderationDecision.REJECTED]
    assert "0 waiting" in text(client.get("/triage"))
    # New, stronger evidence (a bridge tying them more closely) asks again.
    assert _again(db, fragments, proposal, stronger=0.15) is not None
    assert "1 waiting" in text(client.get("/triage"))


def _again(
    db: Session,
    fragments: Fragments,
    earlier: Reconsideration,
    *,
    stronger: float,
    automatic: bool = False,
) -> Reconsideration | None:
    assert earlier.score is not None
    assert earlier.other_score is not None
    found = propose_merge(
        db,
        Caller.system(),
        fragments.bridge,
        fragments.a,
        fragments.b,
        evidence=(fragments.deployer, fragments.family),
        scores=(earlier.score, earlier.other_score + stronger, earlier.direct_score or 0.0),
        signals=earlier.signals,
        automatic=automatic,
        decidable=True,
    )
    db.commit()
    return found


@pytest.mark.parametrize("engine_grade", [False, True])
def test_a_bridge_nobody_may_read_all_of_is_counted_not_shown(
    db: Session,
    place,
    reporters: dict[str, User],
    make_user,
    monkeypatch: pytest.MonkeyPatch,
    engine_grade: bool,
) -> None:
    """Undecidable: counted, never shown; at auto-link grade the engine merges it alone."""
    monkeypatch.setattr(Bridge, "is_automatic", lambda self, thresholds: engine_grade)
    two, three = (factories.InstituteFactory(name=n) for n in ("Inst Two", "Inst Three"))
    place(replace(data.SEPSIS_DEPLOYER, tlp="red", recipients=(three.name,)), reporters["hospital"])
    family = place(
        replace(data.SEPSIS_FAMILY, tlp="red", recipients=(two.name,)), reporters["other"]
    )
    home = primary_incident(db, family)
    assert home is not None
    split(db, Caller(make_user(Role.ANALYST, organization=two), "web"), home, [family], reason="x")
    db.commit()
    drain(db, Thresholds())
    place(data.SEPSIS_DEVELOPER, reporters["developer"])
    [proposal] = proposals(db)
    if engine_grade:
        assert proposal.decision is ReconsiderationDecision.ACCEPTED
        assert proposal.reason.startswith("merged by the engine")
        assert primary_incident(db, family) == primary_incident(db, proposal.report)
        return
    assert (proposal.decision, proposal.reason) == (
        ReconsiderationDecision.UNDECIDABLE,
        UNDECIDABLE,
    )
    assert primary_incident(db, family) != primary_incident(db, proposal.report)


CHANGED = ReportContent(
    title="Robot arm pinned a warehouse worker during a night shift",
    description=(
        "A palletising robot at our Leeds warehouse restarted while a worker cleared a jam and "
        "pinned his arm against the conveyor. He was treated for bruising; the cell's light "
        "curtain had been bypassed during maintenance."
    ),
    tlp="green",
    classification={
        **data.SEPSIS_DEVELOPER.classification,
        "sector": "manufacturing",
        "ai_system": {"name": "PalletPro", "developer": "Kinetix"},
        "occurred_on": "2025-03-02",
    },
)


def test_an_amended_report_whose_automatic_link_no_longer_holds_is_flagged_then_unlinked(
    app: Flask, db: Session, place, reporters: dict[str, User], make_user
) -> None:
    place(data.SEPSIS_DEPLOYER, reporters["hospital"])
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    [link] = active_links(db, developer)
    assert link.origin is LinkOrigin.AUTO
    amend(db, Caller(reporters["developer"], "web"), developer, CHANGED, reason="wrong report")
    db.commit()
    drain(db, Thresholds())
    [flag] = proposals(db, ReconsiderationKind.DOUBTFUL_LINK)
    assert flag.report == developer
    assert flag.incident == link.incident
    assert "below auto-link grade" in flag.reason
    assert flag.decision is ReconsiderationDecision.PENDING

    client = analyst_of(app, make_user, factories.InstituteFactory(name="Any Institute"))
    queue = text(client.get("/triage"))
    assert 'data-testid="reconsider-doubtful_link"' in queue
    page = text(client.get(f"/triage/{developer.reference}"))
    assert "Doubtful link to" in page
    assert "Unlink it" in page
    response = post(
        client,
        f"/triage/{developer.reference}",
        {"decision": "reconsider", "answer": "unlink", "incident": link.incident.reference},
    )
    assert response.status_code == 302
    db.expire_all()
    [unlinked] = proposals(db, ReconsiderationKind.DOUBTFUL_LINK)
    assert unlinked.decision is ReconsiderationDecision.UNLINKED
    assert primary_incident(db, developer) != link.incident


def test_a_doubtful_link_kept_by_an_analyst_stays(
    app: Flask, db: Session, place, reporters: dict[str, User], make_user
) -> None:
    place(data.SEPSIS_DEPLOYER, reporters["hospital"])
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    [link] = active_links(db, developer)
    amend(db, Caller(reporters["developer"], "web"), developer, CHANGED, reason="wrong report")
    db.commit()
    drain(db, Thresholds())
    client = analyst_of(app, make_user, factories.InstituteFactory(name="Any Institute"))
    answer = {"decision": "reconsider", "answer": "keep", "incident": link.incident.reference}
    post(client, f"/triage/{developer.reference}", answer)
    db.expire_all()
    [flag] = proposals(db, ReconsiderationKind.DOUBTFUL_LINK)
    assert flag.decision is ReconsiderationDecision.KEPT
    assert primary_incident(db, developer) == link.incident
    # Answering again (a stale page) changes nothing and says why.
    again = post(client, f"/triage/{developer.reference}", answer)
    assert again.status_code == 200
    assert "Nothing about that incident waits" in text(again)


# --- the API twins -------------------------------------------------------------------------


def test_the_api_lists_proposals_to_who_reads_all_three_and_takes_answers(
    app: Flask, db: Session, fragments: Fragments, make_user
) -> None:
    reads_all = api_client(app, make_user(Role.ANALYST, organization=fragments.two))
    elsewhere = api_client(app, make_user(Role.ANALYST, organization=factories.InstituteFactory()))

    listed = reads_all.get("/api/v1/triage/reconsider").get_json()
    [item] = listed["reconsiderations"]
    assert listed["total"] == 1
    assert (item["kind"], item["incident"], item["other"]) == (
        "merge",
        fragments.a.reference,
        fragments.b.reference,
    )
    assert item["report"]["reference"] == fragments.bridge.reference
    assert item["other_evidence"] == fragments.family.reference
    assert {"joined", "other", "direct"} <= set(item["signals"])
    assert elsewhere.get("/api/v1/triage/reconsider").get_json()["total"] == 0
    path = f"/api/v1/reports/{fragments.bridge.reference}"
    assert elsewhere.get(f"{path}/reconsiderations").get_json() == {"reconsiderations": []}
    refused = elsewhere.post(
        f"{path}/reconsider", {"answer": "accept", "incident": fragments.b.reference}
    )
    assert refused.status_code == 404
    assert fragments.b.status is IncidentStatus.OPEN

    wrong_kind = reads_all.post(
        f"{path}/reconsider", {"answer": "keep", "incident": fragments.b.reference}
    )
    assert wrong_kind.status_code == 404
    accepted = reads_all.post(
        f"{path}/reconsider", {"answer": "accept", "incident": fragments.b.reference}
    )
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    [after] = accepted.get_json()["reconsiderations"]
    assert after["decision"] == "accepted"
    db.expire_all()
    assert fragments.b.merged_into == fragments.a
    again = reads_all.post(
        f"{path}/reconsider", {"answer": "reject", "incident": fragments.b.reference}
    )
    assert again.status_code == 404  # nothing waits any more


def test_a_placement_flags_a_neighbours_automatic_link_that_no_longer_holds(
    db: Session, place, reporters: dict[str, User], make_user
) -> None:
    deployer = place(data.SEPSIS_DEPLOYER, reporters["hospital"])
    developer = place(data.SEPSIS_DEVELOPER, reporters["developer"])
    [link] = active_links(db, developer)
    assert link.origin is LinkOrigin.AUTO
    # The report the developer's was linked for leaves the incident: it is left alone there.
    analyst = Caller(make_user(Role.ANALYST), "web")
    unlink_report(db, analyst, link.incident, deployer, reason="filed twice, by mistake")
    db.commit()
    drain(db, Thresholds())
    assert proposals(db, ReconsiderationKind.DOUBTFUL_LINK) == []  # nobody looked again yet
    # The family's report joins the deployer's new incident and matches the developer's too.
    family = place(data.SEPSIS_FAMILY, reporters["other"])
    home = primary_incident(db, family)
    assert home == primary_incident(db, deployer)
    [flag] = proposals(db, ReconsiderationKind.DOUBTFUL_LINK)
    assert (flag.report, flag.incident) == (developer, link.incident)
    assert flag.other == home  # where it may belong instead, with its evidence
    assert flag.other_evidence is not None
    assert "below auto-link grade at home now (no match)" in flag.reason
    assert flag.decision is ReconsiderationDecision.PENDING
