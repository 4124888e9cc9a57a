"""Loading incidents and candidates for a caller, for pages and API alike.

Each loader finds what the caller may see or refuses: an incident or report it may not see
is NotFound like a missing one (when a request named it in a field, the refusal says which);
acting on a merged incident is a Conflict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from incidents.refusals import Conflict, NotFound
from incidents.registry import queries
from incidents.registry.models import DedupCandidate, Incident
from incidents.registry.queries import IncidentView, follow
from incidents.reports.models import Report
from incidents.security.policy import Principal

INCIDENT_PATTERN = r"^INC-[0-9]{4}-[0-9]{5,}$"
_INCIDENT = re.compile(INCIDENT_PATTERN)
NO_INCIDENT = "There is no incident with this reference."


def visible_incident(session: Session, principal: Principal, reference: str) -> IncidentView:
    """The incident ``reference`` as ``principal`` sees it (a tombstone as itself); raises
    NotFound."""
    view = (
        queries.incident_for(session, principal, reference)
        if _INCIDENT.fullmatch(reference)
        else None
    )
    if view is None:
        raise NotFound(NO_INCIDENT)
    return view


def open_incident(session: Session, principal: Principal, reference: str) -> IncidentView:
    """The incident ``reference``, not merged into another; raises NotFound or Conflict."""
    view = visible_incident(session, principal, reference)
    if view.incident.is_tombstone:
        target = follow(view.incident)
        raise Conflict(f"{reference} was merged into {target.reference}; use that one.")
    return view


def named_incident(session: Session, principal: Principal, reference: str, field: str) -> Incident:
    """The incident a request names in ``field``; raises NotFound, naming that field, when
    the caller may not see it."""
    view = (
        queries.incident_for(session, principal, reference)
        if _INCIDENT.fullmatch(reference.upper())
        else None
    )
    if view is None:
        message = f"There is no incident {reference} that you may see."
        raise NotFound(message, {field: [message]})
    return view.incident


def members(view: IncidentView, references: Sequence[str], field: str) -> list[Report]:
    """The reports ``references`` among the incident's visible reports, each once; raises
    NotFound for any other, naming ``field[i]`` for a list field, else ``field``."""
    visible = {report.reference: report for report in view.reports}
    problems = {
        f"{field}[{index}]" if field == "reports" else field: [
            f"{reference} is not a report of {view.reference} that you may see."
        ]
        for index, reference in enumerate(references)
        if reference not in visible
    }
    if problems:
        raise NotFound(next(iter(problems.values()))[0], problems)
    return [visible[reference] for reference in dict.fromkeys(references)]


def candidate_of(
    session: Session, principal: Principal, report: Report, reference: str
) -> DedupCandidate:
    """The report's candidate for incident ``reference`` (or for the incident it was merged
    into) among those ``principal`` may see; raises NotFound, naming ``incident``, when none."""
    candidates = queries.candidates_of(session, principal, report)
    reference = reference.upper()
    for matches in (
        lambda c: c.incident.reference == reference,
        lambda c: follow(c.incident).reference == reference,
    ):
        for candidate in candidates:
            if matches(candidate):
                return candidate
    message = f"{reference} is not a candidate for {report.reference} that you may see."
    raise NotFound(message, {"incident": [message]})
