"""Fictional demo organisations and one user per role. Running it twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from incidents.accounts import services as account_services
from incidents.accounts.models import Organization
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role

DEMO_PASSWORD = "demo-exchange-2026"  # noqa: S105 - printed for people trying the demo


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: OrganizationKind
    is_network_member: bool = False


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organization: str
    role: Role


ORGANIZATIONS = (
    DemoOrganization("Aurora Robotics (demo)", OrganizationKind.COMPANY),
    DemoOrganization("Lumen Language Models (demo)", OrganizationKind.COMPANY),
    DemoOrganization("Meridian AI Safety Institute (demo)", OrganizationKind.INSTITUTE, True),
    DemoOrganization("Northgate AI Security Institute (demo)", OrganizationKind.INSTITUTE, True),
    DemoOrganization("Exchange Operations (demo)", OrganizationKind.OPERATOR),
)

USERS = (
    DemoUser("reporter@aurora.example", "Rita Reporter", "Aurora Robotics (demo)", Role.REPORTER),
    DemoUser("orgadmin@aurora.example", "Omar Orgadmin", "Aurora Robotics (demo)", Role.ORG_ADMIN),
    DemoUser("reporter@lumen.example", "Lea Lumen", "Lumen Language Models (demo)", Role.REPORTER),
    DemoUser(
        "analyst@meridian.example",
        "Ana Analyst",
        "Meridian AI Safety Institute (demo)",
        Role.ANALYST,
    ),
    DemoUser(
        "editor@meridian.example", "Ed Editor", "Meridian AI Safety Institute (demo)", Role.EDITOR
    ),
    DemoUser(
        "analyst@northgate.example",
        "Noor Northgate",
        "Northgate AI Security Institute (demo)",
        Role.ANALYST,
    ),
    DemoUser("admin@operations.example", "Ada Admin", "Exchange Operations (demo)", Role.ADMIN),
)


def load_demo(session: Session, hasher: PasswordHasher) -> list[DemoUser]:
    """Create whatever demo organisations and users are missing; returns every demo login."""
    caller = Caller.command_line()
    organizations: dict[str, Organization] = {}
    for demo_org in ORGANIZATIONS:
        found = account_services.find_organization(session, demo_org.name)
        organizations[demo_org.name] = found or account_services.create_organization(
            session,
            caller,
            name=demo_org.name,
            kind=demo_org.kind,
            is_network_member=demo_org.is_network_member,
        )
    for demo_user in USERS:
        if account_services.find_user(session, demo_user.email) is None:
            account_services.create_user(
                session,
                caller,
                hasher,
                email=demo_user.email,
                name=demo_user.name,
                organization=organizations[demo_user.organization],
                role=demo_user.role,
                password=DEMO_PASSWORD,
                seed=True,
            )
    return list(USERS)
