"""Filing reports: drafts, submission, amendment, follow-ups and withdrawal.

Each function checks the content, changes state, writes an audit event and flushes; the
view, API call or command that owns the request commits once. Permission to file for the
report's organisation is checked by the caller (``security.policy.can_file_for``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

import taxonomy
from incidents.accounts.models import Organization
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.outbox.services import Event, publish
from incidents.references import next_reference
from incidents.refusals import Conflict
from incidents.reports.content import (
    ReportContent,
    ReportInvalid,
    check_content,
    content_hash,
)
from incidents.reports.deadlines import compute_deadlines, parse_day, parse_moment
from incidents.reports.models import (
    Report,
    ReportRevision,
    ReportSeries,
    ReportStage,
    ReportState,
    Tlp,
)
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind
from taxonomy.relevance import relevant_only

NEXT_STAGES = {
    ReportStage.INITIAL: (ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ReportStage.INTERMEDIATE: (ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ReportStage.FINAL: (),
}


class ReportStateError(Conflict):
    """The action does not fit the report's state (e.g. amending a draft)."""


def recipient_institutes(session: Session) -> list[Organization]:
    """The institutes a report may name as recipients: active network members."""
    query = (
        sa.select(Organization)
        .where(
            Organization.kind == OrganizationKind.INSTITUTE,
            Organization.is_network_member.is_(True),
            Organization.is_active.is_(True),
        )
        .order_by(Organization.name)
    )
    return list(session.scalars(query))


def filer_ids(caller: Caller) -> tuple[int, int]:
    principal = caller.principal
    if principal is None:
        raise ReportStateError("Reports are filed by a user of a reporting organisation.")
    return principal.id, principal.organization_id


def checked_content(
    session: Session,
    content: ReportContent,
    stage: ReportStage,
    *,
    complete: bool,
    institutes: Sequence[Organization] | None = None,
) -> tuple[ReportContent, list[Organization]]:
    """``content`` with its taxonomy version pinned, and its recipients; raises ReportInvalid.

    ``institutes`` (the possible recipients) may be given when checking many reports."""
    if not content.taxonomy_version:
        content = replace(content, taxonomy_version=taxonomy.load().version)
    content = relevant_content(content)
    if institutes is None:
        institutes = recipient_institutes(session)
    problems = check_content(
        content, stage=stage.value, known_recipients=[i.name for i in institutes], complete=complete
    )
    if problems:
        raise ReportInvalid(problems)
    chosen = [i for i in institutes if i.name in content.recipients]
    return content, chosen


def relevant_content(content: ReportContent) -> ReportContent:
    """``content`` without the answers its other answers do not ask for (the guided form's
    rules, ``taxonomy.relevance``): a stale answer to a question no longer asked is dropped."""
    if content.taxonomy_version not in taxonomy.versions():
        return content  # check_content names the unknown version
    tax = taxonomy.load(content.taxonomy_version)
    return replace(content, classification=relevant_only(tax, content.classification))


def _apply(report: Report, content: ReportContent, recipients: Sequence[Organization]) -> None:
    report.title = content.title.strip()
    report.description = content.description.strip()
    report.tlp = Tlp(content.tlp)
    report.recipients = list(recipients)
    report.withhold_identity = content.withhold_identity
    report.taxonomy_version = content.taxonomy_version
    report.classification = dict(content.classification)
    report.references = list(content.references)
    report.occurred_on = parse_day(content.classification.get("occurred_on"))
    report.aware_at = parse_moment(content.classification.get("aware_at"))


def content_of(report: Report) -> ReportContent:
    """The content currently stored in ``report``."""
    return ReportContent(
        title=report.title,
        description=report.description,
        tlp=report.tlp.value,
        recipients=tuple(o.name for o in report.recipients),
        withhold_identity=report.withhold_identity,
        taxonomy_version=report.taxonomy_version,
        classification=dict(report.classification),
        references=tuple(report.references),
    )


def save_draft(
    session: Session,
    caller: Caller,
    content: ReportContent,
    *,
    report: Report | None = None,
    stage: ReportStage = ReportStage.INITIAL,
) -> Report:
    """Create a draft, or update ``report`` (a draft). Nothing is required yet, but what is
    given must be well-formed. Raises ReportInvalid or ReportStateError."""
    user_id, organization_id = filer_ids(caller)
    if report is not None and report.state is not ReportState.DRAFT:
        raise ReportStateError(f"{report.label} is {report.state.value}; amend it instead.")
    content, recipients = checked_content(
        session, content, report.stage if report else stage, complete=False
    )
    if report is None:
        series = ReportSeries(organization_id=organization_id)
        report = _new_report(user_id, organization_id, stage, series)
        session.add(report)
    _apply(report, content, recipients)
    session.flush()
    record(session, caller, "report.draft_save", subject_type="report", subject_ref=report.label)
    return report


