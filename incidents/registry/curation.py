"""Curation: what an institute's analysts write about an incident (title, narrative,
classification) under its own audience, and the incident's status.

Each institute keeps one curation per incident. Its audience defaults to the most restrictive
distribution among the incident's reports that the writer may read; a writer may choose
another one deliberately (a wider one is audited as such). Raises Conflict on a stale
version, Invalid on bad values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import taxonomy
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.refusals import Conflict, Forbidden, Invalid, NotFound, Problems
from incidents.registry import audiences, queries
from incidents.registry.audiences import Distribution
from incidents.registry.checks import MAX_TITLE, check_open
from incidents.registry.models import Incident, IncidentCuration, IncidentStatus
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind

MAX_NARRATIVE = 20_000


def curation_of(
    session: Session, incident: Incident, organization_id: int
) -> IncidentCuration | None:
    """The curation one institute wrote of ``incident``, if any."""
    return session.scalar(
        sa.select(IncidentCuration).where(
            IncidentCuration.incident_id == incident.id,
            IncidentCuration.organization_id == organization_id,
        )
    )


def default_distribution(session: Session, caller: Caller, incident: Incident) -> Distribution:
    """The distribution of text the caller derives from the incident's reports it may read;
    raises NotFound when it may read none (it may not see the incident)."""
    read = queries.visible_reports(session, caller.principal, incident)
    if not read:
        raise NotFound("There is no incident with this reference.")
    return audiences.derived_from(read)


def curate(
    session: Session,
    caller: Caller,
    incident: Incident,
    *,
    version: int,
    title: str | None,
    status: str,
    classification: Mapping[str, Any],
    narrative: str = "",
    distribution: Distribution | None = None,
) -> IncidentCuration:
    """Write the caller's institute's curation of ``incident`` and set its status, if nobody
    changed the incident since ``version``.

    ``distribution`` None keeps the curation as narrow as the reports the caller may read
    (and as narrow as it was); a given one is used as chosen, and audited as a widening when
    someone may read it who may not read those reports. Raises Forbidden for a caller outside
    an institute, NotFound when it may read none of the incident's reports, Conflict on a stale
    ``version``, Invalid on bad values.
    """
    principal = caller.principal
    if principal is None or principal.organization_kind is not OrganizationKind.INSTITUTE:
        raise Forbidden("Incidents are curated by the analysts of an institute.")
    if version != incident.lock_version:
        raise Conflict(
            f"{incident.reference} was changed by someone else since you opened it; "
            "your changes were not saved. Reload it and apply them again."
        )
    check_open(incident)
    derived = default_distribution(session, caller, incident)
    _check(title, status, classification, narrative)
    current = curation_of(session, incident, principal.organization_id)
    if current is not None:
        derived = derived.narrowed(audiences.distribution_of(current.audience))
    chosen = derived if distribution is None else distribution
    if current is None or audiences.distribution_of(current.audience) != chosen:
        written = audiences.audience(session, principal.organization_id, chosen)
    else:
        written = current.audience
    if current is None:
        current = IncidentCuration(
            incident_id=incident.id, organization_id=principal.organization_id, audience=written
        )
        session.add(current)
    current.audience = written
    before = {"title": current.title, "status": incident.status.value}
    current.title = (title or "").strip() or None
    current.narrative = narrative.strip()
    current.classification = dict(classification)
    current.updated_by_id = principal.id
    incident.status = IncidentStatus(status)
    incident.updated_at = utcnow()  # the incident's version moves with each curation of it
    session.flush()
    publish(session, Event.INCIDENT_CHANGED, "incident", [incident.id])
    record(
        session,
        caller,
        "incident.curate",
        subject_type="incident",
        subject_ref=incident.reference,
        before=before,
        after={"title": current.title, "status": incident.status.value},
        tlp=chosen.tlp.value,
        recipients=sorted(chosen.recipient_ids),
    )
    if chosen.is_wider_than(derived):
        record(
            session,
            caller,
            "incident.curation_widened",
            subject_type="incident",
            subject_ref=incident.reference,
            tlp=chosen.tlp.value,
            recipients=sorted(chosen.recipient_ids),
            derived_tlp=derived.tlp.value,
            derived_recipients=sorted(derived.recipient_ids),
        )
    return current


def _check(
    title: str | None, status: str, classification: Mapping[str, Any], narrative: str
) -> None:
    problems: Problems = {}
    if title is not None and len(title) > MAX_TITLE:
        problems["title"] = [f"Keep the title under {MAX_TITLE} characters."]
    if len(narrative) > MAX_NARRATIVE:
        problems["narrative"] = [f"Keep the narrative under {MAX_NARRATIVE:,} characters."]
    allowed = [s.value for s in IncidentStatus.curated()]
    if status not in allowed:
        problems["status"] = [f"{status!r} is not a status; choose one of {', '.join(allowed)}."]
    for problem in taxonomy.load().validate(classification, "final"):
        if problem.code != "required":
            path = f"classification.{problem.path}" if problem.path else "classification"
            problems.setdefault(path, []).append(problem.message)
    if problems:
        raise Invalid(problems)
