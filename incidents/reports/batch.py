"""Filing many reports in one go (the API's batch endpoint, bulk import).

Each report is checked on its own, exactly as a single filing; the valid ones are then
written with one multi-row INSERT per table instead of one unit-of-work per report, which
is what makes hundreds of reports a second possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from incidents.accounts.models import Organization
from incidents.audit.services import event_row, insert_events
from incidents.db import among, utcnow
from incidents.outbox.services import Event, publish
from incidents.references import next_references
from incidents.reports.content import ReportContent, ReportInvalid, content_hash
from incidents.reports.deadlines import deadline_rows, parse_day, parse_moment
from incidents.reports.models import (
    Report,
    ReportDeadline,
    ReportRevision,
    ReportSeries,
    ReportStage,
    ReportState,
    report_recipients,
)
from incidents.reports.services import checked_content, filer_ids, recipient_institutes
from incidents.security.caller import Caller

Checked = tuple[int, ReportContent, list[Organization]]


def file_reports(
    session: Session, caller: Caller, contents: Sequence[ReportContent]
) -> list[Report | ReportInvalid]:
    """File ``contents`` as initial reports and submit them.

    Each result holds the submitted report, or the ReportInvalid that refused that content;
    the order is that of ``contents``. The valid ones are written together (one counter
    increment for their references); the caller's transaction keeps it all or nothing.
    """
    institutes = recipient_institutes(session)
    results: list[Report | ReportInvalid | None] = []
    accepted: list[Checked] = []
    for content in contents:
        try:
            checked, recipients = checked_content(
                session, content, ReportStage.INITIAL, complete=True, institutes=institutes
            )
        except ReportInvalid as invalid:
            results.append(invalid)
            continue
        accepted.append((len(results), checked, recipients))
        results.append(None)
    for position, report in zip(
        (position for position, _, _ in accepted), _write(session, caller, accepted), strict=True
    ):
        results[position] = report
    return [result for result in results if result is not None]


def _write(session: Session, caller: Caller, accepted: list[Checked]) -> list[Report]:
    if not accepted:
        return []
    user_id, organization_id = filer_ids(caller)
    now = utcnow()
    references = next_references(session, "RPT", now.year, len(accepted))
    series_ids = _insert(
        session,
        ReportSeries,
        [{"organization_id": organization_id, "created_at": now}] * len(accepted),
    )
    rows = [
        _report_row(content, reference, series_id, organization_id, user_id, now)
        for (_, content, _), reference, series_id in zip(
            accepted, references, series_ids, strict=True
        )
    ]
    snapshots = [row.pop("snapshot") for row in rows]
    report_ids = _insert(session, Report, rows)
    _insert_children(session, caller, accepted, rows, snapshots, report_ids, now)
    publish(session, Event.REPORT_SUBMITTED, "report", report_ids)
    return _load(session, report_ids)


def _insert(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``model``'s table; their new ids, in order.

    On PostgreSQL the ids are taken from the table's sequence in one query and the rows sent
    as one pipelined ``executemany`` of a short, prepared INSERT: a multi-row INSERT …
    RETURNING of hundreds of rows costs the client more to build and parse than the server
    to run.
    """
    if not _postgresql(session):
        statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, rows))
    reserve = sa.text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
    )
    ids = sorted(session.scalars(reserve, {"table": model.__tablename__, "count": len(rows)}))
    session.execute(
        sa.insert(model), [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
    )
    return ids


def _load(session: Session, report_ids: list[int]) -> list[Report]:
    """The reports just written, with their deadlines, in the order of ``report_ids``."""
    array = _postgresql(session)
    loaded = session.scalars(
        sa.select(Report).where(among(Report.id, report_ids, sa.Integer(), array=array))
    )
    by_id = {report.id: report for report in loaded}
    deadlines: dict[int, list[ReportDeadline]] = {report_id: [] for report_id in report_ids}
    for deadline in session.scalars(
        sa.select(ReportDeadline)
        .where(among(ReportDeadline.report_id, report_ids, sa.Integer(), array=array))
        .order_by(ReportDeadline.due_at, ReportDeadline.id)
    ):
        deadlines[deadline.report_id].append(deadline)
    for report_id, found in deadlines.items():
        set_committed_value(by_id[report_id], "deadlines", found)
    return [by_id[report_id] for report_id in report_ids]


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _report_row(
    content: ReportContent,
    reference: str,
    series_id: int,
    organization_id: int,
    user_id: int,
    now: Any,
) -> dict[str, Any]:
    snapshot = content.snapshot(ReportStage.INITIAL.value)
    classification = dict(content.classification)
    return {
        "reference": reference,
        "organization_id": organization_id,
        "author_id": user_id,
        "series_id": series_id,
        "stage": ReportStage.INITIAL,
        "state": ReportState.SUBMITTED,
        "tlp": content.tlp,
        "withhold_identity": content.withhold_identity,
        "taxonomy_version": content.taxonomy_version,
        "title": content.title.strip(),
        "description": content.description.strip(),
        "classification": classification,
        "references": list(content.references),
        "occurred_on": parse_day(classification.get("occurred_on")),
        "aware_at": parse_moment(classification.get("aware_at")),
        "created_at": now,
        "updated_at": now,
        "submitted_at": now,
        "content_hash": content_hash(snapshot),
        "snapshot": snapshot,
    }


def _insert_children(
    session: Session,
    caller: Caller,
    accepted: list[Checked],
    rows: list[dict[str, Any]],
    snapshots: list[dict[str, Any]],
    report_ids: list[int],
    now: Any,
) -> None:
    revisions: list[dict[str, Any]] = []
    deadlines: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for (_, content, chosen), row, snapshot, report_id in zip(
        accepted, rows, snapshots, report_ids, strict=True
    ):
        revisions.append(
            {
                "report_id": report_id,
                "number": 1,
                "kind": "submission",
                "reason": "",
                "author_id": row["author_id"],
                "created_at": now,
                "content": snapshot,
                "content_hash": row["content_hash"],
            }
        )
        for deadline in deadline_rows(
            row["classification"], row["aware_at"], now, content.taxonomy_version
        ):
            deadlines.append({"report_id": report_id, **deadline})
        recipients.extend({"report_id": report_id, "organization_id": o.id} for o in chosen)
        details = {"stage": "initial", "tlp": content.tlp, "content_hash": row["content_hash"]}
        events.append(event_row(caller, "report.submit", "report", row["reference"], None, details))
    for model, values in ((ReportRevision, revisions), (ReportDeadline, deadlines)):
        if values:
            session.execute(sa.insert(model), values)
    insert_events(session, events)
    if recipients:
        session.execute(report_recipients.insert(), recipients)