def delete_draft(session: Session, caller: Caller, report: Report) -> str:
    """Delete the draft ``report`` (never submitted, so nobody outside its organisation saw
    it) and its series when it was the series' only report; return its label.

    Raises ReportStateError for a submitted or withdrawn report: those stay on record."""
    if report.state is not ReportState.DRAFT:
        raise ReportStateError(
            f"{report.label} is {report.state.value}; only drafts can be deleted."
        )
    label = report.label
    series = report.series
    others = [other for other in series.reports if other is not report]
    report.recipients = []
    session.delete(report)
    if not others:
        session.delete(series)
    session.flush()
    record(session, caller, "report.draft_delete", subject_type="report", subject_ref=label)
    return label


def _new_report(
    user_id: int, organization_id: int, stage: ReportStage, series: ReportSeries
) -> Report:
    # Empty collections up front: a new report never loads them from the database.
    return Report(
        organization_id=organization_id,
        author_id=user_id,
        stage=stage,
        state=ReportState.DRAFT,
        series=series,
        recipients=[],
        revisions=[],
        deadlines=[],
    )


def submit(session: Session, caller: Caller, report: Report) -> Report:
    """Submit the draft ``report``: full validation for its stage, a reference, the first
    revision and the deadlines. Raises ReportInvalid or ReportStateError."""
    if report.state is not ReportState.DRAFT:
        raise ReportStateError(f"{report.label} is already {report.state.value}.")
    checked_content(session, content_of(report), report.stage, complete=True)
    return _submit(session, caller, report)


def _submit(session: Session, caller: Caller, report: Report) -> Report:
    """Submit a report whose content is already checked; one flush writes it all."""
    _mark_submitted(session, caller, report, kind="submission")
    report.deadlines = compute_deadlines(report)
    _number_and_publish(session, report)
    _audit_submission(session, caller, report)
    return report


def _mark_submitted(session: Session, caller: Caller, report: Report, *, kind: str) -> None:
    report.state = ReportState.SUBMITTED
    report.submitted_at = utcnow()
    _add_revision(session, caller, report, kind=kind, reason="")


def _number_and_publish(session: Session, report: Report) -> None:
    """Give a newly submitted report its reference, write it, and queue what follows."""
    with session.no_autoflush:  # the counter first, then every row in one flush
        report.reference = next_reference(session, "RPT", report.year_submitted)
    session.flush()
    publish(session, Event.REPORT_SUBMITTED, "report", [report.id])


def _audit_submission(session: Session, caller: Caller, report: Report) -> None:
    record(
        session,
        caller,
        "report.submit",
        subject_type="report",
        subject_ref=report.label,
        stage=report.stage.value,
        tlp=report.tlp.value,
        content_hash=report.content_hash,
    )


def file_report(
    session: Session,
    caller: Caller,
    content: ReportContent,
    *,
    stage: ReportStage = ReportStage.INITIAL,
) -> Report:
    """Create and submit a report in one step (what the API and bulk import do).

    Raises ReportInvalid with every problem before anything is written."""
    user_id, organization_id = filer_ids(caller)
    content, recipients = checked_content(session, content, stage, complete=True)
    series = ReportSeries(organization_id=organization_id)
    report = _new_report(user_id, organization_id, stage, series)
    _apply(report, content, recipients)
    session.add(report)
    return _submit(session, caller, report)


@dataclass(frozen=True)
class PublicSource:
    """Where a public-source report comes from: its address, outlet, publication date (not
    the event's) and, for a public database's entry, its id there (``aiid:report:12``)."""

    url: str | None = None
    outlet: str | None = None
    published_on: date | None = None
    source_id: str | None = None


def file_public_source(
    session: Session, caller: Caller, content: ReportContent, source: PublicSource
) -> Report:
    """File public coverage (a news item, a public database's entry) as a public-source
    report of ``caller``'s institute: CLEAR, readable by every analyst, no recipients and no
    deadlines (it is no company's report). Needs an analyst (checked by the caller, see
    ``incidents.sources``). Raises ReportInvalid; nothing is required beyond a title."""
    user_id, organization_id = filer_ids(caller)
    content = replace(content, tlp=Tlp.CLEAR.value, recipients=(), withhold_identity=False)
    content, _recipients = checked_content(
        session, content, ReportStage.INITIAL, complete=False, institutes=()
    )
    if not content.title.strip():
        raise ReportInvalid({"title": ["Give the item a title or a text."]})
    series = ReportSeries(organization_id=organization_id)
    report = _new_report(user_id, organization_id, ReportStage.INITIAL, series)
    _apply(report, content, [])
    report.is_public_source = True
    report.source_url, report.source_outlet = source.url, source.outlet
    report.published_on, report.source_id = source.published_on, source.source_id
    session.add(report)
    _mark_submitted(session, caller, report, kind="import")
    _number_and_publish(session, report)
    record(
        session,
        caller,
        "report.import_public_source",
        subject_type="report",
        subject_ref=report.label,
        url=source.url,
        source_id=source.source_id,
        content_hash=report.content_hash,
    )
    return report


