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

    Admins manage anyone; org admins manage their own organisation's members only.
    """
    if has_permission(principal, Permission.USERS_ADMINISTER):
        return True
    return (
        has_permission(principal, Permission.MEMBERS_MANAGE)
        and member.organization_id == principal.organization_id
    )


def can_file_for(principal: Principal | None, report: Shareable) -> bool:
    """Whether ``principal`` may edit, submit, amend, follow up or withdraw ``report``."""
    return (
        principal is not None
        and principal.organization_id == report.organization_id
        and has_permission(principal, Permission.REPORT_FILE)
    )
