"""Roles, organisation kinds and permissions (``resource:action``), and who holds which."""

from __future__ import annotations

import enum


class OrganizationKind(enum.StrEnum):
    COMPANY = "company"
    INSTITUTE = "institute"
    OPERATOR = "operator"


class Role(enum.StrEnum):
    REPORTER = "reporter"
    ORG_ADMIN = "org_admin"
    ANALYST = "analyst"
    EDITOR = "editor"
    ADMIN = "admin"


class Permission(enum.StrEnum):
    ACCOUNT_READ = "account:read"
    ACCOUNT_CHANGE_PASSWORD = "account:change_password"  # noqa: S105 - a permission name
    MEMBERS_MANAGE = "members:manage"
    TOKENS_MANAGE = "tokens:manage"
    ORGANIZATIONS_ADMINISTER = "organizations:administer"
    USERS_ADMINISTER = "users:administer"
    AUDIT_READ = "audit:read"
    REPORT_FILE = "report:file"
    REPORT_READ_OWN = "report:read_own"
    REPORT_READ_SHARED = "report:read_shared"
    INCIDENT_READ = "incident:read"
    INCIDENT_CURATE = "incident:curate"
    DEDUP_TRIAGE = "dedup:triage"
    SUMMARY_DRAFT = "summary:draft"
    SUMMARY_APPROVE = "summary:approve"


_EVERY_ACCOUNT = frozenset({Permission.ACCOUNT_READ, Permission.ACCOUNT_CHANGE_PASSWORD})

_ANALYSIS = frozenset(
    {
        Permission.REPORT_READ_SHARED,
        Permission.INCIDENT_READ,
        Permission.INCIDENT_CURATE,
        Permission.DEDUP_TRIAGE,
        Permission.SUMMARY_DRAFT,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REPORTER: _EVERY_ACCOUNT | {Permission.REPORT_FILE, Permission.REPORT_READ_OWN},
    Role.ORG_ADMIN: _EVERY_ACCOUNT | {Permission.MEMBERS_MANAGE, Permission.TOKENS_MANAGE},
    Role.ANALYST: _EVERY_ACCOUNT | _ANALYSIS,
    # An editor also approves the public summaries others drafted (two-person rule).
    Role.EDITOR: _EVERY_ACCOUNT | _ANALYSIS | {Permission.SUMMARY_APPROVE},
    # Least privilege: the operator's admin manages accounts but never reads report contents.
    Role.ADMIN: _EVERY_ACCOUNT
    | {
        Permission.ORGANIZATIONS_ADMINISTER,
        Permission.USERS_ADMINISTER,
        Permission.AUDIT_READ,
    },
}

# An org admin also holds the working rights of its organisation's kind.
ORG_ADMIN_INHERITS: dict[OrganizationKind, Role | None] = {
    OrganizationKind.COMPANY: Role.REPORTER,
    OrganizationKind.INSTITUTE: Role.ANALYST,
    OrganizationKind.OPERATOR: None,
}

# Which roles a member of each kind of organisation may hold.
ROLES_BY_KIND: dict[OrganizationKind, frozenset[Role]] = {
    OrganizationKind.COMPANY: frozenset({Role.REPORTER, Role.ORG_ADMIN}),
    OrganizationKind.INSTITUTE: frozenset({Role.ANALYST, Role.EDITOR, Role.ORG_ADMIN}),
    OrganizationKind.OPERATOR: frozenset({Role.ADMIN}),
}