def amend(
    session: Session, caller: Caller, report: Report, content: ReportContent, *, reason: str
) -> Report:
    """Replace a submitted report's content with a new, immutable revision and its reason."""
    if report.state is not ReportState.SUBMITTED:
        raise ReportStateError(
            f"Only submitted reports can be amended; {report.label} is {report.state.value}."
        )
    if not reason.strip():
        raise ReportInvalid({"reason": ["Say why the report is amended."]})
    content = replace(content, taxonomy_version=content.taxonomy_version or report.taxonomy_version)
    content, recipients = checked_content(session, content, report.stage, complete=True)
    _apply(report, content, recipients)
    revision = _add_revision(session, caller, report, kind="amendment", reason=reason.strip())
    report.deadlines = compute_deadlines(report)
    session.flush()
    publish(session, Event.REPORT_AMENDED, "report", [report.id])
    record(
        session,
        caller,
        "report.amend",
        subject_type="report",
        subject_ref=report.label,
        revision=revision.number,
        reason=reason.strip(),
    )
    return report


def file_follow_up(
    session: Session, caller: Caller, report: Report, content: ReportContent, *, stage: ReportStage
) -> Report:
    """File the next report of ``report``'s series (intermediate or final) and submit it."""
    user_id, organization_id = filer_ids(caller)
    latest = report.series.reports[-1]
    if report.state is not ReportState.SUBMITTED:
        raise ReportStateError(
            f"{report.label} is {report.state.value}; follow-ups need a submitted report."
        )
    if stage not in NEXT_STAGES[latest.stage]:
        allowed = (
            ", ".join(s.value for s in NEXT_STAGES[latest.stage]) or "none (the series is final)"
        )
        raise ReportInvalid(
            {"stage": [f"After a {latest.stage.value} report the next stage can be: {allowed}."]}
        )
    content, recipients = checked_content(session, content, stage, complete=True)
    follow_up = _new_report(user_id, organization_id, stage, report.series)
    _apply(follow_up, content, recipients)
    session.add(follow_up)
    _submit(session, caller, follow_up)
    record(
        session,
        caller,
        "report.follow_up",
        subject_type="report",
        subject_ref=follow_up.label,
        follows=report.label,
        stage=stage.value,
    )
    return follow_up


def withdraw(session: Session, caller: Caller, report: Report, *, reason: str) -> Report:
    """Withdraw a submitted report. It stays as a tombstone with the reason; nothing is deleted."""
    if report.state is not ReportState.SUBMITTED:
        raise ReportStateError(
            f"Only submitted reports can be withdrawn; {report.label} is {report.state.value}."
        )
    if not reason.strip():
        raise ReportInvalid({"reason": ["Say why the report is withdrawn."]})
    report.state = ReportState.WITHDRAWN
    report.withdrawn_at = utcnow()
    report.withdrawal_reason = reason.strip()
    session.flush()
    publish(session, Event.REPORT_WITHDRAWN, "report", [report.id])
    record(
        session,
        caller,
        "report.withdraw",
        subject_type="report",
        subject_ref=report.label,
        reason=reason.strip(),
    )
    return report


def note_read(session: Session, caller: Caller, report: Report) -> None:
    """Audit a read of ``report`` by someone outside its organisation."""
    principal = caller.principal
    if principal is not None and principal.organization_id != report.organization_id:
        record(session, caller, "report.read", subject_type="report", subject_ref=report.label)


def _add_revision(
    session: Session, caller: Caller, report: Report, *, kind: str, reason: str
) -> ReportRevision:
    snapshot = content_of(report).snapshot(report.stage.value)
    digest = content_hash(snapshot)
    revision = ReportRevision(
        report=report,
        number=len(report.revisions) + 1,
        kind=kind,
        reason=reason,
        author_id=caller.principal.id if caller.principal else None,
        content=snapshot,
        content_hash=digest,
    )
    session.add(revision)
    report.content_hash = digest
    return revision
