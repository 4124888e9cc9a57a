"""Account services against the real database: hashing, tokens and their audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts import services
from incidents.accounts.models import ApiToken, Organization, User
from incidents.accounts.services import AccountError
from incidents.audit.models import AuditEvent
from incidents.db import utcnow
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from tests import factories

CLI = Caller.command_line()
PASSWORD = "a sufficiently long passphrase"


@pytest.fixture
def hasher(app: Flask) -> PasswordHasher:
    found: PasswordHasher = app.extensions["incidents"].hasher
    return found


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_new_users_get_an_argon2id_hash(
    db: Session, hasher: PasswordHasher, company: Organization
) -> None:
    user = services.create_user(
        db,
        CLI,
        hasher,
        email="New@Example.org",
        organization=company,
        role=Role.REPORTER,
        password=PASSWORD,
        seed=True,
    )
    assert user.email == "new@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    [event] = _events(db, "user.create")
    assert event.actor_label == "command line"
    assert event.subject_ref == "new@example.org"


def test_login_rehashes_a_hash_made_with_other_parameters(
    db: Session, hasher: PasswordHasher, company: Organization
) -> None:
    old_hash = PasswordHasher(time_cost=2, memory_cost=256, parallelism=1).hash(PASSWORD)
    user = factories.UserFactory(organization=company, password_hash=old_hash)
    assert services.authenticate(db, CLI, hasher, email=user.email, password=PASSWORD) is user
    assert user.password_hash != old_hash
    assert not hasher.check_needs_rehash(user.password_hash)
    unchanged = user.password_hash
    services.authenticate(db, CLI, hasher, email=user.email, password=PASSWORD)
    assert user.password_hash == unchanged


@pytest.mark.parametrize("case", ["unknown", "wrong password", "deactivated", "organization off"])
def test_failed_logins_are_refused_and_audited(
    db: Session, hasher: PasswordHasher, company: Organization, case: str
) -> None:
    user = factories.UserFactory(organization=company)
    email, password = user.email, factories.TEST_PASSWORD
    if case == "unknown":
        email = "nobody@example.org"
    elif case == "wrong password":
        password = "not the password at all"
    elif case == "deactivated":
        user.is_active = False
    else:
        company.is_active = False
    caller = Caller(None, "web", "192.0.2.7")
    assert services.authenticate(db, caller, hasher, email=email, password=password) is None
    [event] = _events(db, "session.login_failed")
    assert (event.address, event.subject_ref, event.actor_label) == (
        "192.0.2.7",
        email,
        "anonymous",
    )
    assert user.last_login_at is None


@pytest.mark.parametrize(
    ("role", "kind"),
    [(Role.ANALYST, "company"), (Role.REPORTER, "institute"), (Role.ORG_ADMIN, "operator")],
)
def test_role_must_fit_the_organization_kind(
    db: Session, hasher: PasswordHasher, role: Role, kind: str
) -> None:
    organization = factories.OrganizationFactory(kind=OrganizationKind(kind))
    with pytest.raises(AccountError) as raised:
        services.create_user(
            db,
            CLI,
            hasher,
            email="x@example.org",
            organization=organization,
            role=role,
            password=PASSWORD,
        )
    assert raised.value.field == "role"
    assert services.find_user(db, "x@example.org") is None


def test_only_institutes_can_be_network_members(db: Session) -> None:
    with pytest.raises(AccountError, match="Only institutes"):
        services.create_organization(
            db, CLI, name="Shady Corp", kind=OrganizationKind.COMPANY, is_network_member=True
        )
    institute = services.create_organization(
        db, CLI, name="Institute X", kind=OrganizationKind.INSTITUTE, is_network_member=True
    )
    assert institute.is_network_member


def test_token_is_stored_as_digest_only(db: Session, make_user) -> None:
    user = make_user(Role.REPORTER)
    token, secret = services.create_token(db, CLI, user, name="pipeline", expires_days=30)
    db.flush()
    assert secret.startswith("aix_")
    assert token.hint == f"{secret[:8]}…{secret[-4:]}"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    for table in ("api_tokens", "audit_events"):
        rows = db.execute(sa.text(f"SELECT * FROM {table}")).all()  # noqa: S608
        assert all(secret not in str(value) for row in rows for value in row)
    assert services.token_for_secret(db, secret) is token


def test_revoked_expired_and_deactivated_tokens_are_not_usable(db: Session, make_user) -> None:
    user = make_user(Role.REPORTER)
    revoked, revoked_secret = services.create_token(db, CLI, user, name="a")
    expiring, expiring_secret = services.create_token(db, CLI, user, name="b", expires_days=1)
    services.revoke_token(db, CLI, revoked)
    services.revoke_token(db, CLI, revoked)  # twice changes nothing
    assert len(_events(db, "token.revoke")) == 1
    assert services.token_for_secret(db, revoked_secret) is None
    assert revoked.status == "revoked"
    later = utcnow() + timedelta(days=1, seconds=1)
    assert services.token_for_secret(db, expiring_secret) is expiring
    assert services.token_for_secret(db, expiring_secret, now=later) is None
    user.is_active = False
    assert services.token_for_secret(db, expiring_secret) is None


def test_deactivated_user_gets_no_token(db: Session, make_user) -> None:
    user = make_user(Role.REPORTER, is_active=False)
    with pytest.raises(AccountError, match="deactivated"):
        services.create_token(db, CLI, user, name="x")
    assert db.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_deactivating_an_organization_ends_its_users_sessions(
    db: Session, company: Organization
) -> None:
    users: list[User] = [factories.UserFactory(organization=company) for _ in range(2)]
    nonces = [user.session_nonce for user in users]
    services.update_organization(db, CLI, company, name=company.name, is_active=False)
    assert all(user.session_nonce != nonce for user, nonce in zip(users, nonces, strict=True))
    [event] = _events(db, "organization.update")
    assert event.details["changes"] == {"is_active": ["True", "False"]}
