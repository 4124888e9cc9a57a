"""Reading the registry for a principal: the SQL twin of the report-reading rule, incidents as
each reader sees them, the triage queue and the autocomplete."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from incidents.accounts.models import Organization, User
from incidents.registry import curation, queries, services, triage
from incidents.registry.models import CandidateDecision, DedupCandidate
from incidents.registry.queries import (
    candidate_for,
    candidates_of,
    find_incidents,
    incident_for,
    seen_incidents,
    triage_queue,
)
from incidents.reports.models import Report, ReportSeries, ReportStage, ReportState, Tlp
from incidents.reports.queries import readable_by
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from incidents.security.policy import role_fits_organization
from incidents.security.scope import can_read_report
from tests import factories, registry_helpers
from tests.conftest import MakeUser
from tests.registry_data import SEPSIS_DEPLOYER, SEPSIS_DEVELOPER, SEPSIS_FALSE_ALARMS
from tests.registry_helpers import Sepsis, file_as, file_sepsis, incident_of

# --- readable_by agrees with policy.can_read_report ----------------------------------------

HOMES: dict[str, dict[str, Any]] = {
    "company": {"kind": OrganizationKind.COMPANY},
    "network institute": {"kind": OrganizationKind.INSTITUTE, "is_network_member": True},
    "outside institute": {"kind": OrganizationKind.INSTITUTE, "is_network_member": False},
    "operator": {"kind": OrganizationKind.OPERATOR},
}
PRINCIPALS = [
    *((role, home, True) for role, home in itertools.product(Role, HOMES)),
    (Role.ANALYST, "network institute", False),  # deactivated
    (Role.REPORTER, "company", False),
]


def _report(owner: Organization, author: User, state: ReportState, tlp: Tlp) -> Report:
    return Report(
        organization=owner,
        author=author,
        series=ReportSeries(organization_id=owner.id),
        stage=ReportStage.INITIAL,
        state=state,
        tlp=tlp,
        taxonomy_version="1.0.0",
        title=f"{state.value} {tlp.value}",
    )


@pytest.mark.parametrize(
    ("role", "home", "active"),
    PRINCIPALS,
    ids=[f"{r.value}-{h}{'' if a else '-inactive'}" for r, h, a in PRINCIPALS],
)
def test_readable_by_agrees_with_can_read_report(
    db: Session, role: Role, home: str, active: bool
) -> None:
    organization = factories.OrganizationFactory(**HOMES[home])
    principal: User = factories.UserFactory(role=role, organization=organization, is_active=active)
    foreign = factories.OrganizationFactory()
    foreign_author = factories.UserFactory(organization=foreign)
    reports = []
    for owner, author in ((organization, principal), (foreign, foreign_author)):
        for state, tlp, named, public in itertools.product(
            ReportState, Tlp, (False, True), (False, True)
        ):
            report = _report(owner, author, state, tlp)
            report.recipients = [organization] if named else []
            report.is_public_source = public  # imported news: every analyst reads it
            reports.append(report)
    db.add_all(reports)
    db.flush()
    ids = [r.id for r in reports]
    assert len(ids) == 2 * len(ReportState) * len(Tlp) * 2 * 2

    expected = {r.id for r in reports if can_read_report(principal, r)}
    query = sa.select(Report.id).where(Report.id.in_(ids), readable_by(principal))
    assert set(db.scalars(query)) == expected
    alias = aliased(Report)
    query = sa.select(alias.id).where(alias.id.in_(ids), readable_by(principal, alias))
    assert set(db.scalars(query)) == expected
    assert (
        set(db.scalars(sa.select(Report.id).where(Report.id.in_(ids), readable_by(None)))) == set()
    )


def test_the_comparison_covers_both_outcomes(db: Session) -> None:
    """Own reports, shared ones and hidden ones all occur among the cases above."""
    institute = factories.InstituteFactory()
    analyst: User = factories.UserFactory(role=Role.ANALYST, organization=institute)
    foreign = factories.OrganizationFactory()
    author = factories.UserFactory(organization=foreign)
    cases = {
        (state, tlp): _report(foreign, author, state, tlp)
        for state, tlp in itertools.product(ReportState, Tlp)
    }
    db.add_all(cases.values())
    db.flush()
    readable = {key for key, r in cases.items() if can_read_report(analyst, r)}
    assert readable == {
        (state, tlp)
        for state in (ReportState.SUBMITTED, ReportState.WITHDRAWN)
        for tlp in (Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR)
    }


def test_every_analyst_reads_public_sources_and_nobody_else(db: Session) -> None:
    """A public-source report: analysts of any institute (in the network or not) read it;
    reporters, company org admins and the operator's admin do not."""
    institute = factories.InstituteFactory()
    news = _report(
        institute, factories.UserFactory(organization=institute), ReportState.SUBMITTED, Tlp.CLEAR
    )
    news.is_public_source = True
    db.add(news)
    db.flush()
    readers = {
        (role, home): factories.UserFactory(
            role=role, organization=factories.OrganizationFactory(**HOMES[home])
        )
        for role, home in itertools.product(Role, HOMES)
        if role_fits_organization(role, HOMES[home]["kind"])
    }
    found = {
        key
        for key, user in readers.items()
        if db.scalar(sa.select(Report.id).where(Report.id == news.id, readable_by(user)))
    }
    assert found == {key for key, user in readers.items() if can_read_report(user, news)}
    # Analysts, editors, and institutes' org admins (who hold an analyst's rights).
    institutes = {"network institute", "outside institute"}
    assert found == {(role, home) for role, home in readers if home in institutes}


