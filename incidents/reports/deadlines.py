"""The regulatory deadlines of a submitted report, from the taxonomy's clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import taxonomy
from incidents.reports.models import Report, ReportDeadline, ReportStage, ReportState
from taxonomy.describe import describe


def _start_of(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def compute_deadlines(report: Report) -> list[ReportDeadline]:
    """Deadline rows for ``report``, counted from when its organisation became aware (or,
    without that, from its submission)."""
    assert report.submitted_at is not None, "deadlines are computed at submission"
    rows = deadline_rows(
        report.classification, report.aware_at, report.submitted_at, report.taxonomy_version
    )
    return [ReportDeadline(**row) for row in rows]


def deadline_rows(
    classification: dict[str, Any], aware_at: datetime | None, submitted_at: datetime, version: str
) -> list[dict[str, Any]]:
    """The deadlines of a report submitted at ``submitted_at``, as column values."""
    resolved_day = _day(classification.get("resolved_at"))
    found = taxonomy.deadlines(
        classification,
        aware_at or submitted_at,
        resolved_at=parse_moment(classification.get("resolved_at")) or _start_of(resolved_day),
        last_report_at=submitted_at,
        version=version,
    )
    return [
        {
            "regime": deadline.regime,
            "regime_label": deadline.regime_label,
            "rule": deadline.rule,
            "obligation": deadline.obligation,
            "citation": deadline.citation[:300],
            "due_at": deadline.due_at,
            "binding": deadline.binding,
            "recurring": deadline.recurring,
        }
        for deadline in found
    ]


@dataclass(frozen=True)
class DeadlineStatus:
    """A deadline as a reporter sees it on the dashboard."""

    deadline: ReportDeadline
    state: str  # "overdue", "due_soon", "upcoming" or "waiting" (no due time yet)


def status_of(deadline: ReportDeadline, now: datetime, *, soon_days: int = 3) -> DeadlineStatus:
    """Classify ``deadline`` against ``now``: overdue, due within ``soon_days``, or later."""
    if deadline.due_at is None:
        return DeadlineStatus(deadline, "waiting")
    remaining = deadline.due_at - now
    if remaining.total_seconds() < 0:
        return DeadlineStatus(deadline, "overdue")
    if remaining.days < soon_days:
        return DeadlineStatus(deadline, "due_soon")
    return DeadlineStatus(deadline, "upcoming")


def parse_day(value: object) -> date | None:
    """A ``YYYY-MM-DD`` classification value as a date (None when absent or malformed)."""
    return _day(value)


def parse_moment(value: object) -> datetime | None:
    """An ISO-8601 timestamp with an offset as an aware UTC datetime (None otherwise)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def is_open(deadline: ReportDeadline, report: Report) -> bool:
    """Whether ``deadline`` still asks the organisation for a report after ``report``.

    The report itself meets its stage's obligation (an initial report meets the initial
    deadline; an intermediate one a one-off intermediate deadline); a final report closes the
    series; recurring follow-ups stay open; a later report of the series supersedes this one.
    """
    if not deadline.binding or report.state is not ReportState.SUBMITTED:
        return False
    if report.stage is ReportStage.FINAL or deadline.obligation == ReportStage.INITIAL.value:
        return False
    if _superseded(report):
        return False
    met_here = deadline.obligation == report.stage.value and not deadline.recurring
    return not met_here


def _superseded(report: Report) -> bool:
    return any(
        other.id > report.id and other.state is ReportState.SUBMITTED
        for other in report.series.reports
    )


def is_open_sql() -> sa.ColumnElement[bool]:
    """The SQL twin of :func:`is_open`, over ``Report`` joined to ``ReportDeadline``.

    Whatever lists, counts or reminds of open deadlines filters with this, so a badge, a desk
    and an e-mail agree with the report page.
    """
    later = aliased(Report)
    superseded = sa.exists().where(
        later.series_id == Report.series_id,
        later.id > Report.id,
        later.state == ReportState.SUBMITTED,
    )
    met_here = sa.and_(
        ReportDeadline.obligation == sa.cast(Report.stage, sa.String),
        ReportDeadline.recurring.is_(False),
    )
    return sa.and_(
        ReportDeadline.binding.is_(True),
        Report.state == ReportState.SUBMITTED,
        Report.stage != ReportStage.FINAL,
        ReportDeadline.obligation != ReportStage.INITIAL.value,
        sa.not_(met_here),
        sa.not_(superseded),
    )


def open_deadlines(report: Report) -> list[ReportDeadline]:
    """The binding deadlines still open after ``report``, earliest first (undated last)."""
    found = [deadline for deadline in report.deadlines if is_open(deadline, report)]
    return sorted(found, key=lambda d: (d.due_at is None, d.due_at or report.created_at))


def next_deadline(report: Report, now: datetime) -> DeadlineStatus | None:
    """The earliest open deadline with a due time, with its state; None when none is due."""
    dated = [d for d in open_deadlines(report) if d.due_at is not None]
    return status_of(dated[0], now) if dated else None


@dataclass(frozen=True)
class Preview:
    """What a draft's submission would start: its deadlines, and why a chosen regime sets none."""

    deadlines: list[ReportDeadline]
    not_applying: list[tuple[str, str]]  # (regime label, the condition it needs, in words)


def preview(report: Report, now: datetime) -> Preview:
    """The deadlines ``report`` would get if submitted at ``now``, and for each regime its
    reporter chose that would set none, the condition it waits for."""
    rows = deadline_rows(report.classification, report.aware_at, now, report.taxonomy_version)
    tax = taxonomy.load(report.taxonomy_version)
    chosen = report.classification.get("regulatory_regimes") or []
    applying = {row["regime"] for row in rows}
    not_applying = [
        (regime.label, describe(tax, regime.applies_when))
        for regime in tax.regimes
        if regime.id in chosen and regime.id not in applying
    ]
    return Preview([ReportDeadline(**row) for row in rows], not_applying)
