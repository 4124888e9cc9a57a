"""The pure access rules. They read small protocols, never a request or a database.

Every function answers a yes/no question about an actor; the view decorators and services
turn a "no" into 401/403/404 as fits.
"""

from __future__ import annotations

from typing import Protocol

from incidents.security.permissions import (
    ORG_ADMIN_INHERITS,
    ROLE_PERMISSIONS,
    ROLES_BY_KIND,
    OrganizationKind,
    Permission,
    Role,
)


class Principal(Protocol):
    """An authenticated actor: a role within one organisation."""

    @property
    def id(self) -> int: ...

    @property
    def role(self) -> Role: ...

    @property
    def organization_id(self) -> int: ...

    @property
    def organization_kind(self) -> OrganizationKind: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def is_network_member(self) -> bool: ...


class Shareable(Protocol):
    """Something an organisation shared under a TLP label (a report)."""

    @property
    def organization_id(self) -> int: ...

    @property
    def tlp(self) -> str: ...

    @property
    def recipient_ids(self) -> frozenset[int]: ...

    @property
    def is_draft(self) -> bool: ...


# TLP labels whose reports every network institute's analysts may read.
NETWORK_WIDE_TLP = frozenset({"amber", "green", "clear"})


class OrganizationMember(Protocol):
    """Something that belongs to one organisation (a user, a token)."""

    @property
    def organization_id(self) -> int: ...


def permissions_of(principal: Principal) -> frozenset[Permission]:
    """Every permission ``principal`` holds; none when it is deactivated."""
    if not principal.is_active:
        return frozenset()
    granted = ROLE_PERMISSIONS[principal.role]
    if principal.role is Role.ORG_ADMIN:
        inherited = ORG_ADMIN_INHERITS[principal.organization_kind]
        if inherited is not None:
            granted = granted | ROLE_PERMISSIONS[inherited]
    return granted


def has_permission(principal: Principal | None, permission: Permission) -> bool:
    """Whether ``principal`` (None: anonymous) holds ``permission``."""
    return principal is not None and permission in permissions_of(principal)


def role_fits_organization(role: Role, kind: OrganizationKind) -> bool:
    """Whether a member of an organisation of ``kind`` may hold ``role``."""
    return role in ROLES_BY_KIND[kind]


def can_manage_member(principal: Principal, member: OrganizationMember) -> bool:
    """Whether ``principal`` may manage ``member`` (a user or token of some organisation).

    Only the org admins of the member's own organisation do; the operator's admin does not
    (least privilege: managing members would let it make an account that reads reports).
    """
    return (
        has_permission(principal, Permission.MEMBERS_MANAGE)
        and member.organization_id == principal.organization_id
    )


def may_grant_roles(
    principal: Principal | None, organization_id: int, kind: OrganizationKind
) -> bool:
    """Whether ``principal`` may give roles in organisation ``organization_id`` (of ``kind``):
    only that organisation's own org admins, or, in the operator, its own admins."""
    if principal is None or not principal.is_active or principal.organization_id != organization_id:
        return False
    if kind is OrganizationKind.OPERATOR:
        return principal.role is Role.ADMIN
    return principal.role is Role.ORG_ADMIN


def may_invite(
    principal: Principal | None,
    organization_id: int,
    kind: OrganizationKind,
    role: Role,
    *,
    ever_had_users: bool,
    is_network_member: bool = False,
) -> bool:
    """Whether ``principal`` may invite someone as ``role`` into organisation
    ``organization_id`` (of ``kind``).

    The organisation's own role granters may (:func:`may_grant_roles`); besides them, the
    operator's admin may invite the first org admin of an organisation that never had a user
    (deactivated ones count) and is not a network member (membership is given afterwards, by
    two admins), and nothing else. Operator admins are never invited on the web: one admin
    could otherwise make a second one and approve its own proposals; the command line makes
    them.
    """
    if not role_fits_organization(role, kind) or role is Role.ADMIN:
        return False
    if may_grant_roles(principal, organization_id, kind):
        return True
    return (
        has_permission(principal, Permission.ORGANIZATIONS_ADMINISTER)
        and role is Role.ORG_ADMIN
        and not ever_had_users
        and not is_network_member
    )


def may_decide_membership(principal: Principal | None, proposed_by_id: int) -> bool:
    """Whether ``principal`` may approve or reject a network membership change proposed by
    ``proposed_by_id``: another operator admin (two people for every change)."""
    return (
        has_permission(principal, Permission.ORGANIZATIONS_ADMINISTER)
        and principal is not None
        and principal.id != proposed_by_id
    )


def can_file_for(principal: Principal | None, report: Shareable) -> bool:
    """Whether ``principal`` may edit, submit, amend, follow up or withdraw ``report``."""
    return (
        principal is not None
        and principal.organization_id == report.organization_id
        and has_permission(principal, Permission.REPORT_FILE)
    )
