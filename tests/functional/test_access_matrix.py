"""Role x endpoint x method: who gets what from every route of the application.

The table below is the specification. A new route, method or caller fails the coverage test
until its row is written here. Objects are filled in from the caller's own organisation
("own"), from another company ("foreign") and as an id that does not exist ("missing").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts import membership
from incidents.accounts.models import (
    Invitation,
    MembershipChange,
    Organization,
    UnlockLink,
    User,
)
from incidents.db import utcnow
from incidents.dedup import Thresholds
from incidents.exchange.models import NotificationKind
from incidents.exchange.notify import unsubscribe_token
from incidents.exchange.services import ask
from incidents.placement.services import drain
from incidents.public import services as publications
from incidents.public.models import Publication
from incidents.registry.models import Incident
from incidents.registry.queries import primary_incident
from incidents.reports.content import ReportContent
from incidents.reports.services import file_report
from incidents.searching import services as search_services
from incidents.security.caller import Caller
from incidents.security.decorators import access_rule_of, verify_access_declared
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser, csrf_token, login
from tests.pages import url_of
from tests.reports_data import INITIAL

CALLERS = ("anonymous", "reporter", "org_admin", "analyst", "editor", "admin", "foreign_org_admin")
L = "login"  # 302 to the login page, remembering where the caller wanted to go
R = "redirect"  # 302 elsewhere on the site
ALL_200 = (200,) * 7
MISSING_ID = 987654321
# A submitted AMBER report: every network institute's analysts may read it.
REPORT: dict[str, Any] = {
    "title": "Matrix report",
    "description": "For the access matrix.",
    "tlp": "amber",
    "classification": INITIAL,
}
# Another company's report of a different event (so it opens an incident of its own).
OTHER_EVENT: dict[str, Any] = {
    "title": "Loan model refused every applicant from one postcode",
    "description": "A credit-scoring model declined all applications from one district.",
    "tlp": "amber",
    "classification": {
        **INITIAL,
        "sector": "finance",
        "countries": ["FR"],
        "occurred_on": "2024-03-02",
        "ai_system": {"name": "CreditLens", "developer": "Lumen Bank"},
    },
}

#       endpoint, methods, variant: expected for
#       (anonymous, reporter, org_admin, analyst, editor, admin, foreign_org_admin)
Row = tuple[str, str, str | None, tuple[int | str, ...]]
TABLE: list[Row] = [
    ("static", "GET HEAD OPTIONS", None, ALL_200),
    ("public.home", "GET HEAD OPTIONS", None, ALL_200),
    ("public.favicon", "GET HEAD", None, (301,) * 7),  # to the icon under /static
    ("public.favicon", "OPTIONS", None, ALL_200),
    ("accounts.login", "GET HEAD", None, (200, R, R, R, R, R, R)),
    ("accounts.login", "POST OPTIONS", None, ALL_200),  # POST: an empty form is shown again
    ("accounts.logout", "POST", None, (L, R, R, R, R, R, R)),
    ("accounts.logout", "OPTIONS", None, ALL_200),
    ("accounts.account", "GET HEAD", None, (L, 200, 200, 200, 200, 200, 200)),
    ("accounts.account", "OPTIONS", None, ALL_200),
    ("accounts.change_password", "GET HEAD POST", None, (L, 200, 200, 200, 200, 200, 200)),
    ("accounts.change_password", "OPTIONS", None, ALL_200),
    # One-time links e-mailed to a person: unknown, used or expired ones answer 404 to anyone.
    # Whoever holds the link sees its password form (an empty POST shows it again).
    *[
        row
        for endpoint in ("accounts.unlock", "accounts.invitation")
        for row in (
            (endpoint, "GET HEAD POST", "own", ALL_200),
            (endpoint, "GET HEAD POST", "foreign", ALL_200),
            (endpoint, "GET HEAD POST", "missing", (404,) * 7),
            (endpoint, "OPTIONS", "own", ALL_200),
        )
    ],
    ("members.member_list", "GET HEAD POST", None, (L, 403, 200, 403, 403, 403, 200)),
    ("members.member_list", "OPTIONS", None, ALL_200),
    ("members.member_edit", "GET HEAD", "own", (L, 403, 200, 403, 403, 403, 404)),
    ("members.member_edit", "GET HEAD", "foreign", (L, 403, 404, 403, 403, 403, 200)),
    # POST: an unticked "Active" box is absent from the form, so these deactivate the member.
    ("members.member_edit", "POST", "own", (L, 403, R, 403, 403, 403, 404)),
    ("members.member_edit", "POST", "foreign", (L, 403, 404, 403, 403, 403, R)),
    ("members.member_edit", "GET HEAD POST", "missing", (L, 403, 404, 403, 403, 403, 404)),
    ("members.member_edit", "OPTIONS", "own", ALL_200),
    ("members.token_list", "GET HEAD POST", None, (L, 403, 200, 403, 403, 403, 200)),
    ("members.token_list", "OPTIONS", None, ALL_200),
    ("members.token_revoke", "POST", "own", (L, 403, R, 403, 403, 403, 404)),
    ("members.token_revoke", "POST", "foreign", (L, 403, 404, 403, 403, 403, R)),
    ("members.token_revoke", "POST", "missing", (L, 403, 404, 403, 403, 403, 404)),
    ("members.token_revoke", "OPTIONS", "own", ALL_200),
    ("admin.organization_list", "GET HEAD POST", None, (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_list", "OPTIONS", None, ALL_200),
    ("admin.organization_edit", "GET HEAD", "own", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_edit", "GET HEAD", "foreign", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_edit", "POST", "own", (L, 403, 403, 403, 403, R, 403)),
    ("admin.organization_edit", "POST", "foreign", (L, 403, 403, 403, 403, R, 403)),
    ("admin.organization_edit", "GET HEAD POST", "missing", (L, 403, 403, 403, 403, 404, 403)),
    ("admin.organization_edit", "OPTIONS", "own", ALL_200),
    # Own and foreign organisations have users: the admin may not invite into them (200, a
    # message); a company cannot become a network member (200, a message).
    ("admin.organization_invite", "POST", "own", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_invite", "POST", "foreign", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_invite", "POST", "missing", (L, 403, 403, 403, 403, 404, 403)),
    ("admin.organization_invite", "OPTIONS", "own", ALL_200),
    ("admin.organization_membership", "POST", "own", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_membership", "POST", "foreign", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.organization_membership", "POST", "missing", (L, 403, 403, 403, 403, 404, 403)),
    ("admin.organization_membership", "OPTIONS", "own", ALL_200),
    # "own": proposed by the admin itself (refused, with a message); "foreign": by another
    # admin (an empty form rejects it). Either way back to the organisation's page.
    ("admin.membership_decide", "POST", "own", (L, 403, 403, 403, 403, R, 403)),
    ("admin.membership_decide", "POST", "foreign", (L, 403, 403, 403, 403, R, 403)),
    ("admin.membership_decide", "POST", "missing", (L, 403, 403, 403, 403, 404, 403)),
    ("admin.membership_decide", "OPTIONS", "own", ALL_200),
    ("admin.user_list", "GET HEAD", None, (L, 403, 403, 403, 403, 200, 403)),
    ("admin.user_list", "OPTIONS", None, ALL_200),
    ("admin.user_edit", "GET HEAD", "own", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.user_edit", "GET HEAD", "foreign", (L, 403, 403, 403, 403, 200, 403)),
    ("admin.user_edit", "POST", "own", (L, 403, 403, 403, 403, R, 403)),
    ("admin.user_edit", "POST", "foreign", (L, 403, 403, 403, 403, R, 403)),
    ("admin.user_edit", "GET HEAD POST", "missing", (L, 403, 403, 403, 403, 404, 403)),
    ("admin.user_edit", "OPTIONS", "own", ALL_200),
    ("audit.event_list", "GET HEAD", None, (L, 403, 403, 403, 403, 200, 403)),
    ("audit.event_list", "OPTIONS", None, ALL_200),
    # The API: callers present their own token; anonymous presents none.
    ("api.me", "GET HEAD", None, (401, 200, 200, 200, 200, 200, 200)),
    ("api.me", "OPTIONS", None, ALL_200),
    # The taxonomy is public: pages and machine-readable exports.
    ("taxonomy_pages.index", "GET HEAD OPTIONS", None, ALL_200),
    ("taxonomy_pages.dimension", "GET HEAD OPTIONS", None, ALL_200),
    ("taxonomy_api.export_json", "GET HEAD OPTIONS", None, ALL_200),
    ("taxonomy_api.export_schema", "GET HEAD OPTIONS", None, ALL_200),
    # Reports (web): the filing organisation files; other organisations get 404 as if missing;
    # network analysts read AMBER reports; the platform admin never reads report contents.
    ("reports.dashboard", "GET HEAD", None, (L, 200, 200, 403, 403, 403, 200)),
    ("reports.dashboard", "OPTIONS", None, ALL_200),
    ("reports.new", "GET HEAD", None, (L, 200, 200, 403, 403, 403, 200)),
    ("reports.new", "POST", None, (L, R, R, 403, 403, 403, R)),  # an empty draft is saved
    ("reports.new", "OPTIONS", None, ALL_200),
    ("reports.show", "GET HEAD", "own", (L, 200, 200, 200, 200, 403, 404)),
    ("reports.show", "GET HEAD", "foreign", (L, 404, 404, 200, 200, 403, 200)),
    ("reports.show", "GET HEAD", "missing", (L, 404, 404, 404, 404, 403, 404)),
    ("reports.show", "OPTIONS", "own", ALL_200),
    # Whoever may read a report may compare its revisions.
    ("reports.changes", "GET HEAD", "own", (L, 200, 200, 200, 200, 403, 404)),
    ("reports.changes", "GET HEAD", "foreign", (L, 404, 404, 200, 200, 403, 200)),
    ("reports.changes", "GET HEAD", "missing", (L, 404, 404, 404, 404, 403, 404)),
    ("reports.changes", "OPTIONS", "own", ALL_200),
    ("reports.receipt", "GET HEAD", "own", (L, 200, 200, 403, 403, 403, 404)),
    ("reports.receipt", "GET HEAD", "foreign", (L, 404, 404, 403, 403, 403, 200)),
    ("reports.receipt", "GET HEAD", "missing", (L, 404, 404, 403, 403, 403, 404)),
    ("reports.receipt", "OPTIONS", "own", ALL_200),
]
# A submitted report cannot be edited or reviewed as a draft: its owners are sent back to it.
for endpoint in ("reports.edit", "reports.review", "reports.delete"):
    rows_for: list[Row] = [
        (endpoint, "GET HEAD POST", "own", (L, R, R, 403, 403, 403, 404)),
        (endpoint, "GET HEAD POST", "foreign", (L, 404, 404, 403, 403, 403, R)),
        (endpoint, "GET HEAD POST", "missing", (L, 404, 404, 403, 403, 403, 404)),
        (endpoint, "OPTIONS", "own", ALL_200),
    ]
    TABLE.extend(rows_for)
# Amend, follow up, withdraw: the form (or its errors, for an empty POST) for the owners.
for endpoint in ("reports.amend", "reports.follow_up", "reports.withdraw"):
    TABLE.extend(
        [
            (endpoint, "GET HEAD POST", "own", (L, 200, 200, 403, 403, 403, 404)),
            (endpoint, "GET HEAD POST", "foreign", (L, 404, 404, 403, 403, 403, 200)),
            (endpoint, "GET HEAD POST", "missing", (L, 404, 404, 403, 403, 403, 404)),
            (endpoint, "OPTIONS", "own", ALL_200),
        ]
    )

# The reports API: token callers of the filing organisation; everyone else 404 for its reports.
# An empty JSON body is refused as invalid (422) once access is granted.
API_FILERS_READ = (401, 200, 200, 403, 403, 403, 200)
API_FILERS_POST = (401, 422, 422, 403, 403, 403, 422)
TABLE.extend(
    [
        ("api_docs.openapi_json", "GET HEAD OPTIONS", None, ALL_200),
        ("api_docs.docs", "GET HEAD OPTIONS", None, ALL_200),
        ("api_docs.docs_asset", "GET HEAD", None, (404,) * 7),  # only Swagger UI's own files
        ("api_docs.docs_asset", "OPTIONS", None, ALL_200),
        ("reports_api.index", "GET HEAD", None, API_FILERS_READ),
        ("reports_api.create", "POST", None, API_FILERS_POST),
        ("reports_api.index", "OPTIONS", None, ALL_200),
        ("reports_api.create", "OPTIONS", None, ALL_200),
        ("reports_api.create_batch", "POST", None, API_FILERS_POST),
        ("reports_api.create_batch", "OPTIONS", None, ALL_200),
        ("reports_api.show", "GET HEAD", "own", (401, 200, 200, 403, 403, 403, 404)),
        ("reports_api.show", "GET HEAD", "foreign", (401, 404, 404, 403, 403, 403, 200)),
        ("reports_api.show", "GET HEAD", "missing", (401, 404, 404, 403, 403, 403, 404)),
        ("reports_api.show", "OPTIONS", "own", ALL_200),
    ]
)
for endpoint in ("reports_api.amend", "reports_api.follow_up", "reports_api.withdraw"):
    TABLE.extend(
        [
            (endpoint, "POST", "own", (401, 422, 422, 403, 403, 403, 404)),
            (endpoint, "POST", "foreign", (401, 404, 404, 403, 403, 403, 422)),
            (endpoint, "POST", "missing", (401, 404, 404, 403, 403, 403, 404)),
            (endpoint, "OPTIONS", "own", ALL_200),
        ]
    )


# --- the registry's pages (web): rows below -------------------------------------------------
# Analysts and editors of network institutes only; hidden and missing incidents answer 404.
# An empty POST re-renders the page with its errors (200); undoing the merge of an incident
# that is not merged is refused with a flash (redirect).
ANALYSTS = (L, 403, 403, 200, 200, 403, 403)
ANALYSTS_MISSING = (L, 403, 403, 404, 404, 403, 403)
ANALYSTS_REDIRECTED = (L, 403, 403, R, R, 403, 403)
TABLE.extend(
    [
        ("registry.queue", "GET HEAD", None, ANALYSTS),
        ("registry.queue", "OPTIONS", None, ALL_200),
        ("registry.incident_list", "GET HEAD", None, ANALYSTS),
        ("registry.incident_list", "OPTIONS", None, ALL_200),
        ("registry.incident_search", "GET HEAD", None, ANALYSTS),
        ("registry.incident_search", "OPTIONS", None, ALL_200),
        ("registry.unmerge", "POST", "own", ANALYSTS_REDIRECTED),
        ("registry.unmerge", "POST", "foreign", ANALYSTS_REDIRECTED),
        ("registry.unmerge", "POST", "missing", ANALYSTS_MISSING),
        ("registry.unmerge", "OPTIONS", "own", ALL_200),
    ]
)
for endpoint, methods in (
    ("registry.triage", "GET HEAD POST"),
    ("registry.incident", "GET HEAD"),
    ("registry.edit", "GET HEAD POST"),
    ("registry.merge", "POST"),
    ("registry.split", "POST"),
    ("registry.unlink", "POST"),
):
    TABLE.extend(
        [
            (endpoint, methods, "own", ANALYSTS),
            (endpoint, methods, "foreign", ANALYSTS),
            (endpoint, methods, "missing", ANALYSTS_MISSING),
            (endpoint, "OPTIONS", "own", ALL_200),
        ]
    )

# --- the registry's API: rows below ------------------------------------------------------------
TABLE.extend(
    # Token callers who are analysts or editors of a network institute; others 401/403. Hidden
    # and missing objects answer 404; an empty JSON body is refused as invalid (422).
    [
        *[
            (endpoint, "GET HEAD", None, (401, 403, 403, 200, 200, 403, 403))
            for endpoint in (
                "incidents_api.index",
                "incidents_api.queue",
                "incidents_api.reconsider_queue",
            )
        ],
        *[
            (endpoint, "OPTIONS", None, ALL_200)
            for endpoint in (
                "incidents_api.index",
                "incidents_api.queue",
                "incidents_api.reconsider_queue",
            )
        ],
        *[
            (endpoint, methods, variant, (401, 403, 403, code, code, 403, 403))
            for endpoint, methods, found in (
                ("incidents_api.show", "GET HEAD", 200),
                ("incidents_api.candidates", "GET HEAD", 200),
                ("incidents_api.triage", "POST", 422),
                ("incidents_api.report_reconsiderations", "GET HEAD", 200),
                ("incidents_api.reconsider", "POST", 422),
                ("incidents_api.curate", "POST", 422),
                ("incidents_api.merge", "POST", 422),
                ("incidents_api.unmerge", "POST", 422),
                ("incidents_api.split", "POST", 422),
                ("incidents_api.unlink", "POST", 422),
            )
            for variant, code in (("own", found), ("foreign", found), ("missing", 404))
        ],
        *[
            (endpoint, "OPTIONS", "own", ALL_200)
            for endpoint in (
                "incidents_api.show",
                "incidents_api.candidates",
                "incidents_api.triage",
                "incidents_api.report_reconsiderations",
                "incidents_api.reconsider",
                "incidents_api.curate",
                "incidents_api.merge",
                "incidents_api.unmerge",
                "incidents_api.split",
                "incidents_api.unlink",
            )
        ],
    ]
)


# --- the public face: anyone reads what is published; analysts draft, editors approve -------
EDITORS_REDIRECTED = (L, 403, 403, 403, R, 403, 403)
EDITORS_MISSING = (L, 403, 403, 403, 404, 403, 403)
TABLE.extend(
    [
        *[
            (endpoint, "GET HEAD OPTIONS", None, ALL_200)
            for endpoint in (
                "public.incident_list",
                "public.statistics",
                "public.feed",
                "public.data",
                "public.data_json",
                "public.data_csv",
                "publications_api.public_incidents",
            )
        ],
        # A published record, a withdrawn one (its tombstone), one that does not exist.
        ("public.incident", "GET HEAD", "own", ALL_200),
        ("public.incident", "GET HEAD", "foreign", (410,) * 7),
        ("public.incident", "GET HEAD", "missing", (404,) * 7),
        ("public.incident", "OPTIONS", "own", ALL_200),
        ("publications_api.public_incident", "GET HEAD", "own", ALL_200),
        ("publications_api.public_incident", "GET HEAD", "foreign", ALL_200),
        ("publications_api.public_incident", "GET HEAD", "missing", (404,) * 7),
        ("publications_api.public_incident", "OPTIONS", "own", ALL_200),
        # Drafting: an empty form comes back with its errors.
        ("publication.summary", "GET HEAD POST", "own", ANALYSTS),
        ("publication.summary", "GET HEAD POST", "foreign", ANALYSTS),
        ("publication.summary", "GET HEAD POST", "missing", ANALYSTS_MISSING),
        ("publication.summary", "OPTIONS", "own", ALL_200),
        # Approving and withdrawing: editors only; nothing to approve, no reason given: a
        # flash on the summary page.
        *[
            row
            for endpoint in ("publication.approve", "publication.withdraw")
            for row in (
                (endpoint, "POST", "own", EDITORS_REDIRECTED),
                (endpoint, "POST", "foreign", EDITORS_REDIRECTED),
                (endpoint, "POST", "missing", EDITORS_MISSING),
                (endpoint, "OPTIONS", "own", ALL_200),
            )
        ],
        *[
            row
            for endpoint, method, who in (
                ("publications_api.draft_summary", "PUT", (422, 422)),
                ("publications_api.approve_summary", "POST", (403, 422)),
                ("publications_api.withdraw_summary", "POST", (403, 422)),
            )
            for row in (
                (endpoint, method, "own", (401, 403, 403, *who, 403, 403)),
                (endpoint, method, "foreign", (401, 403, 403, *who, 403, 403)),
                (
                    endpoint,
                    method,
                    "missing",
                    (401, 403, 403, 404 if who[0] != 403 else 403, 404, 403, 403),
                ),
                (endpoint, "OPTIONS", "own", ALL_200),
            )
        ],
    ]
)

# --- search: analysts over what they may read, reporters (and company org admins) over their
# own organisation's reports; the operator's admin reads no report. A saved search is its
# owner's alone ("own": the reporter's, "foreign": the foreign org admin's); a POST without a
# name is refused with a flash (redirect).
SEARCHERS = (L, 200, 200, 200, 200, 403, 200)
TABLE.extend(
    [
        ("searching.search_page", "GET HEAD", None, SEARCHERS),
        ("searching.search_page", "OPTIONS", None, ALL_200),
        ("searching.save_search", "POST", None, (L, R, R, R, R, 403, R)),
        ("searching.save_search", "OPTIONS", None, ALL_200),
        *[
            row
            for endpoint in ("searching.open_search", "searching.delete_search")
            for row in (
                (
                    endpoint,
                    "GET HEAD" if endpoint == "searching.open_search" else "POST",
                    "own",
                    (L, R, 404, 404, 404, 403, 404),
                ),
                (
                    endpoint,
                    "GET HEAD" if endpoint == "searching.open_search" else "POST",
                    "foreign",
                    (L, 404, 404, 404, 404, 403, R),
                ),
                (
                    endpoint,
                    "GET HEAD" if endpoint == "searching.open_search" else "POST",
                    "missing",
                    (L, 404, 404, 404, 404, 403, 404),
                ),
                (endpoint, "OPTIONS", "own", ALL_200),
            )
        ],
        ("search_api.search_reports", "GET HEAD", None, (401, 200, 200, 200, 200, 403, 200)),
        ("search_api.search_reports", "OPTIONS", None, ALL_200),
        ("search_api.search_published", "GET HEAD OPTIONS", None, ALL_200),
    ]
)

# --- public sources: analysts and editors import news and public databases' entries ----------
# An empty JSON body is refused as invalid (422) once access is granted.
TABLE.extend(
    [
        ("sources_api.import_items", "POST", None, (401, 403, 403, 422, 422, 403, 403)),
        ("sources_api.import_items", "OPTIONS", None, ALL_200),
    ]
)


# --- the exchange: requests for information, notifications, the desk ------------------------
# "own" request: asked by the analysts' institute about the own company's AMBER report;
# "foreign": asked by another institute about the foreign company's report. A thread answers
# 404 to anyone but its two sides (another institute reading the report included).
SIDES = (L, 200, 200, 200, 200, 404, 404)
FOREIGN_SIDE = (L, 404, 404, 404, 404, 404, 200)
ALL_404 = (L, *(404,) * 6)
TABLE.extend(
    [
        ("exchange.request_list", "GET HEAD", None, (L, 200, 200, 200, 200, 403, 200)),
        ("exchange.request_list", "OPTIONS", None, ALL_200),
        ("exchange.report_requests", "GET HEAD", "own", (L, 200, 200, 200, 200, 404, 404)),
        ("exchange.report_requests", "GET HEAD", "foreign", (L, 404, 404, 200, 200, 404, 200)),
        ("exchange.report_requests", "GET HEAD POST", "missing", ALL_404),
        # POST: companies do not ask (403); an analyst's empty form comes back with errors.
        ("exchange.report_requests", "POST", "own", (L, 403, 403, 200, 200, 404, 404)),
        ("exchange.report_requests", "POST", "foreign", (L, 404, 404, 200, 200, 404, 403)),
        ("exchange.report_requests", "OPTIONS", "own", ALL_200),
        ("exchange.thread", "GET HEAD POST", "own", SIDES),
        ("exchange.thread", "GET HEAD POST", "foreign", FOREIGN_SIDE),
        ("exchange.thread", "GET HEAD POST", "missing", ALL_404),
        ("exchange.thread", "OPTIONS", "own", ALL_200),
        # Either side closes (then a flash says it is closed already): back to the thread.
        ("exchange.close", "POST", "own", (L, R, R, R, R, 404, 404)),
        ("exchange.close", "POST", "foreign", (L, 404, 404, 404, 404, 404, R)),
        ("exchange.close", "POST", "missing", ALL_404),
        ("exchange.close", "OPTIONS", "own", ALL_200),
        ("exchange.notifications", "GET HEAD", None, (L, *(200,) * 6)),
        ("exchange.notifications", "POST", None, (L, *(R,) * 6)),  # all marked read
        ("exchange.notifications", "OPTIONS", None, ALL_200),
        ("exchange.preferences", "GET HEAD POST", None, (L, *(200,) * 6)),
        ("exchange.preferences", "OPTIONS", None, ALL_200),
        # The e-mailed unsubscribe link: anyone holding a signed token; a forged one is 404.
        ("exchange.unsubscribe", "GET HEAD POST", "own", ALL_200),
        ("exchange.unsubscribe", "GET HEAD POST", "foreign", ALL_200),
        ("exchange.unsubscribe", "GET HEAD POST", "missing", (404,) * 7),
        ("exchange.unsubscribe", "OPTIONS", "own", ALL_200),
        ("exchange.desk", "GET HEAD", None, ANALYSTS),
        ("exchange.desk", "OPTIONS", None, ALL_200),
        ("exchange.follow", "POST", "own", ANALYSTS_REDIRECTED),
        ("exchange.follow", "POST", "foreign", ANALYSTS_REDIRECTED),
        ("exchange.follow", "POST", "missing", ANALYSTS_MISSING),
        ("exchange.follow", "OPTIONS", "own", ALL_200),
        ("exchange_api.request_list", "GET HEAD", None, (401, 200, 200, 200, 200, 403, 200)),
        ("exchange_api.notification_list", "GET HEAD", None, (401, *(200,) * 6)),
        ("exchange_api.ask", "POST", "own", (401, 403, 403, 422, 422, 403, 403)),
        ("exchange_api.ask", "POST", "foreign", (401, 403, 403, 422, 422, 403, 403)),
        ("exchange_api.ask", "POST", "missing", (401, 403, 403, 404, 404, 403, 403)),
        *[
            (endpoint, methods, variant, (401, *expected[1:]))
            for endpoint, methods, code in (
                ("exchange_api.thread", "GET HEAD", 200),
                ("exchange_api.reply", "POST", 422),
                ("exchange_api.close", "POST", 422),
            )
            for variant, expected in (
                ("own", (L, code, code, code, code, 404, 404)),
                ("foreign", (L, 404, 404, 404, 404, 404, code)),
                ("missing", ALL_404),
            )
        ],
        *[
            (endpoint, "OPTIONS", variant, ALL_200)
            for endpoint, variant in (
                ("exchange_api.request_list", None),
                ("exchange_api.notification_list", None),
                ("exchange_api.ask", "own"),
                ("exchange_api.thread", "own"),
                ("exchange_api.reply", "own"),
                ("exchange_api.close", "own"),
            )
        ],
    ]
)


def _expanded() -> list[tuple[str, str, str | None, tuple[int | str, ...]]]:
    return [
        (endpoint, method, variant, expected)
        for endpoint, methods, variant, expected in TABLE
        for method in methods.split()
    ]


@dataclass
class World:
    """The objects the URLs point at, and one signed-in client per caller."""

    objects: dict[str, dict[str | None, int | str | None]]
    clients: dict[str, FlaskClient]
    users: dict[str, User]
    tokens: dict[str, str]
    links: dict[str, dict[str | None, str]]


@pytest.fixture
def world(app: Flask, db: Session, make_user, company: Organization) -> World:
    foreign = factories.OrganizationFactory(name="Foreign Company")
    users = {
        "reporter": make_user(Role.REPORTER),
        "org_admin": make_user(Role.ORG_ADMIN),
        "analyst": make_user(Role.ANALYST),
        "editor": make_user(Role.EDITOR),
        "admin": make_user(Role.ADMIN),
        "foreign_org_admin": make_user(Role.ORG_ADMIN, organization=foreign),
    }
    own_member = make_user(Role.REPORTER)
    foreign_member = make_user(Role.REPORTER, organization=foreign)
    own_token = factories.ApiTokenFactory(user=own_member)
    foreign_token = factories.ApiTokenFactory(user=foreign_member)
    own_report = file_report(db, Caller(own_member, "web"), ReportContent(**REPORT))
    foreign_report = file_report(db, Caller(foreign_member, "web"), ReportContent(**OTHER_EVENT))
    db.commit()
    drain(db, Thresholds())
    own_incident, foreign_incident = (primary_incident(db, r) for r in (own_report, foreign_report))
    assert own_incident is not None
    assert foreign_incident is not None
    assert own_incident.id != foreign_incident.id
    published, withdrawn = (
        _published(db, own_incident, make_user),
        _published(db, foreign_incident, make_user),
    )
    publications.withdraw(
        db, Caller(make_user(Role.EDITOR), "web"), foreign_incident, reason="For the matrix."
    )
    db.commit()
    secret = app.config["INCIDENTS_SETTINGS"].secret_key
    objects: dict[str, dict[str | None, int | str | None]] = {
        "user_id": {"own": own_member.id, "foreign": foreign_member.id, "missing": MISSING_ID},
        "token_id": {"own": own_token.id, "foreign": foreign_token.id, "missing": MISSING_ID},
        "organization_id": {"own": company.id, "foreign": foreign.id, "missing": MISSING_ID},
        "key": {
            "own": own_report.reference,
            "foreign": foreign_report.reference,
            "missing": "RPT-1999-99999",
        },
        "reference": {
            "own": own_report.reference,
            "foreign": foreign_report.reference,
            "missing": "RPT-1999-99999",
        },
        "incident": {
            "own": own_incident.reference,
            "foreign": foreign_incident.reference,
            "missing": "INC-1999-99999",
        },
        "public_reference": {
            "own": published.public_reference,
            "foreign": withdrawn.public_reference,
            "missing": "PUB-1999-99999",
        },
        "secret": {"own": "", "foreign": "", "missing": "x" * 43},  # filled per endpoint
        "change_id": {
            "own": _proposal(db, users["admin"]).id,
            "foreign": _proposal(db, make_user(Role.ADMIN)).id,
            "missing": MISSING_ID,
        },
        "request_ref": {
            "own": _request(db, own_report, make_user(Role.ANALYST)),
            "foreign": _request(
                db,
                foreign_report,
                make_user(Role.ANALYST, organization=factories.InstituteFactory()),
            ),
            "missing": "RFI-1999-99999",
        },
        "token": {
            "own": unsubscribe_token(secret, own_member.id, NotificationKind.REQUEST_RECEIVED),
            "foreign": unsubscribe_token(secret, foreign_member.id, NotificationKind.DEADLINE_DUE),
            "missing": "forged-token",
        },
        "saved_id": {
            "own": search_services.save(db, users["reporter"], "Mine", "q=model").id,
            "foreign": search_services.save(db, users["foreign_org_admin"], "Theirs", "q=x").id,
            "missing": MISSING_ID,
        },
        "filename": {None: "site.css"},
        "dimension_id": {None: "harm_type"},
    }
    links = _links(db, own_member)
    db.commit()
    clients = {name: app.test_client() for name in CALLERS}
    tokens = {}
    for name, user in users.items():
        login(clients[name], user)
        tokens[name] = factories.ApiTokenFactory.with_secret(user=user)[1]
    return World(objects, clients, users, tokens, links)


def _request(db: Session, report: Any, analyst: User) -> str:
    """A request for information on ``report`` asked by ``analyst``'s institute."""
    asked = ask(db, Caller(analyst, "web"), report, subject="Matrix", question="?", answer_by=None)
    return asked.reference


