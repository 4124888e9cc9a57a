"""Who may give roles, invite, and decide network membership (pure policy)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from incidents.security.permissions import OrganizationKind, Role
from incidents.security.policy import (
    can_manage_member,
    may_decide_membership,
    may_grant_roles,
    may_invite,
)

COMPANY, OPERATOR = OrganizationKind.COMPANY, OrganizationKind.OPERATOR
INSTITUTE = OrganizationKind.INSTITUTE


@dataclass(frozen=True)
class Actor:
    id: int
    role: Role
    organization_id: int
    organization_kind: OrganizationKind
    is_active: bool = True
    is_network_member: bool = False


ADMIN = Actor(1, Role.ADMIN, 100, OPERATOR)
ORG_ADMIN = Actor(2, Role.ORG_ADMIN, 200, INSTITUTE)


@dataclass(frozen=True)
class Member:
    organization_id: int


def test_the_operator_admin_manages_no_other_organisations_members() -> None:
    assert not can_manage_member(ADMIN, Member(200))
    assert can_manage_member(ORG_ADMIN, Member(200))
    assert not can_manage_member(ORG_ADMIN, Member(300))


@pytest.mark.parametrize(
    ("actor", "organization", "kind", "allowed"),
    [
        (ORG_ADMIN, 200, INSTITUTE, True),
        (ORG_ADMIN, 300, INSTITUTE, False),
        (ADMIN, 200, INSTITUTE, False),
        (ADMIN, 100, OPERATOR, True),
        (Actor(3, Role.ANALYST, 200, INSTITUTE), 200, INSTITUTE, False),
        (Actor(4, Role.ORG_ADMIN, 200, INSTITUTE, is_active=False), 200, INSTITUTE, False),
        (None, 200, INSTITUTE, False),
    ],
)
def test_only_an_organisations_own_admins_give_its_roles(
    actor: Actor | None, organization: int, kind: OrganizationKind, allowed: bool
) -> None:
    assert may_grant_roles(actor, organization, kind) is allowed


@pytest.mark.parametrize(
    ("role", "had_users", "allowed"),
    [
        (Role.ORG_ADMIN, False, True),
        (Role.ORG_ADMIN, True, False),
        (Role.ANALYST, False, False),
        (Role.EDITOR, False, False),
        (Role.REPORTER, False, False),
    ],
)
def test_the_operator_invites_only_a_first_org_admin(
    role: Role, had_users: bool, allowed: bool
) -> None:
    kind = COMPANY if role is Role.REPORTER else INSTITUTE
    assert may_invite(ADMIN, 300, kind, role, ever_had_users=had_users) is allowed


def test_no_first_admin_of_a_network_member_and_no_operator_admin_on_the_web() -> None:
    # Membership was given by two admins to an institute nobody could use yet: a first org
    # admin there would read the network's reports on one admin's word.
    assert not may_invite(
        ADMIN, 300, INSTITUTE, Role.ORG_ADMIN, ever_had_users=False, is_network_member=True
    )
    # One admin making a second one would approve its own proposals.
    assert not may_invite(ADMIN, 100, OPERATOR, Role.ADMIN, ever_had_users=True)


def test_a_membership_change_needs_a_second_admin() -> None:
    assert not may_decide_membership(ADMIN, proposed_by_id=ADMIN.id)
    assert may_decide_membership(ADMIN, proposed_by_id=99)
    assert not may_decide_membership(ORG_ADMIN, proposed_by_id=99)
    assert not may_decide_membership(None, proposed_by_id=99)


def test_an_org_admin_may_invite_into_its_own_organisation_only() -> None:
    assert may_invite(ORG_ADMIN, 200, INSTITUTE, Role.ANALYST, ever_had_users=True)
    assert not may_invite(ORG_ADMIN, 300, INSTITUTE, Role.ANALYST, ever_had_users=True)
