"""After a report is placed: propose merges it bridges, flag links it makes doubtful.

The engine's side is :mod:`incidents.dedup.reconsider` (bridges, rechecks); this module turns
its findings into :class:`~incidents.registry.models.Reconsideration` rows through
:mod:`incidents.registry.reconsiderations`, each with the distribution rule of candidates:
only institutes that may read every report of the evidence see it, and one nobody may read
all of is recorded as undecidable (counted, never shown).

A bridge at auto-link grade on both sides and directly, none of them evidence the engine
abstains on, is marked ``is_automatic`` and merged by the engine (the first time only: after
an analyst's answer about the pair, it waits for analysts), once the rechecks are done; an
analyst can undo it (unmerge). Nothing else moves here.

Cost at placement: a bridge scores one pair of reports the lookup has just read; a recheck
scores one report against at most ``MAX_MEMBERS`` reports of each of two incidents; at most
``MAX_RECHECKS`` per placement. Both go through the placement's cached store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.dedup import Candidate, Match, Thresholds
from incidents.dedup.reconsider import Doubt, bridges, recheck
from incidents.dedup.signals import Signal
from incidents.dedup.sql_store import SqlStore
from incidents.dedup.store import CandidateStore
from incidents.registry import reconsiderations
from incidents.registry.models import Incident, LinkOrigin, Reconsideration
from incidents.registry.queries import active_links, follow
from incidents.reports.models import Report
from incidents.security.caller import Caller

#: Whether some institute may read all the given reports (``services.decidable``).
Decidable = Callable[..., bool]
#: Neighbouring automatic links rechecked after one placement.
MAX_RECHECKS = 1

ENGINE = Caller.system()


def after_placement(
    session: Session,
    store: CandidateStore,
    report: Report,
    match: Match,
    incident: Incident,
    thresholds: Thresholds,
    decidable: Decidable,
) -> None:
    """Reconsider around a report just placed in ``incident`` (flushes, never commits);
    ``store``: the one the placement read, so what it read is not read again."""
    proposed: list[Reconsideration] = []
    for bridge in bridges(store, match, incident.reference, thresholds):
        other = _incident(session, bridge.other.incident_id)
        joined_by, other_by = _report(session, bridge.joined), _report(session, bridge.other)
        if other is None or joined_by is None or other_by is None:
            continue
        row = reconsiderations.propose_merge(
            session,
            ENGINE,
            report,
            incident,
            other,
            evidence=(joined_by, other_by),
            scores=(bridge.joined.score, bridge.other.score, bridge.direct_score),
            signals={
                "joined": _json(bridge.joined.signals),
                "other": _json(bridge.other.signals),
                "direct": _json(bridge.direct),
            },
            automatic=bridge.is_automatic(thresholds),
            decidable=decidable(report, joined_by, other_by),
        )
        if row is not None:
            proposed.append(row)
    for neighbour, home in _neighbours(session, match, incident, thresholds):
        doubt = recheck(store, str(neighbour.id), home.reference, incident.reference, thresholds)
        if doubt is not None:
            _flag(session, neighbour, home, doubt, decidable)
    for row in proposed:
        reconsiderations.merge_automatically(session, ENGINE, row)


def after_amendment(
    session: Session, report: Report, thresholds: Thresholds, decidable: Decidable
) -> None:
    """Recheck an amended report's automatic link against the rest of its incident."""
    links = active_links(session, report)
    if not links or links[0].origin is not LinkOrigin.AUTO:
        return
    home = links[0].incident
    doubt = recheck(SqlStore(session), str(report.id), home.reference, None, thresholds)
    if doubt is not None:
        _flag(session, report, home, doubt, decidable)


def _neighbours(
    session: Session, match: Match, incident: Incident, thresholds: Thresholds
) -> Iterator[tuple[Report, Incident]]:
    """The closest reports of the other incidents the new report matched (review band or
    above) that were linked there automatically: the placement may have made them doubtful."""
    found = 0
    for candidate in match.candidates:
        if found >= MAX_RECHECKS or candidate.score < thresholds.review:
            return
        if candidate.incident_id == incident.reference:
            continue
        neighbour = _report(session, candidate)
        links = active_links(session, neighbour) if neighbour is not None else []
        if neighbour is None or not links or links[0].origin is not LinkOrigin.AUTO:
            continue
        found += 1
        yield neighbour, links[0].incident


def _flag(
    session: Session, report: Report, home: Incident, doubt: Doubt, decidable: Decidable
) -> None:
    rival = _incident(session, doubt.rival.incident_id) if doubt.rival else None
    own_by = _report(session, doubt.own) if doubt.own else None
    rival_by = _report(session, doubt.rival) if doubt.rival else None
    reconsiderations.flag_doubtful(
        session,
        ENGINE,
        report,
        home,
        rival=rival,
        evidence=(own_by, rival_by),
        scores=(
            doubt.own.score if doubt.own else None,
            doubt.rival.score if doubt.rival else None,
        ),
        signals={
            "joined": _json(doubt.own.signals) if doubt.own else [],
            "other": _json(doubt.rival.signals) if doubt.rival else [],
        },
        why=doubt.reason,
        decidable=decidable(*(each for each in (report, own_by, rival_by) if each)),
    )


def _incident(session: Session, reference: str) -> Incident | None:
    found = session.scalar(sa.select(Incident).where(Incident.reference == reference))
    return follow(found) if found is not None else None


def _report(session: Session, candidate: Candidate) -> Report | None:
    return session.get(Report, int(candidate.report_id))


def _json(signals: tuple[Signal, ...]) -> list[dict[str, object]]:
    return [signal.as_row() for signal in signals]
