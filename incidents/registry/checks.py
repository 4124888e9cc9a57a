"""Checks every registry service shares: an open incident, a title, a reason, the actor."""

from __future__ import annotations

from incidents.refusals import Conflict, Invalid
from incidents.registry.models import Incident
from incidents.security.caller import Caller

MAX_TITLE = 300
MAX_REASON = 2_000


def check_open(incident: Incident) -> None:
    if incident.is_tombstone:
        into = incident.merged_into.reference if incident.merged_into else "another incident"
        raise Conflict(f"{incident.reference} was merged into {into}; use that one.")


def checked_title(title: str) -> str:
    title = title.strip()
    if len(title) > MAX_TITLE:
        raise Invalid({"title": [f"Keep the title under {MAX_TITLE} characters."]})
    return title


def checked_reason(reason: str, *, required: bool = False) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid({"reason": ["Say why, for the audit log and the other analysts."]})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": [f"Keep the reason under {MAX_REASON:,} characters."]})
    return reason


def actor_id(caller: Caller) -> int | None:
    return caller.principal.id if caller.principal else None
