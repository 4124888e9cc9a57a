"""The audit log, for the platform admin."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from incidents.audit.anchors import latest_anchor
from incidents.audit.services import chain_head, recent_events, unsealed_count
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
    before = request.args.get("before", type=int)
    after = None if before is not None else request.args.get("after", type=int)
    session = db_session()
    events = recent_events(session, limit=PAGE_SIZE + 1, before=before, after=after)
    more = len(events) > PAGE_SIZE
    # Just newer than ``after``: the PAGE_SIZE closest to it, at the end of the list.
    events = events[-PAGE_SIZE:] if after is not None else events[:PAGE_SIZE]
    return render_template(
        "audit/events.html",
        head=chain_head(session),
        anchor=latest_anchor(session),
        unsealed=unsealed_count(session),
        events=events,
        newer=events[0].id
        if events and (before is not None or (after is not None and more))
        else None,
        older=events[-1].id if events and (after is not None or more) else None,
    )
