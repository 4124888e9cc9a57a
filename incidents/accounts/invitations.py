"""Invitations: a person sets up their own account from a one-time e-mailed link.

Who may invite whom is :func:`incidents.security.policy.may_invite`: an organisation's own
org admins, and the operator's admin only for the first org admin of an organisation that
never had a user and is no network member. The operator therefore never chooses a password
that would read reports. Operator admins are invited from the command line only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from incidents.accounts.models import Invitation, Organization, User
from incidents.accounts.services import (
    AccountError,
    check_new_password,
    find_user,
    normalize_email,
    record_grant,
)
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.mail.services import enqueue
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from incidents.security.policy import may_invite, role_fits_organization

#: How long an invitation link works.
VALID_FOR = timedelta(days=3)
LINK_PREFIX = "/invitations/"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def ever_had_users(session: Session, organization: Organization) -> bool:
    """Whether ``organization`` has or had any user (deactivated ones count)."""
    found = session.scalar(sa.select(User.id).where(User.organization_id == organization.id))
    return found is not None


def invite(
    session: Session, caller: Caller, *, email: str, organization: Organization, role: Role
) -> Invitation:
    """Invite ``email`` as ``role`` into ``organization`` and e-mail them the link (valid
    :data:`VALID_FOR`; a newer invitation of the same address replaces an older one).

    Raises AccountError when the address is malformed or taken, or the caller may not invite
    that role there.
    """
    email = normalize_email(email)
    if find_user(session, email) is not None:
        raise AccountError("email", f"A user with e-mail {email} already exists.")
    had_users = ever_had_users(session, organization)
    if caller.principal is None:  # the command line: the operator's rule, plus operator admins
        allowed = role_fits_organization(role, organization.kind) and (
            (role is Role.ORG_ADMIN and not had_users and not organization.is_network_member)
            or (role is Role.ADMIN and organization.kind is OrganizationKind.OPERATOR)
        )
    else:
        allowed = may_invite(
            caller.principal,
            organization.id,
            organization.kind,
            role,
            ever_had_users=had_users,
            is_network_member=organization.is_network_member,
        )
    if not allowed:
        raise AccountError(
            "role",
            f"You may not invite a {role.value} into {organization.name!r}: its own org admins "
            "invite its members.",
        )
    now = utcnow()
    session.execute(
        sa.update(Invitation)
        .where(Invitation.email == email, Invitation.closed_at.is_(None))
        .values(closed_at=now)
    )
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        organization=organization,
        role=role,
        digest=_digest(secret),
        invited_by_id=caller.principal.id if caller.principal else None,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    session.add(invitation)
    session.flush()
    record(
        session,
        caller,
        "user.invite",
        subject_type="user",
        subject_ref=email,
        organization=organization.name,
        role=role.value,
    )
    enqueue(
        session,
        email,
        f"Your invitation to the AI Incident Exchange ({organization.name})",
        f"You are invited to join {organization.name} on the AI Incident Exchange as "
        f"{role.value}.\nOpen the link below within 3 days to choose your password. If you "
        "did not expect this, ignore this message.",
        link=LINK_PREFIX + secret,
    )
    return invitation


def open_invitation(session: Session, secret: str) -> Invitation | None:
    """The invitation ``secret`` opens, or None when unknown, used, replaced or expired."""
    if not 20 <= len(secret) <= 100:
        return None
    invitation = session.scalar(sa.select(Invitation).where(Invitation.digest == _digest(secret)))
    if invitation is None or invitation.closed_at is not None:
        return None
    if invitation.expires_at <= utcnow():
        return None
    return invitation


def accept(
    session: Session,
    caller: Caller,
    hasher: PasswordHasher,
    invitation: Invitation,
    *,
    password: str,
    name: str = "",
) -> User:
    """Create the invited account with the password its owner chose; the invitation is used.

    The rule is checked again (the organisation may have got a user meanwhile). Raises
    AccountError.
    """
    organization = invitation.organization
    inviter = session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    if inviter is not None:
        allowed = inviter.is_active and may_invite(
            inviter,
            organization.id,
            organization.kind,
            invitation.role,
            ever_had_users=ever_had_users(session, organization),
            is_network_member=organization.is_network_member,
        )
    else:  # invited from the command line
        allowed = invitation.role is Role.ADMIN or not ever_had_users(session, organization)
    if not allowed or find_user(session, invitation.email) is not None:
        invitation.closed_at = utcnow()
        session.flush()
        raise AccountError("invitation", "This invitation is no longer valid.")
    check_new_password(password, invitation.email)
    user = User(
        email=invitation.email,
        name=name.strip(),
        organization=organization,
        role=invitation.role,
        password_hash=hasher.hash(password),
        password_changed_at=utcnow(),
    )
    session.add(user)
    invitation.closed_at = utcnow()
    session.flush()
    actor = Caller(inviter, caller.channel, caller.address) if inviter else caller
    record(
        session,
        actor,
        "user.create",
        subject_type="user",
        subject_ref=user.email,
        organization=organization.name,
        role=user.role.value,
        invitation=invitation.id,
    )
    record_grant(session, actor, user, user.role, previous=None)
    return user
