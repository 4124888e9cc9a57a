"""What analysts write carries a distribution: every combination of report distributions in an
incident, curated by one institute, read by every kind of reader; the policy function and its
SQL twin agree, and both agree with what the reports allow."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.refusals import NotFound
from incidents.registry import audiences, curation, queries
from incidents.registry.audiences import Distribution
from incidents.registry.models import Audience, Incident, IncidentLink, LinkOrigin
from incidents.registry.services import add_link, open_incident
from incidents.reports.models import Report, Tlp
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Permission, Role
from incidents.security.policy import has_permission
from incidents.security.scope import can_read_report
from tests import factories
from tests.registry_data import SEPSIS_DEPLOYER
from tests.registry_helpers import file_as

# (label, names of the recipient institutes) of a report's distribution.
DISTRIBUTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("clear", ()),
    ("amber", ()),
    ("red", ("A",)),
    ("red", ("B",)),
    ("red", ("A", "B")),
    ("amber_strict", ("A",)),
]
READERS = ("A analyst", "A editor", "B analyst", "C analyst", "X reporter", "admin", "A org admin")


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    institutes = {
        "A": factories.InstituteFactory(name="Institute A"),
        "B": factories.InstituteFactory(name="Institute B"),
        "C": factories.InstituteFactory(name="Institute C", is_network_member=False),
    }
    company = factories.OrganizationFactory(name="Company X")
    operator = factories.OperatorFactory(name="Operator")
    readers: dict[str, User] = {
        "A analyst": factories.UserFactory(role=Role.ANALYST, organization=institutes["A"]),
        "A editor": factories.UserFactory(role=Role.EDITOR, organization=institutes["A"]),
        "B analyst": factories.UserFactory(role=Role.ANALYST, organization=institutes["B"]),
        "C analyst": factories.UserFactory(role=Role.ANALYST, organization=institutes["C"]),
        "X reporter": factories.UserFactory(role=Role.REPORTER, organization=company),
        "admin": factories.UserFactory(role=Role.ADMIN, organization=operator),
        "A org admin": factories.UserFactory(role=Role.ORG_ADMIN, organization=institutes["A"]),
    }
    return {"institutes": institutes, "company": company, "readers": readers}


def _report(db: Session, world: dict[str, Any], tlp: str, names: tuple[str, ...]) -> Report:
    content = replace(
        SEPSIS_DEPLOYER,
        tlp=tlp,
        recipients=tuple(world["institutes"][name].name for name in names),
    )
    return file_as(db, world["company"], content)


def _incident(db: Session, reports: list[Report]) -> Incident:
    engine = Caller.system()
    incident = open_incident(db, engine, reports[0])
    for report in reports[1:]:
        add_link(db, engine, incident, report, origin=LinkOrigin.ANALYST, reason="")
    db.flush()
    return incident


def _readable_sql(db: Session, reader: User, audience: Audience) -> bool:
    query = sa.select(Audience.id).where(Audience.id == audience.id, audiences.readable(reader))
    return db.scalar(query) is not None


COMBINATIONS = list(itertools.combinations_with_replacement(range(len(DISTRIBUTIONS)), 2))


@pytest.mark.parametrize(
    "combination",
    COMBINATIONS,
    ids=[
        "+".join(f"{DISTRIBUTIONS[i][0]}{''.join(DISTRIBUTIONS[i][1])}" for i in c)
        for c in COMBINATIONS
    ],
)
def test_a_curation_is_read_exactly_by_who_may_read_what_it_derives_from(
    db: Session, world: dict[str, Any], combination: tuple[int, ...]
) -> None:
    reports = [_report(db, world, *DISTRIBUTIONS[index]) for index in combination]
    incident = _incident(db, reports)
    writer = world["readers"]["A analyst"]
    read_by_writer = [r for r in reports if can_read_report(writer, r)]
    if not read_by_writer:  # A may see nothing of this incident: it curates nothing of it
        with pytest.raises(NotFound):
            curation.curate(
                db,
                Caller(writer, "web"),
                incident,
                version=incident.lock_version,
                title="Curated by A",
                status="open",
                classification={},
            )
        return
    written = curation.curate(
        db,
        Caller(writer, "web"),
        incident,
        version=incident.lock_version,
        title="Curated by A",
        status="open",
        classification={},
    )
    db.flush()
    for name, reader in world["readers"].items():
        python = audiences.can_read(reader, written.audience)
        assert python == _readable_sql(db, reader, written.audience), name
        # Only institutes read what analysts write: the writer's own, and those who may read
        # every report it derives from.
        analyst = has_permission(reader, Permission.INCIDENT_READ)
        same_desk = reader.organization_id == writer.organization_id
        may_read_sources = all(can_read_report(reader, r) for r in read_by_writer)
        assert python == (analyst and (same_desk or may_read_sources)), (name, python)
        view = queries.seen_incidents(db, reader, [incident])[incident.id]
        visible = [r for r in reports if can_read_report(reader, r)]
        if view is None:  # no incident for who may not read incidents, or none of its reports
            assert not analyst or not visible, name
            continue
        expected = "Curated by A" if python else visible[0].title
        assert view.title == expected, name
        assert view.curation is (written if python else None), name


def test_a_widened_curation_is_read_more_widely_and_audited(
    db: Session, world: dict[str, Any]
) -> None:
    red = _report(db, world, "red", ("A",))
    amber = _report(db, world, "amber", ())
    incident = _incident(db, [amber, red])
    writer, other = world["readers"]["A analyst"], world["readers"]["B analyst"]
    written = curation.curate(
        db,
        Caller(writer, "web"),
        incident,
        version=incident.lock_version,
        title="Narrow",
        status="open",
        classification={},
    )
    assert not audiences.can_read(other, written.audience)
    widened = curation.curate(
        db,
        Caller(writer, "web"),
        incident,
        version=incident.lock_version,
        title="Now for the network",
        status="open",
        classification={},
        distribution=Distribution(Tlp.AMBER),
    )
    assert audiences.can_read(other, widened.audience)
    assert _readable_sql(db, other, widened.audience)
    from incidents.audit.models import AuditEvent

    actions = list(db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "incident.curation_widened"


def test_the_derived_distribution_is_the_most_restrictive(
    db: Session, world: dict[str, Any]
) -> None:
    a, b = (world["institutes"][n].id for n in "AB")
    derive = audiences.derived_from
    assert derive([]) == Distribution(Tlp.CLEAR)

    class Shared:
        def __init__(self, tlp: str, recipients: set[int]) -> None:
            self.organization_id = 0
            self.tlp = tlp
            self.recipient_ids = frozenset(recipients)
            self.is_draft = False

    assert derive([Shared("green", set()), Shared("amber", set())]) == Distribution(Tlp.AMBER)
    assert derive([Shared("red", {a, b}), Shared("amber_strict", {a})]) == Distribution(
        Tlp.RED, {a}
    )
    assert derive([Shared("red", {b}), Shared("amber_strict", {a})]) == Distribution(Tlp.RED)
    assert Distribution(Tlp.AMBER).is_wider_than(Distribution(Tlp.RED, {a}))
    assert not Distribution(Tlp.RED, {a}).is_wider_than(Distribution(Tlp.AMBER))


def test_links_of_the_engine_carry_the_audience_of_what_they_compared(
    db: Session, world: dict[str, Any]
) -> None:
    red = _report(db, world, "red", ("A",))
    amber = _report(db, world, "amber", ())
    incident = open_incident(db, Caller.system(), red)
    link = add_link(
        db,
        Caller.system(),
        incident,
        amber,
        origin=LinkOrigin.AUTO,
        reason="dedup score 0.99",
        score=0.99,
        sources=[red],
    )
    db.flush()
    a, b = world["readers"]["A analyst"], world["readers"]["B analyst"]
    assert queries.shown_provenance(db, a, [link]) == {link.id}
    assert queries.shown_provenance(db, b, [link]) == set()
    first = db.scalar(sa.select(IncidentLink).where(IncidentLink.report_id == red.id))
    assert first is not None
    assert first.audience_id is None  # "opened the incident": nothing compared
    assert {world["institutes"]["A"].kind} == {OrganizationKind.INSTITUTE}
    assert isinstance(world["institutes"]["A"], Organization)
