"""Requests for information: an institute asks the filing organisation about one report.

A thread is readable by exactly the filing organisation (its reporters and org admins) and
the analysts of the institute that asked, and only while they may read the report; anyone
else is told it does not exist. Messages are appended, never changed. Every change is
audited and tells the other side (a notification naming references only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.audit.services import record
from incidents.db import utcnow
from incidents.exchange.models import (
    InformationRequest,
    MessageKind,
    NotificationKind,
    RequestMessage,
    RequestState,
)
from incidents.exchange.notify import ANALYST_ROLES, COMPANY_ROLES, Notice, members, notify
from incidents.references import next_reference
from incidents.refusals import Conflict, Forbidden, Invalid, NotFound
from incidents.reports.access import own_report
from incidents.reports.models import Report
from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission
from incidents.security.scope import can_read_report

PREFIX = "RFI"
REQUEST_PATTERN = r"^RFI-[0-9]{4}-[0-9]{5,}$"
_REFERENCE = re.compile(REQUEST_PATTERN)
NO_REQUEST = "There is no request for information with this reference."
MAX_BODY = 20_000
WITHHELD = "the reporter"


def side_of(principal: Principal, request: InformationRequest) -> str | None:
    """``company`` or ``institute`` for the two sides of the thread; None for anyone else."""
    if not can_read_report(principal, request.report):
        return None
    if principal.organization_id == request.organization_id and has_permission(
        principal, Permission.REPORT_READ_OWN
    ):
        return "company"
    if principal.organization_id == request.institute_id and has_permission(
        principal, Permission.REPORT_READ_SHARED
    ):
        return "institute"
    return None


def request_for(session: Session, principal: Principal, reference: str) -> InformationRequest:
    """The request ``reference`` if ``principal`` is on one of its sides; raises NotFound."""
    if not _REFERENCE.fullmatch(reference):
        raise NotFound(NO_REQUEST)
    found = session.scalar(
        sa.select(InformationRequest).where(InformationRequest.reference == reference)
    )
    if found is None or side_of(principal, found) is None:
        raise NotFound(NO_REQUEST)
    return found


def may_ask(principal: Principal, report: Report) -> bool:
    """Whether ``principal`` may ask about ``report``: an analyst of an institute that reads
    it (not its own organisation), once it is submitted. A public-source report has no filing
    organisation to ask (it was imported, not filed)."""
    return (
        has_permission(principal, Permission.REPORT_READ_SHARED)
        and report.is_submitted
        and not report.is_public_source
        and report.organization_id != principal.organization_id
        and can_read_report(principal, report)
    )


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise Invalid({field: ["Write something."]})
    if len(value) > limit:
        raise Invalid({field: [f"At most {limit} characters."]})
    return value


def ask(
    session: Session,
    caller: Caller,
    report: Report,
    *,
    subject: str,
    question: str,
    answer_by: date | None,
) -> InformationRequest:
    """Open a request on ``report`` from the caller's institute; tells the filing
    organisation. Needs :func:`may_ask` (else NotFound); raises Invalid for empty text or an
    answer-by date in the past. Flushes."""
    principal = caller.principal
    if principal is None or not may_ask(principal, report):
        raise NotFound("There is no report with this reference.")
    problems = {}
    try:
        subject = _text(subject, "subject", 200)
    except Invalid as error:
        problems.update(error.problems)
    try:
        question = _text(question, "question", MAX_BODY)
    except Invalid as error:
        problems.update(error.problems)
    now = utcnow()
    if answer_by is not None and answer_by < now.date():
        problems["answer_by"] = ["The answer-by date must not be in the past."]
    if problems:
        raise Invalid(problems)
    request = InformationRequest(
        reference=next_reference(session, PREFIX, now.year),
        report=report,
        organization_id=report.organization_id,
        institute_id=principal.organization_id,
        asked_by_id=principal.id,
        subject=subject,
        answer_by=answer_by,
        state=RequestState.OPEN,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    _append(session, request, principal, MessageKind.QUESTION, question)
    record(
        session,
        caller,
        "request.asked",
        subject_type="request",
        subject_ref=request.reference,
        report=report.reference,
        answer_by=answer_by.isoformat() if answer_by else None,
    )
    _tell_company(session, request, "a new request for information on")
    return request


def _append(
    session: Session,
    request: InformationRequest,
    principal: Principal,
    kind: MessageKind,
    body: str,
    linked: Report | None = None,
) -> RequestMessage:
    message = RequestMessage(
        request=request,
        kind=kind,
        author_id=principal.id,
        organization_id=principal.organization_id,
        body=body,
        linked_report=linked,
        linked_revision=len(linked.revisions) if linked is not None else None,
    )
    session.add(message)
    request.updated_at = utcnow()
    session.flush()
    return message


@dataclass(frozen=True)
class Reply:
    """What a side writes in a thread: text, and (for the company) a linked report."""

    body: str
    linked_report: str | None = None


def reply(
    session: Session, caller: Caller, request: InformationRequest, given: Reply
) -> RequestMessage:
    """Append the caller's message. From the filing organisation it is an answer (the
    request becomes answered; it may link a follow-up or amendment: a report of the same
    series, by reference); from the institute, a further question (open again).

    Raises NotFound when the caller is on neither side, Conflict when the request is
    closed, Invalid for empty text or a link to another series. Flushes.
    """
    principal = caller.principal
    side = side_of(principal, request) if principal is not None else None
    if principal is None or side is None:
        raise NotFound(NO_REQUEST)
    if request.state is RequestState.CLOSED:
        raise Conflict(f"{request.reference} is closed.")
    body = _text(given.body, "body", MAX_BODY)
    linked = None
    if given.linked_report:
        if side != "company":
            raise Invalid({"linked_report": ["Only the filing organisation links its reports."]})
        linked = _linked(session, principal, request, given.linked_report)
    now = utcnow()
    if side == "company":
        message = _append(session, request, principal, MessageKind.ANSWER, body, linked)
        request.state, request.answered_at = RequestState.ANSWERED, now
        _tell_institute(session, request, message)
    else:
        message = _append(session, request, principal, MessageKind.QUESTION, body)
        request.state = RequestState.OPEN
        _tell_company(session, request, "a further question on", key=f"message:{message.id}")
    record(
        session,
        caller,
        f"request.{message.kind.value}",
        subject_type="request",
        subject_ref=request.reference,
        linked_report=linked.reference if linked else None,
    )
    return message


def _linked(
    session: Session, principal: Principal, request: InformationRequest, key: str
) -> Report:
    try:
        report = own_report(session, principal, key.strip(), to_file=False)
    except NotFound:
        raise Invalid({"linked_report": ["No report of yours has this reference."]}) from None
    if report.series_id != request.report.series_id or report.reference is None:
        raise Invalid({"linked_report": ["Link the report itself (amended) or a follow-up of it."]})
    return report


def close(session: Session, caller: Caller, request: InformationRequest, note: str) -> None:
    """Close the thread (either side), with a note; raises Conflict when already closed.
    Flushes."""
    principal = caller.principal
    if principal is None or side_of(principal, request) is None:
        raise NotFound(NO_REQUEST)
    if request.state is RequestState.CLOSED:
        raise Conflict(f"{request.reference} is closed already.")
    _append(session, request, principal, MessageKind.CLOSE, note.strip() or "Closed.")
    request.state, request.closed_at = RequestState.CLOSED, utcnow()
    record(session, caller, "request.closed", subject_type="request", subject_ref=request.reference)


def _tell_company(
    session: Session, request: InformationRequest, what: str, *, key: str | None = None
) -> None:
    notify(
        session,
        [
            Notice(
                user_id=user_id,
                kind=NotificationKind.REQUEST_RECEIVED,
                key=key or f"request:{request.id}",
                reference=request.reference,
                text=f"{request.reference}: {what} {request.report.reference}",
                link=f"/requests/{request.reference}",
            )
            for user_id in members(session, [request.organization_id], COMPANY_ROLES)
        ],
    )


def _tell_institute(session: Session, request: InformationRequest, message: RequestMessage) -> None:
    """The asker and every analyst of the institute who wrote in the thread."""
    writers = {m.author_id for m in request.messages if m.organization_id == request.institute_id}
    allowed = set(members(session, [request.institute_id], ANALYST_ROLES))
    notify(
        session,
        [
            Notice(
                user_id=user_id,
                kind=NotificationKind.REQUEST_ANSWERED,
                key=f"message:{message.id}",
                reference=request.reference,
                text=f"{request.reference}: an answer to your request on "
                f"{request.report.reference}",
                link=f"/requests/{request.reference}",
            )
            for user_id in sorted((writers | {request.asked_by_id}) & allowed)
        ],
    )


def author_label(viewer: Principal, request: InformationRequest, message: RequestMessage) -> str:
    """Who wrote ``message``, as ``viewer`` may see it: the filing organisation's people are
    "the reporter" to the institute when the report withholds its submitter's identity."""
    if message.organization_id == request.organization_id:
        if viewer.organization_id != request.organization_id and request.report.withhold_identity:
            return WITHHELD
        return f"{message.author.display_name} ({request.organization.name})"
    return f"{message.author.display_name} ({request.institute.name})"


