"""Account operations: small audited functions that change state and flush, never commit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from incidents.accounts.models import ApiToken, Organization, User, new_session_nonce
from incidents.audit.models import AuditEvent
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.security.caller import Caller
from incidents.security.passwords import (
    PasswordPolicyError,
    check_password_policy,
    verify_password,
)
from incidents.security.permissions import OrganizationKind, Role
from incidents.security.policy import may_grant_roles, role_fits_organization
from incidents.security.tokens import looks_like_token, mint_token, token_digest

# A real hash of a random password: verifying against it when the e-mail is unknown makes
# "no such user" take as long as "wrong password", so timing does not reveal accounts.
_DUMMY_PASSWORD = "not-a-real-password-" + new_session_nonce()


class AccountError(ValueError):
    """A request about accounts cannot be carried out; ``field`` says which input is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalize_email(email: str) -> str:
    """The canonical, lower-cased form of ``email``; raises AccountError when malformed."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError("email", f"Not a valid e-mail address: {error}") from None
    return result.normalized.lower()


def find_organization(session: Session, name: str) -> Organization | None:
    return session.scalar(sa.select(Organization).where(Organization.name == name.strip()))


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_organization(
    session: Session,
    caller: Caller,
    *,
    name: str,
    kind: OrganizationKind,
    is_network_member: bool = False,
) -> Organization:
    """Create an organisation. Raises AccountError for a taken name or a non-institute member."""
    name = name.strip()
    if not name:
        raise AccountError("name", "Give the organisation a name.")
    if find_organization(session, name) is not None:
        raise AccountError("name", f"An organisation called {name!r} already exists.")
    _check_membership(kind, is_network_member)
    organization = Organization(name=name, kind=kind, is_network_member=is_network_member)
    session.add(organization)
    session.flush()
    record(
        session,
        caller,
        "organization.create",
        subject_type="organization",
        subject_ref=organization.name,
        kind=kind.value,
        network_member=is_network_member,
    )
    return organization


def update_organization(
    session: Session,
    caller: Caller,
    organization: Organization,
    *,
    name: str,
    is_active: bool,
) -> Organization:
    """Rename or (de)activate an organisation. Its network membership changes only through
    two operator admins (:mod:`incidents.accounts.membership`)."""
    name = name.strip()
    other = find_organization(session, name)
    if not name or (other is not None and other.id != organization.id):
        raise AccountError("name", f"An organisation called {name!r} already exists.")
    changes = _changes(organization, name=name, is_active=is_active)
    if not is_active:
        for user in organization.users:
            user.session_nonce = new_session_nonce()
    session.flush()
    record(
        session,
        caller,
        "organization.update",
        subject_type="organization",
        subject_ref=organization.name,
        changes=changes,
    )
    return organization


def _check_membership(kind: OrganizationKind, is_network_member: bool) -> None:
    if is_network_member and kind is not OrganizationKind.INSTITUTE:
        raise AccountError("is_network_member", "Only institutes can be network members.")


def create_user(
    session: Session,
    caller: Caller,
    hasher: PasswordHasher,
    *,
    email: str,
    organization: Organization,
    role: Role,
    password: str,
    name: str = "",
    seed: bool = False,
) -> User:
    """Create a user; the role grant is audited (``user.role_grant``).

    Only the organisation's own org admins (the operator's own admins in the operator) give
    roles; from the command line only operator admins are made (``seed`` lifts that for the
    fictional demo data, which production refuses, and for test and benchmark fixtures).
    Raises AccountError for a taken e-mail, a role the organisation's kind cannot hold, a
    caller who may not grant it, or a password that breaks the rules.
    """
    email = normalize_email(email)
    if find_user(session, email) is not None:
        raise AccountError("email", f"A user with e-mail {email} already exists.")
    _check_role(role, organization)
    check_grant(caller, organization, role, seed=seed)
    check_new_password(password, email)
    user = User(
        email=email,
        name=name.strip(),
        organization=organization,
        role=role,
        password_hash=hasher.hash(password),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session,
        caller,
        "user.create",
        subject_type="user",
        subject_ref=email,
        organization=organization.name,
        role=role.value,
    )
    record_grant(session, caller, user, role, previous=None)
    return user


def check_grant(
    caller: Caller, organization: Organization, role: Role, *, seed: bool = False
) -> None:
    """Raise AccountError unless ``caller`` may give ``role`` in ``organization``."""
    if seed:
        return
    if caller.principal is None:
        allowed = role is Role.ADMIN and organization.kind is OrganizationKind.OPERATOR
    else:
        allowed = may_grant_roles(caller.principal, organization.id, organization.kind)
    if not allowed:
        raise AccountError(
            "role", f"Only the org admins of {organization.name!r} give roles in it."
        )


def record_grant(
    session: Session, caller: Caller, user: User, role: Role, *, previous: Role | None
) -> None:
    """Audit a role given to ``user`` (shown to the organisation's admins)."""
    record(
        session,
        caller,
        "user.role_grant",
        subject_type="user",
        subject_ref=user.email,
        organization=user.organization.name,
        role=role.value,
        previous=previous.value if previous else None,
    )


def update_user(
    session: Session, caller: Caller, user: User, *, name: str, role: Role, is_active: bool
) -> User:
    """Change a user's name, role or activation. Deactivation ends the user's sessions.

    A role change is a grant (:func:`check_grant`, audited). Raises AccountError.
    """
    _check_role(role, user.organization)
    previous = user.role
    if role is not previous:
        check_grant(caller, user.organization, role)
    if caller.principal is not None and caller.principal.id == user.id and not is_active:
        raise AccountError("is_active", "You cannot deactivate your own account.")
    changes = _changes(user, name=name.strip(), role=role, is_active=is_active)
    if "is_active" in changes and not is_active:
        user.session_nonce = new_session_nonce()
    session.flush()
    record(
        session, caller, "user.update", subject_type="user", subject_ref=user.email, changes=changes
    )
    if role is not previous:
        record_grant(session, caller, user, role, previous=previous)
    return user


def set_active(session: Session, caller: Caller, user: User, *, is_active: bool) -> User:
    """(De)activate ``user`` (the operator's admin may; it grants nothing). Deactivation
    ends the user's sessions; raises AccountError for the caller's own account."""
    if caller.principal is not None and caller.principal.id == user.id and not is_active:
        raise AccountError("is_active", "You cannot deactivate your own account.")
    changes = _changes(user, is_active=is_active)
    if changes and not is_active:
        user.session_nonce = new_session_nonce()
    session.flush()
    record(
        session, caller, "user.update", subject_type="user", subject_ref=user.email, changes=changes
    )
    return user


def _check_role(role: Role, organization: Organization) -> None:
    if not role_fits_organization(role, organization.kind):
        raise AccountError(
            "role",
            f"A member of {organization.kind.value} {organization.name!r} cannot be {role.value}.",
        )


def check_new_password(password: str, email: str) -> None:
    """Raise AccountError (field ``password``) when ``password`` breaks the rules."""
    try:
        check_password_policy(password, email=email)
    except PasswordPolicyError as error:
        raise AccountError("password", str(error)) from None


def _changes(obj: object, **values: object) -> dict[str, list[object]]:
    """Set attributes on ``obj`` and return what changed, as ``{name: [old, new]}``."""
    changes: dict[str, list[object]] = {}
    for attribute, value in values.items():
        old = getattr(obj, attribute)
        if old != value:
            changes[attribute] = [str(old), str(value)]
            setattr(obj, attribute, value)
    return changes


def authenticate(
    session: Session, caller: Caller, hasher: PasswordHasher, *, email: str, password: str
) -> User | None:
    """The active user with ``email`` and ``password``, or None. Rehashes outdated hashes.

    Failures are audited with the address; the same answer is given for an unknown e-mail,
    a wrong password and a deactivated account.
    """
    user = find_user(session, email)
    if user is None:
        verify_password(hasher, _dummy_hash(hasher), password)
    elif verify_password(hasher, user.password_hash, password) and _may_log_in(user):
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        user.last_login_at = utcnow()
        session.flush()
        record(
            session,
            Caller(user, caller.channel, caller.address),
            "session.login",
            subject_type="user",
            subject_ref=user.email,
        )
        return user
    record_failed_login(session, caller, email, "password")
    return None


def record_failed_login(session: Session, caller: Caller, email: str, reason: str) -> None:
    """Audit a failed login of ``email`` (``reason``: password, or throttled when the
    password was not even checked)."""
    record(
        session,
        caller,
        "session.login_failed",
        subject_type="user",
        subject_ref=email.strip().lower()[:64],
        label="anonymous",
        reason=reason,
    )


def _may_log_in(user: User) -> bool:
    return user.is_active and user.organization.is_active


_dummy_hashes: dict[str, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = f"{hasher.time_cost}:{hasher.memory_cost}"
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(_DUMMY_PASSWORD)
    return _dummy_hashes[key]


def end_sessions(session: Session, caller: Caller, user: User, *, reason: str) -> None:
    """Rotate the user's session nonce, which ends every session (logout everywhere)."""
    user.session_nonce = new_session_nonce()
    session.flush()
    record(session, caller, f"session.{reason}", subject_type="user", subject_ref=user.email)


def change_password(
    session: Session, caller: Caller, hasher: PasswordHasher, user: User, *, current: str, new: str
) -> None:
    """Change ``user``'s password after checking the current one; ends other sessions."""
    if not verify_password(hasher, user.password_hash, current):
        raise AccountError("current_password", "The current password is not right.")
    set_password(session, caller, hasher, user, new)


def set_password(
    session: Session, caller: Caller, hasher: PasswordHasher, user: User, password: str
) -> None:
    """Set a new password (checked against the rules) and end the user's sessions."""
    check_new_password(password, user.email)
    user.password_hash = hasher.hash(password)
    user.password_changed_at = utcnow()
    user.session_nonce = new_session_nonce()
    session.flush()
    record(session, caller, "user.password_change", subject_type="user", subject_ref=user.email)


def create_token(
    session: Session, caller: Caller, user: User, *, name: str, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """Mint a token for ``user``; returns it with its secret, which is never stored."""
    if not user.is_active:
        raise AccountError("user", f"{user.email} is deactivated and cannot get a token.")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise AccountError("expires_days", "Expiry must be between 1 and 3650 days.")
    name = name.strip() or "API token"
    minted = mint_token()
    token = ApiToken(
        user=user,
        name=name[:100],
        digest=minted.digest,
        hint=minted.hint,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.flush()
    record(
        session,
        caller,
        "token.create",
        subject_type="token",
        subject_ref=minted.hint,
        user=user.email,
        name=token.name,
        expires_days=expires_days,
    )
    return token, minted.secret


def revoke_token(session: Session, caller: Caller, token: ApiToken) -> None:
    """Revoke ``token`` from now on; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        record(
            session,
            caller,
            "token.revoke",
            subject_type="token",
            subject_ref=token.hint,
            user=token.user.email,
        )


def token_for_secret(
    session: Session, secret: str, *, now: datetime | None = None
) -> ApiToken | None:
    """The usable token whose secret is ``secret`` (revoked, expired or unknown: None)."""
    if not looks_like_token(secret):
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.digest == token_digest(secret)))
    if token is None or not token.is_usable(now or utcnow()):
        return None
    return token


def tokens_of_organization(session: Session, organization_id: int) -> list[ApiToken]:
    query = (
        sa.select(ApiToken)
        .join(ApiToken.user)
        .where(User.organization_id == organization_id)
        .order_by(ApiToken.created_at.desc())
    )
    return list(session.scalars(query))


def role_grants(session: Session, organization: Organization, limit: int = 50) -> list[AuditEvent]:
    """The latest role grants to ``organization``'s members, newest first (its admins see
    who gave which role to whom)."""
    emails = [user.email for user in organization.users]
    if not emails:
        return []
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.action == "user.role_grant", AuditEvent.subject_ref.in_(emails))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
