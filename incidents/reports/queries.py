"""Finding reports for a caller: by reference, and the organisation's filtered list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from incidents.reports import deadlines
from incidents.reports.models import (
    Report,
    ReportDeadline,
    ReportSeries,
    ReportStage,
    ReportState,
    Tlp,
    report_recipients,
)
from incidents.security.policy import Principal
from incidents.security.scope import scope_of


def readable_by(
    principal: Principal | None, report: type[Report] = Report
) -> sa.ColumnElement[bool]:
    """The SQL twin of ``scope.can_read_report``: which rows of ``report`` (the model or an
    alias) ``principal`` may read. A test checks both agree on every case."""

    def addressed_to(institutes: list[int]) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            report_recipients.c.report_id == report.id,
            report_recipients.c.organization_id.in_(institutes),
        )

    return scope_of(principal).sql(
        author=report.organization_id,
        author_prefix="org:",
        tlp=report.tlp,
        is_draft=report.state == ReportState.DRAFT,
        addressed_to=addressed_to,
        public_source=report.is_public_source.is_(True),
    )


@dataclass(frozen=True)
class ReportFilters:
    """What the reporter dashboard and ``GET /api/v1/reports`` filter on."""

    state: ReportState | None = None
    stage: ReportStage | None = None
    tlp: Tlp | None = None
    deadline: str | None = None  # "overdue" or "due_soon"
    text: str = ""


def organization_reports(
    session: Session,
    organization_id: int,
    filters: ReportFilters,
    *,
    now: datetime,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Report], int]:
    """One page of the organisation's reports, newest first, and the total that match."""
    query = sa.select(Report).where(Report.organization_id == organization_id)
    if filters.state:
        query = query.where(Report.state == filters.state)
    if filters.stage:
        query = query.where(Report.stage == filters.stage)
    if filters.tlp:
        query = query.where(Report.tlp == filters.tlp)
    if filters.text:
        pattern = f"%{filters.text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Report.title).like(pattern), Report.reference.like(pattern.upper())
            )
        )
    if filters.deadline in ("overdue", "due_soon"):
        query = query.where(Report.id.in_(_open_deadline_reports(filters.deadline, now)))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(
            selectinload(Report.deadlines),
            selectinload(Report.recipients),
            # The dashboard's deadline badges ask whether a later report supersedes each row.
            selectinload(Report.series).selectinload(ReportSeries.reports),
        )
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(rows), total


def _open_deadline_reports(kind: str, now: datetime) -> sa.Select[int]:
    """Ids of reports with an open deadline overdue, or due within 3 days, at ``now``.

    The SQL twin of ``deadlines.is_open``: what the dashboard's badges show is what the filter
    finds.
    """
    query = (
        sa.select(ReportDeadline.report_id)
        .join(Report, Report.id == ReportDeadline.report_id)
        .where(deadlines.is_open_sql())
    )
    if kind == "overdue":
        return query.where(ReportDeadline.due_at < now)
    return query.where(
        ReportDeadline.due_at >= now, ReportDeadline.due_at < now + timedelta(days=3)
    )