def _proposal(db: Session, admin: Any) -> MembershipChange:
    """An open proposal by ``admin`` to make a new institute a network member."""
    institute = factories.InstituteFactory(is_network_member=False)
    return membership.propose(db, Caller(admin, "web"), institute, make_member=True)


def _links(db: Session, user: Any) -> dict[str, dict[str | None, str]]:
    """Working one-time secrets for the unlock and invitation pages."""
    secrets: dict[str, dict[str | None, str]] = {}
    for endpoint, prefix in (("accounts.unlock", "u"), ("accounts.invitation", "i")):
        secrets[endpoint] = {"own": prefix + "o" * 42, "foreign": prefix + "f" * 42}
    now = utcnow()
    for variant in ("own", "foreign"):
        db.add(
            UnlockLink(
                user=user,
                digest=sha256(secrets["accounts.unlock"][variant].encode()).hexdigest(),
                expires_at=now + timedelta(minutes=15),
            )
        )
        db.add(
            Invitation(
                email=f"{variant}-invitee@example.org",
                organization=factories.OrganizationFactory(),
                role=Role.ORG_ADMIN,
                digest=sha256(secrets["accounts.invitation"][variant].encode()).hexdigest(),
                expires_at=now + timedelta(days=3),
            )
        )
    db.flush()
    return secrets


