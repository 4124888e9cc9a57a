"""The pure access rules: who holds which permission, who may manage whom."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from incidents.security.permissions import OrganizationKind, Permission, Role
from incidents.security.policy import (
    can_file_for,
    can_manage_member,
    has_permission,
    permissions_of,
    role_fits_organization,
)
from incidents.security.scope import can_read_report


@dataclass
class Actor:
    id: int
    role: Role
    organization_id: int
    organization_kind: OrganizationKind
    is_active: bool = True
    is_network_member: bool = False


@dataclass
class Member:
    organization_id: int


COMPANY, INSTITUTE, OPERATOR = OrganizationKind


def test_anonymous_has_nothing() -> None:
    assert not any(has_permission(None, permission) for permission in Permission)


def test_deactivated_principal_has_nothing() -> None:
    admin = Actor(1, Role.ADMIN, 1, OPERATOR, is_active=False)
    assert permissions_of(admin) == frozenset()


ACCOUNT_PERMISSIONS = {
    "account:read",
    "account:change_password",
    "members:manage",
    "tokens:manage",
    "organizations:administer",
    "users:administer",
    "audit:read",
}


@pytest.mark.parametrize(
    ("role", "kind", "granted"),
    [
        (Role.REPORTER, COMPANY, {"account:read", "account:change_password"}),
        (Role.ANALYST, INSTITUTE, {"account:read", "account:change_password"}),
        (Role.EDITOR, INSTITUTE, {"account:read", "account:change_password"}),
        (
            Role.ORG_ADMIN,
            COMPANY,
            {"account:read", "account:change_password", "members:manage", "tokens:manage"},
        ),
        (
            Role.ADMIN,
            OPERATOR,
            {
                "account:read",
                "account:change_password",
                "organizations:administer",
                "users:administer",
                "audit:read",
            },
        ),
    ],
)
def test_account_permissions_of_each_role(
    role: Role, kind: OrganizationKind, granted: set[str]
) -> None:
    held = {str(permission) for permission in permissions_of(Actor(1, role, 1, kind))}
    assert held & ACCOUNT_PERMISSIONS == granted


def test_admin_never_reads_report_contents() -> None:
    held = permissions_of(Actor(1, Role.ADMIN, 1, OPERATOR))
    assert not [permission for permission in held if permission.startswith("report:")]


@pytest.mark.parametrize(
    ("kind", "working_role"), [(COMPANY, Role.REPORTER), (INSTITUTE, Role.ANALYST)]
)
def test_org_admin_also_holds_the_working_rights_of_its_kind(
    kind: OrganizationKind, working_role: Role
) -> None:
    org_admin = permissions_of(Actor(1, Role.ORG_ADMIN, 1, kind))
    assert permissions_of(Actor(2, working_role, 1, kind)) <= org_admin
    assert {Permission.MEMBERS_MANAGE, Permission.TOKENS_MANAGE} <= org_admin


@pytest.mark.parametrize(
    ("role", "kind", "fits"),
    [
        (Role.REPORTER, COMPANY, True),
        (Role.ORG_ADMIN, COMPANY, True),
        (Role.ANALYST, COMPANY, False),
        (Role.EDITOR, COMPANY, False),
        (Role.ADMIN, COMPANY, False),
        (Role.ANALYST, INSTITUTE, True),
        (Role.EDITOR, INSTITUTE, True),
        (Role.ORG_ADMIN, INSTITUTE, True),
        (Role.REPORTER, INSTITUTE, False),
        (Role.ADMIN, OPERATOR, True),
        (Role.ORG_ADMIN, OPERATOR, False),
    ],
)
def test_role_must_fit_the_organization(role: Role, kind: OrganizationKind, fits: bool) -> None:
    assert role_fits_organization(role, kind) is fits


def test_org_admin_manages_its_own_organization_only() -> None:
    org_admin = Actor(1, Role.ORG_ADMIN, 10, COMPANY)
    assert can_manage_member(org_admin, Member(10))
    assert not can_manage_member(org_admin, Member(11))


def test_only_an_org_admin_manages_members_of_its_own_organisation() -> None:
    # Least privilege: the operator's admin manages no organisation's members.
    assert not can_manage_member(Actor(1, Role.ADMIN, 1, OPERATOR), Member(99))
    assert can_manage_member(Actor(4, Role.ORG_ADMIN, 10, COMPANY), Member(10))
    assert not can_manage_member(Actor(2, Role.REPORTER, 10, COMPANY), Member(10))
    assert not can_manage_member(Actor(3, Role.ORG_ADMIN, 10, COMPANY, is_active=False), Member(10))


@dataclass
class SharedReport:
    organization_id: int
    tlp: str
    recipient_ids: frozenset[int] = frozenset()
    is_draft: bool = False


REPORTER = Actor(1, Role.REPORTER, 10, COMPANY)
OTHER_REPORTER = Actor(2, Role.REPORTER, 11, COMPANY)
ANALYST = Actor(3, Role.ANALYST, 20, INSTITUTE, is_network_member=True)
OUTSIDE_ANALYST = Actor(4, Role.ANALYST, 21, INSTITUTE, is_network_member=False)
EDITOR = Actor(5, Role.EDITOR, 20, INSTITUTE, is_network_member=True)
ADMIN = Actor(6, Role.ADMIN, 30, OPERATOR)


@pytest.mark.parametrize("tlp", ["clear", "green", "amber", "amber_strict", "red"])
def test_the_submitting_organisation_reads_its_reports_and_drafts(tlp: str) -> None:
    assert can_read_report(REPORTER, SharedReport(10, tlp, is_draft=True))
    assert not can_read_report(OTHER_REPORTER, SharedReport(10, tlp))


@pytest.mark.parametrize(
    ("tlp", "recipients", "readable"),
    [
        ("clear", frozenset(), True),
        ("green", frozenset(), True),
        ("amber", frozenset(), True),
        ("amber_strict", frozenset({99}), False),
        ("red", frozenset({99}), False),
        ("amber_strict", frozenset({20}), True),
        ("red", frozenset({20, 99}), True),
    ],
)
def test_network_analysts_read_by_distribution(
    tlp: str, recipients: frozenset[int], readable: bool
) -> None:
    report = SharedReport(10, tlp, recipients)
    assert can_read_report(ANALYST, report) is readable
    assert can_read_report(EDITOR, report) is readable


def test_drafts_outsiders_and_admins_read_nothing_shared() -> None:
    assert not can_read_report(ANALYST, SharedReport(10, "clear", is_draft=True))
    assert not can_read_report(OUTSIDE_ANALYST, SharedReport(10, "clear"))
    assert not can_read_report(ADMIN, SharedReport(10, "clear"))
    assert not can_read_report(None, SharedReport(10, "clear"))


def test_only_the_organisations_reporters_file_for_a_report() -> None:
    report = SharedReport(10, "amber")
    assert can_file_for(REPORTER, report)
    assert can_file_for(Actor(7, Role.ORG_ADMIN, 10, COMPANY), report)
    assert not can_file_for(OTHER_REPORTER, report)
    assert not can_file_for(ANALYST, report)
    assert not can_file_for(None, report)


def test_an_operator_org_admin_inherits_no_working_rights() -> None:
    operator_admin = Actor(8, Role.ORG_ADMIN, 30, OPERATOR)
    assert Permission.REPORT_FILE not in permissions_of(operator_admin)
    assert Permission.MEMBERS_MANAGE in permissions_of(operator_admin)
