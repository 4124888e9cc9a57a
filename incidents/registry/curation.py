"""Curation: an incident's title, status and classification as analysts set them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.services import record
from incidents.outbox.services import Event, publish
from incidents.refusals import Conflict, Invalid, Problems
from incidents.registry.models import Incident, IncidentStatus
from incidents.registry.services import MAX_TITLE, check_open
from incidents.security.caller import Caller


def curate(
    session: Session,
    caller: Caller,
    incident: Incident,
    *,
    version: int,
    title: str | None,
    status: str,
    classification: Mapping[str, Any],
) -> Incident:
    """Set the curated title, status and classification, if nobody changed it since ``version``.

    Raises Conflict on a stale ``version`` and Invalid on bad values.
    """
    if version != incident.lock_version:
        raise Conflict(
            f"{incident.reference} was changed by someone else since you opened it; "
            "your changes were not saved. Reload it and apply them again."
        )
    check_open(incident)
    problems: Problems = {}
    if title is not None and len(title) > MAX_TITLE:
        problems["title"] = [f"Keep the title under {MAX_TITLE} characters."]
    allowed = [s.value for s in IncidentStatus.curated()]
    if status not in allowed:
        problems["status"] = [f"{status!r} is not a status; choose one of {', '.join(allowed)}."]
    for problem in taxonomy.load().validate(classification, "final"):
        if problem.code != "required":
            path = f"classification.{problem.path}" if problem.path else "classification"
            problems.setdefault(path, []).append(problem.message)
    if problems:
        raise Invalid(problems)
    before = {"title": incident.title, "status": incident.status.value}
    incident.title = (title or "").strip() or None
    incident.status = IncidentStatus(status)
    incident.classification = dict(classification)
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [incident.id])
    record(
        session,
        caller,
        "incident.curate",
        subject_type="incident",
        subject_ref=incident.reference,
        before=before,
        after={"title": incident.title, "status": incident.status.value},
    )
    return incident