def _published(db: Session, incident: Incident, make_user: MakeUser) -> Publication:
    """``incident`` published through the workflow: drafted, approved by another editor."""
    draft = publications.save_draft(
        db,
        Caller(make_user(Role.ANALYST), "web"),
        incident,
        title="A published incident",
        summary="What the public may read.",
        classification={},
        month="2026-01",
        countries=["DE"],
    )
    return publications.approve(
        db, Caller(make_user(Role.EDITOR), "web"), incident, version=draft.lock_version
    )


def _url(app: Flask, endpoint: str, variant: str | None, world: World) -> str:
    [rule] = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    values = {argument: world.objects[argument][variant] for argument in rule.arguments}
    if endpoint in world.links and variant in world.links[endpoint]:
        values["secret"] = world.links[endpoint][variant]
    return url_of(rule, values)


def _outcome(response: TestResponse) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = urlsplit(response.location)
    assert location.netloc in ("", "localhost")
    if location.path == "/login" and "next" in parse_qs(location.query):
        return L
    return R


def test_real_app_declares_access_on_every_endpoint(app: Flask) -> None:
    verify_access_declared(app)
    public = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if access_rule_of(view) == "public"
    }
    assert public == {
        "static",
        "public.home",
        "public.favicon",
        "public.incident_list",
        "public.incident",
        "public.statistics",
        "public.feed",
        "public.data",
        "public.data_json",
        "public.data_csv",
        "publications_api.public_incidents",
        "publications_api.public_incident",
        "search_api.search_published",
        "accounts.login",
        "accounts.unlock",
        "accounts.invitation",
        "exchange.unsubscribe",
        "taxonomy_pages.index",
        "taxonomy_pages.dimension",
        "taxonomy_api.export_json",
        "taxonomy_api.export_schema",
        "api_docs.openapi_json",
        "api_docs.docs",
        "api_docs.docs_asset",
    }