# --- incidents as each reader sees them ----------------------------------------------------


@pytest.fixture
def companies(db: Session) -> list[Organization]:
    return registry_helpers.companies(4)


@pytest.fixture
def sepsis(db: Session, companies: list[Organization]) -> Sepsis:
    return file_sepsis(db, companies)


@pytest.fixture
def analyst(make_user: MakeUser) -> User:
    user: User = make_user(Role.ANALYST)
    return user


@pytest.fixture
def elsewhere(db: Session) -> Organization:
    """Another network institute: the only recipient of the RED reports below."""
    organization: Organization = factories.InstituteFactory(name="Red Recipient Institute")
    return organization


@pytest.fixture
def other_analyst(elsewhere: Organization) -> User:
    user: User = factories.UserFactory(role=Role.ANALYST, organization=elsewhere)
    return user


def red(content: Any, recipient: Organization) -> Any:
    return replace(content, tlp="red", recipients=(recipient.name,))


def test_an_incident_shows_only_the_reports_its_reader_may_read(
    db: Session,
    companies: list[Organization],
    analyst: User,
    other_analyst: User,
    elsewhere: Organization,
) -> None:
    hidden = file_as(db, companies[0], red(SEPSIS_DEPLOYER, elsewhere))
    shown = file_as(db, companies[1], SEPSIS_DEVELOPER)
    registry_helpers.place(db)
    incident = incident_of(db, hidden)
    assert incident_of(db, shown) == incident

    view = incident_for(db, analyst, incident.reference.lower())
    assert view is not None
    assert (view.reference, view.title, view.reports) == (
        incident.reference,
        shown.title,  # never the title of the RED report it cannot read
        [shown],
    )
    insider = incident_for(db, other_analyst, incident.reference)
    assert insider is not None
    assert (insider.title, insider.reports) == (hidden.title, [hidden, shown])

    curation.curate(
        db,
        Caller(analyst, "web"),
        incident,
        version=incident.lock_version,
        title="SepsiGuard silent after upgrade",
        status="open",
        classification={},
    )
    for reader in (analyst, other_analyst):
        curated = incident_for(db, reader, incident.reference)
        assert curated is not None
        assert curated.title == "SepsiGuard silent after upgrade"


def test_an_incident_without_a_readable_report_is_hidden_like_a_missing_one(
    db: Session, companies: list[Organization], analyst: User, elsewhere: Organization
) -> None:
    secret = file_as(db, companies[0], red(SEPSIS_DEPLOYER, elsewhere))
    registry_helpers.place(db)
    incident = incident_of(db, secret)
    assert incident_for(db, analyst, incident.reference) is None
    assert incident_for(db, analyst, "INC-1999-00001") is None
    reporter = secret.author  # the filer's own reporter: no incident:read
    assert incident_for(db, reporter, incident.reference) is None
    assert incident_for(db, None, incident.reference) is None


