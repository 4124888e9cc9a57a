"""What the institute's desk shows: each part asks the one read scope (no Flask)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.db import utcnow
from incidents.exchange.models import DeskVisit, IncidentFollow
from incidents.registry.models import Incident
from incidents.reports.deadlines import is_open_sql
from incidents.reports.models import Report, ReportDeadline, ReportState
from incidents.reports.queries import readable_by
from incidents.security.policy import Principal


def last_visit(session: Session, user_id: int) -> datetime | None:
    found = session.get(DeskVisit, user_id)
    return found.seen_at if found else None


def mark_visit(session: Session, user_id: int, now: datetime) -> None:
    found = session.get(DeskVisit, user_id)
    if found is None:
        session.add(DeskVisit(user_id=user_id, seen_at=now))
    else:
        found.seen_at = now
    session.flush()


def _shared_with(principal: Principal) -> sa.ColumnElement[bool]:
    """Reports organisations shared with the principal's institute (not imported coverage,
    which every analyst reads and nobody shared)."""
    return sa.and_(
        readable_by(principal),
        Report.state == ReportState.SUBMITTED,
        Report.organization_id != principal.organization_id,
        Report.is_public_source.is_(False),
    )


def new_reports(
    session: Session, principal: Principal, since: datetime | None, *, limit: int = 20
) -> tuple[list[Report], int]:
    """Reports shared with the principal's institute submitted after ``since`` (newest
    first, at most ``limit``), and how many there are."""
    condition = _shared_with(principal)
    if since is not None:
        condition = sa.and_(condition, Report.submitted_at > since)
    total = session.scalar(sa.select(sa.func.count()).select_from(Report).where(condition)) or 0
    rows = session.scalars(
        sa.select(Report).where(condition).order_by(Report.submitted_at.desc()).limit(limit)
    )
    return list(rows), int(total)


def week_flow(session: Session, principal: Principal, today: date) -> list[tuple[date, int]]:
    """Reports shared with the institute per day over the last seven days (oldest first)."""
    start = today - timedelta(days=6)
    moments = session.scalars(
        sa.select(Report.submitted_at).where(
            _shared_with(principal),
            Report.submitted_at
            >= datetime(start.year, start.month, start.day, tzinfo=utcnow().tzinfo),
        )
    )
    counts = Counter(moment.date() for moment in moments if moment is not None)
    return [(start + timedelta(days=n), counts.get(start + timedelta(days=n), 0)) for n in range(7)]


def followed(session: Session, user_id: int) -> list[Incident]:
    return list(
        session.scalars(
            sa.select(Incident)
            .join(IncidentFollow, IncidentFollow.incident_id == Incident.id)
            .where(IncidentFollow.user_id == user_id)
            .order_by(Incident.reference)
        )
    )


def is_following(session: Session, user_id: int, incident_id: int) -> bool:
    return session.get(IncidentFollow, (user_id, incident_id)) is not None


def toggle_follow(session: Session, user: User, incident: Incident) -> bool:
    """Follow ``incident`` (or stop following it); returns whether ``user`` follows it now."""
    found = session.get(IncidentFollow, (user.id, incident.id))
    if found is not None:
        session.delete(found)
        session.flush()
        return False
    session.add(IncidentFollow(user_id=user.id, incident_id=incident.id))
    session.flush()
    return True


@dataclass(frozen=True)
class Late:
    """An open binding deadline that has passed, on a report the institute reads."""

    report: Report
    deadline: ReportDeadline


def overdue_followups(
    session: Session, principal: Principal, now: datetime, *, limit: int = 50
) -> tuple[list[Late], Counter[str]]:
    """Open binding follow-up deadlines past due on reports shared with the institute (the
    same rule as the reminders), at most ``limit`` listed, and a count per regime."""
    condition = sa.and_(_shared_with(principal), is_open_sql(), ReportDeadline.due_at < now)
    joined = sa.select(ReportDeadline.regime_label, sa.func.count()).join(
        Report, Report.id == ReportDeadline.report_id
    )
    grouped = session.execute(joined.where(condition).group_by(ReportDeadline.regime_label))
    counts: Counter[str] = Counter({str(row[0]): int(row[1]) for row in grouped})
    rows = session.execute(
        sa.select(Report, ReportDeadline)
        .join(Report, Report.id == ReportDeadline.report_id)
        .where(condition)
        .order_by(ReportDeadline.due_at)
        .limit(limit)
    ).all()
    return [Late(report, deadline) for report, deadline in rows], counts
