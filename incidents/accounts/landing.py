"""Where a signed-in person's work is: the page they land on, and the API docs for those
who use the API."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import url_for

from incidents.accounts.models import User
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission

# The first permission a principal holds decides: a company's people land on their reports,
# analysts and editors on the triage queue (anyone else reading incidents on them), the operator's
# admins on the organisations.
_LANDINGS = (
    (Permission.REPORT_READ_OWN, "reports.dashboard"),
    (Permission.DEDUP_TRIAGE, "registry.queue"),
    (Permission.INCIDENT_READ, "registry.incident_list"),
    (Permission.ORGANIZATIONS_ADMINISTER, "admin.organization_list"),
)


def landing_for(principal: Principal) -> str:
    """The path ``principal`` lands on after signing in (the home page when no work is
    theirs)."""
    for permission, endpoint in _LANDINGS:
        if has_permission(principal, permission):
            return url_for(endpoint)
    return url_for("public.home")


def uses_api(user: User) -> bool:
    """Whether ``user`` holds a usable API token or manages its organisation's tokens (the
    header then links to the API docs)."""
    if has_permission(user, Permission.TOKENS_MANAGE):
        return True
    now = datetime.now(UTC)
    return any(token.is_usable(now) for token in user.tokens)
