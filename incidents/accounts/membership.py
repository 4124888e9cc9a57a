"""An institute's network membership changes only when two operator admins agree.

Membership lets an institute's analysts read every AMBER, GREEN and CLEAR report, so one
admin proposes (:func:`propose`), a different admin decides (:func:`decide`), and on effect
the institute's active members are e-mailed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import MembershipChange, Organization, User
from incidents.accounts.services import AccountError
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.mail.services import enqueue
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Permission
from incidents.security.policy import has_permission, may_decide_membership


def open_change(session: Session, organization: Organization) -> MembershipChange | None:
    """The proposal waiting for a second admin about ``organization``, if any."""
    return session.scalar(
        sa.select(MembershipChange).where(
            MembershipChange.organization_id == organization.id,
            MembershipChange.decided_at.is_(None),
        )
    )


def open_changes(session: Session) -> list[MembershipChange]:
    """Every proposal waiting for a second admin, oldest first."""
    query = sa.select(MembershipChange).where(MembershipChange.decided_at.is_(None))
    return list(session.scalars(query.order_by(MembershipChange.proposed_at)))


def propose(
    session: Session, caller: Caller, organization: Organization, *, make_member: bool
) -> MembershipChange:
    """Propose to switch ``organization``'s network membership to ``make_member``.

    Raises AccountError when the caller is no operator admin, the organisation is no
    institute, it already is as proposed, or a proposal about it is open.
    """
    principal = caller.principal
    if principal is None or not has_permission(principal, Permission.ORGANIZATIONS_ADMINISTER):
        raise AccountError("is_network_member", "Only an operator admin proposes this.")
    if organization.kind is not OrganizationKind.INSTITUTE:
        raise AccountError("is_network_member", "Only institutes can be network members.")
    if organization.is_network_member == make_member:
        raise AccountError("is_network_member", "The institute already is as proposed.")
    if open_change(session, organization) is not None:
        raise AccountError(
            "is_network_member", "A change of this institute's membership waits already."
        )
    change = MembershipChange(
        organization=organization, make_member=make_member, proposed_by_id=principal.id
    )
    session.add(change)
    session.flush()
    record(
        session,
        caller,
        "organization.membership_propose",
        subject_type="organization",
        subject_ref=organization.name,
        network_member=make_member,
    )
    return change


def decide(session: Session, caller: Caller, change: MembershipChange, *, approve: bool) -> None:
    """Approve (the change takes effect, the institute's active members are e-mailed) or
    reject an open proposal. Raises AccountError when the caller proposed it, is no operator
    admin, or it is decided already."""
    if change.decided_at is not None:
        raise AccountError("decision", "This proposal is decided already.")
    if not may_decide_membership(caller.principal, change.proposed_by_id):
        raise AccountError("decision", "Another operator admin must decide this proposal.")
    assert caller.principal is not None  # may_decide_membership said so
    change.decided_at = utcnow()
    change.decided_by_id = caller.principal.id
    change.approved = approve
    organization = change.organization
    if approve:
        organization.is_network_member = change.make_member
    session.flush()
    record(
        session,
        caller,
        "organization.membership_approve" if approve else "organization.membership_reject",
        subject_type="organization",
        subject_ref=organization.name,
        network_member=change.make_member,
        proposed_by=change.proposed_by.email,
    )
    if approve:
        _notify(session, organization, change.make_member)


def _notify(session: Session, organization: Organization, member: bool) -> None:
    now = "now belongs to" if member else "no longer belongs to"
    effect = (
        "Its analysts can now read the AMBER, GREEN and CLEAR reports shared with the network."
        if member
        else "Its analysts read only the reports addressed to it from now on."
    )
    users = session.scalars(
        sa.select(User).where(User.organization_id == organization.id, User.is_active)
    )
    for user in users:
        enqueue(
            session,
            user.email,
            f"{organization.name} {now} the International Network",
            f"Two operator admins changed the network membership of {organization.name}: it "
            f"{now} the International Network.\n{effect}",
        )
