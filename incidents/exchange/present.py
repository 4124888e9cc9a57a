"""A request and its thread as one reader may see them (pages and API alike)."""

from __future__ import annotations

from typing import Any

from incidents.db import utcnow
from incidents.exchange.models import InformationRequest
from incidents.exchange.services import author_label, organization_label
from incidents.security.policy import Principal


def request_view(viewer: Principal, request: InformationRequest) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "report": request.report.reference,
        "organization": organization_label(viewer, request),
        "institute": request.institute.name,
        "subject": request.subject,
        "state": request.state.value,
        "overdue": request.is_overdue(utcnow().date()),
        "answer_by": request.answer_by,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
    }


def thread_view(viewer: Principal, request: InformationRequest) -> dict[str, Any]:
    return {
        **request_view(viewer, request),
        "messages": [
            {
                "kind": message.kind.value,
                "author": author_label(viewer, request, message),
                "body": message.body,
                "linked_report": message.linked_report.reference if message.linked_report else None,
                "linked_revision": message.linked_revision,
                "created_at": message.created_at,
            }
            for message in request.messages
        ],
    }
