"""Writing audit events. Every state-changing service calls ``record``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.db import utcnow
from incidents.security.caller import Caller


def record(
    session: Session,
    caller: Caller,
    action: str,
    *,
    subject_type: str,
    subject_ref: str,
    label: str | None = None,
    flush: bool = True,
    **details: Any,
) -> AuditEvent:
    """Append an audit event for ``action`` on a subject, and flush (unless ``flush`` is
    False: a bulk operation flushes once for all its events).

    ``label`` names the actor when it is not a logged-in principal (e.g. a failed login).
    """
    event = AuditEvent(**event_row(caller, action, subject_type, subject_ref, label, details))
    session.add(event)
    if flush:
        session.flush()
    return event


def event_row(
    caller: Caller,
    action: str,
    subject_type: str,
    subject_ref: str,
    label: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of an audit event (bulk operations insert many at once)."""
    principal = caller.principal
    return {
        "occurred_at": utcnow(),
        "actor_user_id": principal.id if principal else None,
        "actor_organization_id": principal.organization_id if principal else None,
        "actor_label": label or _label(caller),
        "channel": caller.channel,
        "address": caller.address,
        "action": action,
        "subject_type": subject_type,
        "subject_ref": subject_ref,
        "details": details or {},
    }


def _label(caller: Caller) -> str:
    principal = caller.principal
    if principal is None:
        return {"cli": "command line", "system": "platform"}.get(caller.channel, "anonymous")
    return str(getattr(principal, "email", principal.id))


def recent_events(session: Session, *, limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    """The newest audit events first."""
    query = (
        sa.select(AuditEvent)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
