"""The audit log, for the platform admin."""

from __future__ import annotations

from flask import Blueprint, render_template

from incidents.audit.anchors import latest_anchor
from incidents.audit.services import chain_head, recent_events, unsealed_count
from incidents.extensions import db_session
from incidents.pages import page_number
from incidents.paging import last_page
from incidents.security.decorators import require
from incidents.security.permissions import Permission

audit = Blueprint("audit", __name__, url_prefix="/admin")

PAGE_SIZE = 100


@audit.route("/audit")
@require(Permission.AUDIT_READ)
def event_list() -> str:
    page = page_number(PAGE_SIZE)
    session = db_session()
    events = recent_events(session, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "audit/events.html",
        head=chain_head(session),
        anchor=latest_anchor(session),
        unsealed=unsealed_count(session),
        events=events[:PAGE_SIZE],
        page=page,
        has_next=len(events) > PAGE_SIZE and page < last_page(PAGE_SIZE),
    )
