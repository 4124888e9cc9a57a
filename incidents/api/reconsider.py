"""``/api/v1`` for analysts: what the engine asks to reconsider after placements (merge
proposals, doubtful links), the twins of the triage pages' "Reconsider" sections. Same rules
as :mod:`incidents.api.incidents`: ``dedup:triage``, 404 for what the caller may not see, 409
for what was decided meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.api.incidents import REPORT, _titles, _write, incidents_api
from incidents.api.routing import Call, json_route, page_links
from incidents.registry import reconsiderations
from incidents.registry.models import Reconsideration
from incidents.registry.reconsideration_schemas import (
    ReconsiderAnswerSchema,
    ReconsiderListSchema,
    ReconsiderPageSchema,
    SeenReconsideration,
)
from incidents.reports.access import submitted_report
from incidents.reports.services import note_read
from incidents.schemas import PageQuerySchema
from incidents.security.permissions import Permission


def _reconsiderations(
    session: Session, user: User, rows: Sequence[Reconsideration]
) -> list[SeenReconsideration]:
    titles = _titles(
        session, user, [i for row in rows for i in (row.incident, row.other) if i is not None]
    )
    return [
        SeenReconsideration(
            row, titles[row.incident_id], titles[row.other_id] if row.other_id else None
        )
        for row in rows
    ]


@json_route(
    incidents_api,
    "/triage/reconsider",
    permission=Permission.DEDUP_TRIAGE,
    tag="triage",
    query=PageQuerySchema,
    response=ReconsiderPageSchema,
)
def reconsider_queue(call: Call) -> dict[str, Any]:
    """What waits to be reconsidered: merge proposals and doubtful links
    Merges at auto-link grade on both sides first, then by score. Only those whose every
    evidence report the caller may read.
    """
    query = call.query
    rows, total = reconsiderations.queue(
        call.session, call.user, page=query["page"], per_page=query["per_page"]
    )
    return {
        "reconsiderations": _reconsiderations(call.session, call.user, rows),
        **page_links("incidents_api.reconsider_queue", query, total),
    }


@json_route(
    incidents_api,
    "/reports/<report_key:reference>/reconsiderations",
    permission=Permission.DEDUP_TRIAGE,
    tag="triage",
    parameters=REPORT,
    response=ReconsiderListSchema,
    errors=("NotFound",),
)
def report_reconsiderations(call: Call, reference: str) -> dict[str, Any]:
    """A report's merge proposals and doubtful links, pending and decided
    A read of another organisation's reports is audited.
    """
    report = submitted_report(call.session, call.user, reference)
    rows = reconsiderations.of_report(call.session, call.user, report)
    result = {"reconsiderations": _reconsiderations(call.session, call.user, rows)}
    read = {report.id: report} | {each.id: each for row in rows for each in row.evidence}
    for each in read.values():
        note_read(call.session, call.caller, each)
    call.session.commit()
    return result


@_write(
    "/reports/<report_key:reference>/reconsider",
    ReconsiderAnswerSchema,
    permission=Permission.DEDUP_TRIAGE,
    tag="triage",
    parameters=REPORT,
    response=ReconsiderListSchema,
)
def reconsider(call: Call, reference: str) -> dict[str, Any]:
    """Answer a merge proposal (accept, reject) or a doubtful link (keep, unlink)
    Accepting merges the younger incident into the older; rejecting keeps the pair from being
    proposed again without stronger evidence. The answer is the report's reconsiderations.
    """
    report = submitted_report(call.session, call.user, reference)
    data = call.read()
    answer = reconsiderations.Answer(data["answer"])
    rows = reconsiderations.of_report(call.session, call.user, report)
    row = reconsiderations.named(rows, answer, data["incident"])
    reconsiderations.decide(call.session, call.caller, row, answer, reason=data["reason"])
    rows = reconsiderations.of_report(call.session, call.user, report)
    return {"reconsiderations": _reconsiderations(call.session, call.user, rows)}