def organization_label(viewer: Principal, request: InformationRequest) -> str:
    """The filing organisation's name, or "the reporter" where it is withheld."""
    if viewer.organization_id != request.organization_id and request.report.withhold_identity:
        return WITHHELD
    return request.organization.name


def requests_of(
    session: Session,
    principal: Principal,
    *,
    state: RequestState | None = None,
    report: Report | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[InformationRequest], int]:
    """The requests ``principal``'s side holds (newest activity first), and their total:
    for a company, those to it; for an institute's analysts, those it asked. Raises
    Forbidden for anyone else."""
    if has_permission(principal, Permission.REPORT_READ_OWN):
        column = InformationRequest.organization_id
    elif has_permission(principal, Permission.REPORT_READ_SHARED):
        column = InformationRequest.institute_id
    else:
        raise Forbidden("Requests for information are for companies and institutes.")
    query = sa.select(InformationRequest).where(column == principal.organization_id)
    if state is not None:
        query = query.where(InformationRequest.state == state)
    if report is not None:
        query = query.where(InformationRequest.report_id == report.id)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(InformationRequest.updated_at.desc(), InformationRequest.id.desc())
        .limit(limit)
        .offset(offset)
    )
    found = [r for r in rows if side_of(principal, r) is not None]
    return found, int(total)