def test_a_tombstone_comes_back_as_itself_when_its_target_is_visible(
    db: Session, sepsis: Sepsis, analyst: User, other_analyst: User
) -> None:
    main, alone = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    services.merge(db, Caller(analyst, "web"), alone, main, reason="same event")
    view = incident_for(db, analyst, alone.reference)
    assert view is not None
    assert view.incident.is_tombstone
    assert view.incident.merged_into == main
    assert view.reports == []
    assert queries.follow(view.incident) == main


def test_a_tombstone_of_a_hidden_incident_is_hidden(
    db: Session, companies: list[Organization], analyst: User, elsewhere: Organization
) -> None:
    secret = file_as(db, companies[0], red(SEPSIS_DEPLOYER, elsewhere))
    other = file_as(db, companies[1], red(SEPSIS_DEVELOPER, elsewhere))
    registry_helpers.place(db)
    target = incident_of(db, secret)
    if incident_of(db, other) == target:  # auto-linked: split it off to get two incidents
        services.split(db, Caller(analyst, "web"), target, [other], reason="test")
    absorbed = incident_of(db, other)
    services.merge(db, Caller(analyst, "web"), absorbed, target, reason="test")
    assert incident_for(db, analyst, absorbed.reference) is None


def test_a_merge_of_a_hidden_incident_into_a_visible_one_stays_hidden(
    db: Session, companies: list[Organization], analyst: User, elsewhere: Organization
) -> None:
    secret = file_as(db, companies[0], red(SEPSIS_DEPLOYER, elsewhere))
    shared = file_as(db, companies[1], SEPSIS_FALSE_ALARMS)
    registry_helpers.place(db)
    hidden, target = incident_of(db, secret), incident_of(db, shared)
    if hidden == target:  # linked: split the shared one off to get two incidents
        services.split(db, Caller(None, "cli"), hidden, [shared], reason="test")
        target = incident_of(db, shared)
    services.merge(db, Caller(None, "cli"), hidden, target, reason="test")
    assert incident_for(db, analyst, hidden.reference) is None  # cannot see or undo it
    view = incident_for(db, analyst, target.reference)
    assert view is not None
    assert view.reports == [shared]


def test_seen_incidents_answer_what_incident_for_answers_for_the_incident_they_lead_to(
    db: Session, companies: list[Organization], analyst: User, elsewhere: Organization
) -> None:
    secret = file_as(db, companies[0], red(SEPSIS_DEPLOYER, elsewhere))
    shared = file_as(db, companies[1], SEPSIS_FALSE_ALARMS)
    registry_helpers.place(db)
    hidden, target = incident_of(db, secret), incident_of(db, shared)
    if hidden == target:  # linked: split the shared one off to get two incidents
        services.split(db, Caller(None, "cli"), hidden, [shared], reason="test")
        target = incident_of(db, shared)
    expected = incident_for(db, analyst, target.reference)
    assert expected is not None

    seen = seen_incidents(db, analyst, [hidden, target])
    assert seen[hidden.id] is None
    assert seen[target.id] == expected

    services.merge(db, Caller(None, "cli"), hidden, target, reason="test")
    seen = seen_incidents(db, analyst, [hidden, target])
    assert seen[hidden.id] == seen[target.id]
    view = seen[target.id]
    assert view is not None
    assert (view.incident, view.title, view.reports) == (target, expected.title, [shared])
    assert seen_incidents(db, secret.author, [target]) == {target.id: None}
    assert seen_incidents(db, analyst, []) == {}


# --- the triage queue ----------------------------------------------------------------------


def _candidate(
    report: Report, incident: Any, evidence: Report, score: float, severity: int = 0
) -> DedupCandidate:
    return DedupCandidate(
        report=report,
        incident=incident,
        evidence_report=evidence,
        rank=1,
        score=score,
        severity=severity,
        decision=CandidateDecision.PENDING,
    )


