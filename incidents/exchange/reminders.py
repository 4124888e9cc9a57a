"""``flask notify run``: the reminders that fall due with time, and the daily digests.

Idempotent and cron-friendly: every reminder has a key (the deadline and whether it is
approaching or passed; the request and its state; the candidate), so a second run the same
day finds nothing new to tell, and a digest goes to a user at most once a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.exchange.models import InformationRequest, NotificationKind, RequestState
from incidents.exchange.notify import (
    ANALYST_ROLES,
    COMPANY_ROLES,
    Notice,
    NotifySettings,
    RunResult,
    mail_waiting,
    members_by_org,
    network_institutes,
    notify,
    send_digests,
)
from incidents.registry.models import CandidateDecision, DedupCandidate
from incidents.reports.deadlines import is_open_sql
from incidents.reports.models import (
    Report,
    ReportDeadline,
    ReportState,
    report_recipients,
)
from incidents.security.policy import NETWORK_WIDE_TLP


def run(session: Session, settings: NotifySettings, now: datetime) -> RunResult:
    """Tell what fell due by ``now``, mail what waits, send the digests. Flushes; the caller
    commits."""
    result = RunResult()
    for name, compute in (
        ("deadline_due", _deadlines),
        ("request_due", _requests),
        ("triage_waiting", _triage),
    ):
        notices = compute(session, settings, now)
        created = notify(session, notices, announce=False)
        result.created[name] = len(created)
    session.flush()
    result.mailed = mail_waiting(session, settings)
    result.digests = send_digests(session, settings, now)
    return result


def _phase(due: datetime, now: datetime) -> str:
    return "passed" if due <= now else "soon"


def _deadlines(session: Session, settings: NotifySettings, now: datetime) -> list[Notice]:
    """Open binding deadlines due within ``soon_days`` or passed (as :func:`deadlines.is_open`
    decides, in SQL): the filing organisation's reporters are told once of each phase."""
    rows = session.execute(
        sa.select(
            ReportDeadline.id,
            ReportDeadline.due_at,
            ReportDeadline.obligation,
            Report.reference,
            Report.organization_id,
        )
        .join(Report, Report.id == ReportDeadline.report_id)
        .where(
            is_open_sql(),
            ReportDeadline.due_at.is_not(None),
            ReportDeadline.due_at <= now + timedelta(days=settings.soon_days),
        )
    ).all()
    people = members_by_org(session, {row.organization_id for row in rows}, COMPANY_ROLES)
    notices: list[Notice] = []
    for deadline_id, due_at, obligation, reference, organization_id in rows:
        assert due_at is not None  # the query keeps dated deadlines only
        phase = _phase(due_at, now)
        when = "has passed" if phase == "passed" else "is approaching"
        text = f"{reference}: the {obligation} report deadline ({due_at:%Y-%m-%d %H:%M} UTC) {when}"
        notices.extend(
            Notice(
                user_id=user_id,
                kind=NotificationKind.DEADLINE_DUE,
                key=f"deadline:{deadline_id}:{phase}",
                reference=str(reference),
                text=text,
                link=f"/reports/{reference}",
            )
            for user_id in people.get(organization_id, [])
        )
    return notices


def _requests(session: Session, settings: NotifySettings, now: datetime) -> list[Notice]:
    """Open requests whose answer-by date is within ``soon_days`` or passed: the filing
    organisation is told once of each phase."""
    today = now.date()
    rows = session.execute(
        sa.select(
            InformationRequest.id,
            InformationRequest.reference,
            InformationRequest.answer_by,
            InformationRequest.organization_id,
        ).where(
            InformationRequest.state == RequestState.OPEN,
            InformationRequest.answer_by.is_not(None),
            InformationRequest.answer_by <= today + timedelta(days=settings.soon_days),
        )
    ).all()
    people = members_by_org(session, {row.organization_id for row in rows}, COMPANY_ROLES)
    notices: list[Notice] = []
    for request_id, reference, answer_by, organization_id in rows:
        assert answer_by is not None  # the query keeps dated requests only
        phase = "passed" if answer_by < today else "soon"
        when = "has passed" if phase == "passed" else "is approaching"
        notices.extend(
            Notice(
                user_id=user_id,
                kind=NotificationKind.REQUEST_DUE,
                key=f"request-due:{request_id}:{phase}",
                reference=reference,
                text=f"{reference}: the answer-by date ({answer_by:%Y-%m-%d}) {when}",
                link=f"/requests/{reference}",
            )
            for user_id in people.get(organization_id, [])
        )
    return notices


def _triage(session: Session, settings: NotifySettings, now: datetime) -> list[Notice]:
    """Pending candidates older than ``triage_wait_hours``: told to the analysts of every
    institute that may read the report (network-wide labels: every network institute;
    otherwise its named recipients), once per candidate."""
    cutoff = now - timedelta(hours=settings.triage_wait_hours)
    rows = session.execute(
        sa.select(DedupCandidate.id, Report.id, Report.reference, Report.tlp)
        .join(Report, Report.id == DedupCandidate.report_id)
        .where(
            DedupCandidate.decision == CandidateDecision.PENDING,
            DedupCandidate.created_at <= cutoff,
            Report.state == ReportState.SUBMITTED,
        )
    ).all()
    if not rows:
        return []
    network = set(network_institutes(session))
    addressed: dict[int, set[int]] = defaultdict(set)
    report_ids = sorted({row[1] for row in rows})
    for start in range(0, len(report_ids), 500):
        for report_id, organization_id in session.execute(
            sa.select(report_recipients.c.report_id, report_recipients.c.organization_id).where(
                report_recipients.c.report_id.in_(report_ids[start : start + 500])
            )
        ):
            addressed[report_id].add(organization_id)
    people = members_by_org(session, network, ANALYST_ROLES)
    notices: list[Notice] = []
    for candidate_id, report_id, reference, tlp in rows:
        institutes = network if tlp in NETWORK_WIDE_TLP else addressed[report_id] & network
        for institute in sorted(institutes):
            notices.extend(
                Notice(
                    user_id=user_id,
                    kind=NotificationKind.TRIAGE_WAITING,
                    key=f"triage:{candidate_id}",
                    reference=str(reference),
                    text=(
                        f"{reference}: a triage candidate has waited more than "
                        f"{settings.triage_wait_hours} h"
                    ),
                    link=f"/triage/{reference}",
                )
                for user_id in people.get(institute, [])
            )
    return notices
