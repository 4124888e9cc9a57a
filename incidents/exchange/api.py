"""Requests for information and notifications through the JSON API.

A thread is answered only to its two sides; anyone else gets 404, as for a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from incidents.api.routing import Answer, Call, PathParameter, json_route, page_links
from incidents.exchange import notify as notifications
from incidents.exchange import services
from incidents.exchange.models import RequestState
from incidents.exchange.present import request_view, thread_view
from incidents.exchange.schemas import (
    AskSchema,
    CloseSchema,
    NotificationPageSchema,
    ReplySchema,
    RequestListQuerySchema,
    RequestPageSchema,
    ThreadSchema,
)
from incidents.refusals import NotFound
from incidents.reports.access import NO_REPORT, REPORT_KEY_PATTERN, submitted_report
from incidents.schemas import PageQuerySchema
from incidents.security.permissions import Permission

exchange_api = Blueprint("exchange_api", __name__, url_prefix="/api/v1")

REPORT = {
    "reference": PathParameter(
        "The report's reference (RPT-YYYY-NNNNN).", REPORT_KEY_PATTERN.replace("?P<id>", "")
    )
}
REQUEST = {
    "request_ref": PathParameter(
        "The request's reference (RFI-YYYY-NNNNN).", services.REQUEST_PATTERN
    )
}


@json_route(
    exchange_api,
    "/requests",
    permission=Permission.ACCOUNT_READ,
    tag="requests",
    query=RequestListQuerySchema,
    response=RequestPageSchema,
    errors=("Forbidden",),
)
def request_list(call: Call) -> dict[str, Any]:
    """Requests for information of the caller's side
    A company sees the requests on its reports; an institute's analysts the requests their
    institute asked. Newest activity first.
    """
    query = call.query
    state = RequestState(query["state"]) if query.get("state") else None
    rows, total = services.requests_of(
        call.session,
        call.user,
        state=state,
        limit=query["per_page"],
        offset=(query["page"] - 1) * query["per_page"],
    )
    return {
        **page_links("exchange_api.request_list", query, total),
        "items": [request_view(call.user, row) for row in rows],
    }


@json_route(
    exchange_api,
    "/reports/<report_key:reference>/requests",
    method="POST",
    permission=Permission.REPORT_READ_SHARED,
    tag="requests",
    parameters=REPORT,
    body=AskSchema,
    response=ThreadSchema,
    status=201,
    location=True,
    errors=("NotFound",),
)
def ask(call: Call, reference: str) -> Answer:
    """Ask the filing organisation about a report
    Opens a request for information readable by the filing organisation and the analysts of
    the caller's institute only.
    """
    report = submitted_report(call.session, call.user, reference)
    if not services.may_ask(call.user, report):
        raise NotFound(NO_REPORT)  # its own organisation's, or a draft: nothing to ask
    data = call.read()
    request = services.ask(
        call.session,
        call.caller,
        report,
        subject=data["subject"],
        question=data["question"],
        answer_by=data["answer_by"],
    )
    location = url_for("exchange_api.thread", request_ref=request.reference)
    return Answer(thread_view(call.user, request), headers={"Location": location})


@json_route(
    exchange_api,
    "/requests/<request_ref>",
    permission=Permission.ACCOUNT_READ,
    tag="requests",
    parameters=REQUEST,
    response=ThreadSchema,
    errors=("NotFound",),
)
def thread(call: Call, request_ref: str) -> dict[str, Any]:
    """A request and its whole thread"""
    return thread_view(call.user, services.request_for(call.session, call.user, request_ref))


@json_route(
    exchange_api,
    "/requests/<request_ref>/messages",
    method="POST",
    permission=Permission.ACCOUNT_READ,
    tag="requests",
    parameters=REQUEST,
    body=ReplySchema,
    response=ThreadSchema,
    status=201,
    errors=("NotFound", "Conflict"),
)
def reply(call: Call, request_ref: str) -> dict[str, Any]:
    """Write in a thread
    From the filing organisation, an answer (it may link a follow-up or the amended report
    by reference); from the institute, a further question.
    """
    request = services.request_for(call.session, call.user, request_ref)
    data = call.read()
    services.reply(
        call.session, call.caller, request, services.Reply(data["body"], data["linked_report"])
    )
    return thread_view(call.user, request)


@json_route(
    exchange_api,
    "/requests/<request_ref>/close",
    method="POST",
    permission=Permission.ACCOUNT_READ,
    tag="requests",
    parameters=REQUEST,
    body=CloseSchema,
    response=ThreadSchema,
    errors=("NotFound", "Conflict"),
)
def close(call: Call, request_ref: str) -> dict[str, Any]:
    """Close a request (either side), with a note"""
    request = services.request_for(call.session, call.user, request_ref)
    data = call.read()
    services.close(call.session, call.caller, request, data["note"])
    return thread_view(call.user, request)


@json_route(
    exchange_api,
    "/notifications",
    permission=Permission.ACCOUNT_READ,
    tag="notifications",
    query=PageQuerySchema,
    response=NotificationPageSchema,
)
def notification_list(call: Call) -> dict[str, Any]:
    """The caller's notifications, newest first"""
    query = call.query
    total = notifications.count_of(call.session, call.user.id)
    rows = notifications.recent(
        call.session,
        call.user.id,
        limit=query["per_page"],
        offset=(query["page"] - 1) * query["per_page"],
    )
    return {
        **page_links("exchange_api.notification_list", query, total),
        "unread": notifications.unread_count(call.session, call.user.id),
        "items": [notifications.as_dict(row) for row in rows],
    }
