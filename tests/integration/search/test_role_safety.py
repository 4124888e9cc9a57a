"""Search never shows, counts or suggests what its caller may not read, on either engine.

Seeded data: two network institutes, one outside the network, two companies, reports under
every distribution, one RED report carrying a canary word addressed to one institute.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.registry.services import merge, split
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_report, withdraw
from incidents.search import (
    Document,
    SearchRequest,
    Subject,
    analyst_tier,
    index_subjects,
    parse,
    report_document,
    request_from_args,
    search,
    verify,
)
from incidents.search.backend import Backend
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from incidents.security.scope import can_read_report
from tests import factories
from tests.integration.search import reference
from tests.registry_helpers import incident_of, place
from tests.reports_data import INITIAL

CANARY = "zanzibarcanary"
VOCABULARY = [
    "model",
    "chatbot",
    "sepsis",
    "alarm",
    "fraud",
    "voice",
    "clone",
    "bank",
    "outage",
    "grid",
    "drone",
    "camera",
]
QUERIES = [
    "model",
    "chatbot OR sepsis",
    "alarm -fraud",
    '"voice clone"',
    "ban*",
    "",
    "grid outage",
    "drone OR camera OR model",
]


@dataclass
class World:
    institutes: dict[str, Organization]
    companies: dict[str, Organization]
    users: dict[str, User]
    reports: list[Report]
    canary: Report


def _content(
    rng: random.Random, tlp: str, recipients: tuple[str, ...], extra: str = ""
) -> ReportContent:
    words = " ".join(rng.choice(VOCABULARY) for _ in range(12))
    classification = {**INITIAL, "sector": rng.choice(["health", "finance", "energy"])}
    return ReportContent(
        title=f"{rng.choice(VOCABULARY).capitalize()} {rng.choice(VOCABULARY)} incident",
        description=f"{words} {extra}".strip(),
        tlp=tlp,
        recipients=recipients,
        classification=classification,
    )


@pytest.fixture
def world(db: Session) -> World:
    rng = random.Random(11)
    institutes = {
        "one": factories.InstituteFactory(name="Institute One"),
        "two": factories.InstituteFactory(name="Institute Two"),
        "outside": factories.InstituteFactory(name="Outside Lab", is_network_member=False),
    }
    companies = {
        "acme": factories.OrganizationFactory(name="Acme Models"),
        "beta": factories.OrganizationFactory(name="Beta Systems"),
    }
    users = {
        f"analyst_{name}": factories.UserFactory(role=Role.ANALYST, organization=org)
        for name, org in institutes.items()
    }
    users |= {
        f"reporter_{name}": factories.UserFactory(role=Role.REPORTER, organization=org)
        for name, org in companies.items()
    }
    users["admin"] = factories.UserFactory(
        role=Role.ADMIN, organization=factories.OperatorFactory(name="Operator")
    )
    distributions = [
        ("clear", ()),
        ("green", ()),
        ("amber", ()),
        ("amber_strict", ("Institute One",)),
        ("red", ("Institute Two",)),
        ("red", ("Institute One", "Institute Two")),
    ]
    reports = []
    for number in range(18):
        companies["acme" if number % 2 else "beta"]
        tlp, recipients = distributions[number % len(distributions)]
        reporter = users["reporter_acme" if number % 2 else "reporter_beta"]
        report = file_report(db, Caller(reporter, "web"), _content(rng, tlp, recipients))
        reports.append(report)
    canary = file_report(
        db,
        Caller(users["reporter_acme"], "web"),
        _content(rng, "red", ("Institute One",), extra=f"The {CANARY} word is secret."),
    )
    db.commit()
    place(db)
    return World(institutes, companies, users, [*reports, canary], canary)


def _index(db: Session, backend: Backend, world: World) -> None:
    index_subjects(db, backend, [Subject("report", report.id) for report in world.reports])


def _request(user: User, query: str, **args: list[str]) -> SearchRequest:
    return request_from_args({"q": [query], "per_page": ["100"], **args}, analyst_tier(user))


def test_every_hit_and_count_is_readable_by_the_caller(db, backend, world):
    _index(db, backend, world)
    rng = random.Random(5)
    users = list(world.users.values())
    readable_docs = {
        user.id: [
            doc
            for report in world.reports
            if can_read_report(user, report)
            and (doc := report_document(report, incident_of(db, report).reference)) is not None
        ]
        for user in users
    }
    for _ in range(40):
        user = rng.choice(users)
        query = rng.choice(QUERIES)
        request = _request(user, query)
        result = search(db, backend, user, request)
        by_reference = {report.reference: report for report in world.reports}
        for hit in result.hits:
            assert can_read_report(user, by_reference[hit.reference]), (user.role, query)
        docs = readable_docs[user.id]
        expected = reference.selected(docs, parse(query).root, _any_key_of(docs))
        assert result.total == len(expected), (user.role, query)
        counts = reference.facet_counts(expected, request.facets)
        assert {k: v for k, v in result.facets.items() if v} == {
            k: v for k, v in counts.items() if v
        }
        assert not result.stale


def _any_key_of(docs: list[Document]) -> frozenset[str]:
    # Every document of ``readable_docs`` is readable already: match on any of their keys
    # (ids are not small on a database whose sequences earlier tests advanced).
    return frozenset({"org:x"}).union(*(doc.access for doc in docs))


@pytest.mark.parametrize(
    "query",
    [
        CANARY,
        f"description:{CANARY}",
        f"title:{CANARY} OR model",
        "zanzibar*",
        f'"the {CANARY} word"',
        f"{CANARY} AND NOT nothing",
    ],
)
def test_the_red_canary_is_found_only_by_its_recipients_and_its_own_organisation(
    db, backend, world, query
):
    _index(db, backend, world)
    for name, user in world.users.items():
        result = search(db, backend, user, _request(user, query))
        found = world.canary.reference in {hit.reference for hit in result.hits}
        may = name in ("analyst_one", "reporter_acme")
        assert found <= may, (name, query)
        if ":" not in query:  # a typed field name is a plain word the report lacks
            assert found == may, (name, query)
        if not may:
            assert CANARY not in (result.suggestion or "")


def test_a_misspelt_canary_is_never_suggested_to_others(db, backend, world):
    _index(db, backend, world)
    assert (
        search(
            db,
            backend,
            world.users["analyst_one"],
            _request(world.users["analyst_one"], "zanzibarcanery"),
        ).suggestion
        == CANARY
    )
    for name in ("analyst_two", "analyst_outside", "reporter_beta", "admin"):
        user = world.users[name]
        assert search(db, backend, user, _request(user, "zanzibarcanery")).suggestion is None


def test_leading_wildcards_cannot_reach_the_canary(db, backend, world):
    from incidents.search import SearchInvalid

    user = world.users["analyst_two"]
    for query in ("*canary", "*", "zan*car", "?anzibarcanary"):
        try:
            result = search(db, backend, user, _request(user, query))
        except SearchInvalid:
            continue
        assert world.canary.reference not in {hit.reference for hit in result.hits}


def test_withdrawn_reports_and_merged_incidents_are_not_shown_from_a_stale_index(
    db, backend, world
):
    _index(db, backend, world)
    analyst = world.users["analyst_one"]
    assert verify(db, backend) == []
    withdraw(
        db, Caller(world.users["reporter_acme"], "web"), world.canary, reason="Filed in error."
    )
    db.commit()
    result = search(db, backend, analyst, _request(analyst, CANARY))
    assert result.hits == []
    assert [subject.id for subject in result.stale] == [world.canary.id]
    assert [drift.kind for drift in verify(db, backend)] == ["extra"]

    first, second = [r for r in world.reports if r.tlp.value in ("green", "amber", "clear")][:2]
    if incident_of(db, first).id == incident_of(db, second).id:
        split(db, Caller(analyst, "web"), incident_of(db, first), [first], reason="Two events.")
        db.commit()
        index_subjects(db, backend, [Subject("report", first.id)])
    absorbed, target = incident_of(db, first), incident_of(db, second)
    merge(db, Caller(analyst, "web"), absorbed, target, reason="The same event.")
    db.commit()
    words = first.title.split()[0]
    result = search(db, backend, analyst, _request(analyst, words))
    assert first.reference not in {hit.reference for hit in result.hits}
    assert first.id in {subject.id for subject in result.stale}
    # The next drain repairs both.
    index_subjects(
        db, backend, [Subject("report", world.canary.id), Subject("incident", absorbed.id)]
    )
    assert verify(db, backend) == []
    result = search(db, backend, analyst, _request(analyst, words))
    assert first.reference in {hit.reference for hit in result.hits}
    assert {hit.incident for hit in result.hits if hit.reference == first.reference} == {
        target.reference
    }


def test_filters_and_grouping_respect_access(db, backend, world):
    _index(db, backend, world)
    user = world.users["analyst_two"]
    result = search(db, backend, user, _request(user, "", group=["incident"], sector=["health"]))
    for hit in result.hits:
        report = next(r for r in world.reports if r.reference == hit.reference)
        assert can_read_report(user, report)
        assert report.classification["sector"] == "health"
    reporter = world.users["reporter_beta"]
    result = search(db, backend, reporter, _request(reporter, ""))
    assert "organization" not in result.facets
    assert {hit.reference for hit in result.hits} == {
        r.reference for r in world.reports if r.organization_id == world.companies["beta"].id
    }