def test_the_queue_lists_candidates_whose_both_reports_are_readable(
    db: Session,
    sepsis: Sepsis,
    companies: list[Organization],
    analyst: User,
    other_analyst: User,
    elsewhere: Organization,
) -> None:
    secret = file_as(db, companies[0], red(replace(SEPSIS_DEPLOYER, title="Red one"), elsewhere))
    registry_helpers.place(db)
    main, alone = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    automatic = next(
        c for c in registry_helpers.candidates(db, sepsis.false_alarms) if c.is_pending
    )
    # Hand-made candidates below, so the engine's own ones for the RED report are cleared.
    db.execute(sa.delete(DedupCandidate).where(DedupCandidate.report_id == secret.id))
    secret_report = _candidate(secret, alone, sepsis.false_alarms, 0.8)
    secret_evidence = _candidate(sepsis.developer, alone, secret, 0.7)
    tie_severe = _candidate(sepsis.family, alone, sepsis.false_alarms, automatic.score, 4)
    db.add_all([secret_report, secret_evidence, tie_severe])
    db.flush()

    queue, total = triage_queue(db, analyst)
    assert queue == sorted([automatic, tie_severe], key=lambda c: (-c.score, -c.severity, c.id))
    assert total == 2
    assert queue[0] == tie_severe  # same score, more severe first
    page, total = triage_queue(db, analyst, page=2, per_page=1)
    assert (page, total) == ([automatic], 2)
    wider, total = triage_queue(db, other_analyst)
    assert set(wider) == {automatic, secret_report, secret_evidence, tie_severe}
    assert total == 4
    assert triage_queue(db, secret.author) == ([], 0)

    assert candidate_for(db, analyst, automatic.id) == automatic
    assert candidate_for(db, analyst, secret_evidence.id) is None
    assert candidate_for(db, secret.author, automatic.id) is None
    assert candidates_of(db, analyst, sepsis.developer) == [
        c for c in registry_helpers.candidates(db, sepsis.developer) if c != secret_evidence
    ]
    assert candidates_of(db, secret.author, sepsis.developer) == []
    assert main in {c.incident for c in candidates_of(db, analyst, sepsis.false_alarms)}


def test_decided_candidates_leave_the_queue(db: Session, sepsis: Sepsis, analyst: User) -> None:
    (candidate,), _ = triage_queue(db, analyst)
    triage.reject(db, Caller(analyst, "web"), candidate, reason="different event")
    assert triage_queue(db, analyst) == ([], 0)


# --- the autocomplete ----------------------------------------------------------------------


def test_find_incidents_by_reference_title_and_readable_report_titles(
    db: Session,
    sepsis: Sepsis,
    companies: list[Organization],
    analyst: User,
    elsewhere: Organization,
) -> None:
    main, alone = incident_of(db, sepsis.deployer), incident_of(db, sepsis.false_alarms)
    secret = file_as(db, companies[0], red(replace(SEPSIS_DEPLOYER, title="Zebra code"), elsewhere))
    registry_helpers.place(db)

    found = find_incidents(db, analyst, "sepsiguard")
    assert [v.incident for v in found] == [alone]  # the false alarms' title names the system
    assert [v.incident for v in find_incidents(db, analyst, " SEPSIS ")] == [main]
    assert [v.reference for v in find_incidents(db, analyst, main.reference.lower())] == [
        main.reference
    ]
    assert find_incidents(db, analyst, "zebra") == []  # only a RED report it cannot read says so
    assert find_incidents(db, analyst, "  ") == []
    assert find_incidents(db, secret.author, "sepsis") == []

    caller = Caller(analyst, "web")
    curation.curate(
        db,
        caller,
        main,
        version=main.lock_version,
        title="Lactate mapping failure",
        status="open",
        classification={},
    )
    (view,) = find_incidents(db, analyst, "lactate mapping")
    assert (view.incident, view.title) == (main, "Lactate mapping failure")

    services.merge(db, caller, alone, main, reason="same hospital group")
    assert alone not in [v.incident for v in find_incidents(db, analyst, "sepsiguard")]
    assert [v.incident for v in find_incidents(db, analyst, "sepsiguard")] == [main]
    assert len(find_incidents(db, analyst, "sepsis", limit=1)) == 1
