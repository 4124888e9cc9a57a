"""The audit log, for the platform admin."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from incidents.audit.anchors import latest_anchor
from incidents.audit.services import chain_head, event_page, unsealed_count
from incidents.extensions import db_session
from incidents.security.decorators import require
from incidents.security.permissions import Permission

audit = Blueprint("audit", __name__, url_prefix="/admin")

PAGE_SIZE = 100


@audit.route("/audit")
@require(Permission.AUDIT_READ)
def event_list() -> str:
    """The log, newest first, a page at a time: ``before`` (older than that event) or
    ``after`` (newer than it) page by event, so the oldest events are as reachable as the
    newest."""
    session = db_session()
    page = event_page(
        session,
        size=PAGE_SIZE,
        before=request.args.get("before", type=int),
        after=request.args.get("after", type=int),
    )
    return render_template(
        "audit/events.html",
        head=chain_head(session),
        anchor=latest_anchor(session),
        unsealed=unsealed_count(session),
        events=page.events,
        newer=page.newer,
        older=page.older,
    )
