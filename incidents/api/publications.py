"""Public summaries through the API: analysts draft, editors approve and withdraw
(``/api/v1/incidents/{reference}/summary``); anyone reads the published record
(``/api/v1/public/incidents``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from incidents.api.routing import Call, PathParameter, json_route, page_links, public_route
from incidents.extensions import db_session
from incidents.public import queries, services
from incidents.public.models import Publication
from incidents.public.queries import PublicFilters, PublicRecord
from incidents.public.schemas import (
    PUBLIC_REFERENCE,
    ApprovalSchema,
    PublicIncidentPageSchema,
    PublicIncidentSchema,
    PublicListQuerySchema,
    SummaryDraftAnswerSchema,
    SummaryDraftSchema,
    SummaryWithdrawalSchema,
)
from incidents.refusals import NotFound
from incidents.registry import access
from incidents.registry.access import INCIDENT_PATTERN
from incidents.security.permissions import Permission

publications_api = Blueprint("publications_api", __name__, url_prefix="/api/v1")

INCIDENT = {
    "incident": PathParameter("The incident's reference (INC-YYYY-NNNNN).", INCIDENT_PATTERN)
}
PUBLIC = {
    "public_reference": PathParameter("The public reference (PUB-YYYY-NNNNN).", PUBLIC_REFERENCE)
}


@json_route(
    publications_api,
    "/incidents/<incident_ref:incident>/summary",
    method="PUT",
    permission=Permission.SUMMARY_DRAFT,
    tag="public",
    parameters=INCIDENT,
    body=SummaryDraftSchema,
    response=SummaryDraftAnswerSchema,
    errors=("NotFound",),
)
def draft_summary(call: Call, incident: str) -> Publication:
    """Create or replace the draft of the incident's public summary
    The answer lists the ``redactions`` the approval would still refuse: personal data, and
    organisation or AI system names nobody cleared.
    """
    current = access.open_incident(call.session, call.user, incident).incident
    data = call.read()
    return services.save_draft(
        call.session,
        call.caller,
        current,
        title=data["title"],
        summary=data["summary"],
        classification=data["classification"],
        month=data["month"],
        countries=data["countries"],
        cleared_names=data["cleared_names"],
        change_note=data["change_note"],
        version=data.get("version"),
    )


@json_route(
    publications_api,
    "/incidents/<incident_ref:incident>/summary/approve",
    method="POST",
    permission=Permission.SUMMARY_APPROVE,
    tag="public",
    parameters=INCIDENT,
    body=ApprovalSchema,
    response=SummaryDraftAnswerSchema,
    errors=("NotFound",),
)
def approve_summary(call: Call, incident: str) -> Publication:
    """Approve the draft and publish it (two-person rule)
    403 for its drafter; 409 with the findings while personal data or uncleared names remain,
    or when the version is stale.
    """
    current = access.open_incident(call.session, call.user, incident).incident
    data = call.read()
    return services.approve(call.session, call.caller, current, version=data["version"])


@json_route(
    publications_api,
    "/incidents/<incident_ref:incident>/summary/withdraw",
    method="POST",
    permission=Permission.SUMMARY_APPROVE,
    tag="public",
    parameters=INCIDENT,
    body=SummaryWithdrawalSchema,
    response=SummaryDraftAnswerSchema,
    errors=("NotFound",),
)
def withdraw_summary(call: Call, incident: str) -> Publication:
    """Withdraw the published summary; its public page says so, and why"""
    current = access.open_incident(call.session, call.user, incident).incident
    data = call.read()
    return services.withdraw(call.session, call.caller, current, reason=data["reason"])


@public_route(
    publications_api,
    "/public/incidents",
    tag="public",
    query=PublicListQuerySchema,
    response=PublicIncidentPageSchema,
)
def public_incidents(query: dict[str, Any]) -> dict[str, Any]:
    """The published incidents, newest first
    ``q`` matches words of the title and summary; a facet narrows to one value.
    """
    facets = {
        name: [query[key]]
        for name, key in (
            ("event_class", "event_class"),
            ("harm_type", "harm_type"),
            ("sector", "sector"),
            ("countries", "country"),
        )
        if key in query
    }
    found = queries.matching(
        queries.published_records(db_session()),
        PublicFilters(text=query.get("q", ""), facets=facets),
    )
    page, per_page = query["page"], query["per_page"]
    rows = found[(page - 1) * per_page : page * per_page]
    return {"incidents": rows, **page_links("publications_api.public_incidents", query, len(found))}


@public_route(
    publications_api,
    "/public/incidents/<public_reference>",
    tag="public",
    parameters=PUBLIC,
    response=PublicIncidentSchema,
    errors=("NotFound",),
)
def public_incident(_query: dict[str, Any], public_reference: str) -> PublicRecord:
    """One published incident (a withdrawn one says when and why, nothing else)"""
    record = queries.record_for(db_session(), public_reference)
    if record is None:
        raise NotFound("There is no published incident with this reference.")
    return record