def test_table_covers_every_route_and_method(app: Flask) -> None:
    declared = {(endpoint, method) for endpoint, method, _, _ in _expanded()}
    routed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or set()
    }
    assert declared == routed
    for endpoint, _, variant, expected in TABLE:
        assert len(expected) == len(CALLERS)
        [rule] = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
        has_object = bool(rule.arguments - {"filename", "dimension_id"})
        assert (variant is not None) == has_object, endpoint
    for endpoint in {endpoint for endpoint, *_ in TABLE}:
        variants = {variant for e, _, variant, _ in _expanded() if e == endpoint}
        if variants != {None}:
            assert {"own", "foreign", "missing"} <= variants, endpoint


@pytest.mark.parametrize("caller", CALLERS)
def test_access_matrix(app: Flask, world: World, caller: str) -> None:
    index = CALLERS.index(caller)
    client = world.clients[caller]
    unexpected = []
    for endpoint, method, variant, expected_row in _expanded():
        expected = expected_row[index]
        url = _url(app, endpoint, variant, world)
        headers = {}
        if url.startswith("/api/") and caller != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[caller]}"
        body: dict[str, Any] = {}
        if method in ("POST", "PUT") and url.startswith("/api/"):
            body["json"] = {}  # the API takes JSON only; an empty body is invalid
        elif method == "POST":
            token = csrf_token(client, "/login" if caller == "anonymous" else "/")
            body["data"] = {"csrf_token": token}
        response = client.open(url, method=method, headers=headers, **body)
        response.close()  # static files are streamed
        outcome = _outcome(response)
        if outcome != expected:
            unexpected.append(f"{method} {url} ({variant}): {outcome}, expected {expected}")
        if isinstance(outcome, int) and outcome >= 400 and method != "HEAD":
            wanted = "application/json" if url.startswith("/api/") else "text/html"
            if wanted not in response.content_type:
                unexpected.append(f"{method} {url}: {outcome} as {response.content_type}")
        if (endpoint, method) == ("accounts.logout", "POST") and caller != "anonymous":
            login(client, world.users[caller])
    assert not unexpected, "\n".join(unexpected)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_are_not_allowed(app: Flask, world: World, method: str) -> None:
    client = world.clients["admin"]
    adapter = app.url_map.bind("localhost")
    # A value each path converter accepts (other parameters are ids).
    samples = {
        "ReportKeyConverter": "RPT-2026-00001",
        "IncidentReferenceConverter": "INC-2026-00001",
    }
    for rule in app.url_map.iter_rules():
        values = {
            name: samples.get(type(converter).__name__, 1)
            for name, converter in rule._converters.items()
        }
        url = url_of(rule, values)
        if method in (rule.methods or set()):
            continue  # a route that takes this method (the summary's PUT)
        response = client.open(url, method=method)
        response.close()
        assert response.status_code == 405, url
        # One URL may match several rules; the Allow header names them all.
        allowed = set(adapter.allowed_methods(url))
        assert rule.methods is not None
        assert rule.methods <= allowed
        assert set(response.headers["Allow"].split(", ")) == allowed
