"""The search page (analysts over what their institute may read, reporters over their own
organisation's reports) and saved searches.

The page never decides who reads what: the facade filters by the caller's keys and re-checks
every hit against the database. A refused query or bad parameter answers 422 with the page
and the reason beside the box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from incidents import search
from incidents.accounts.authentication import require_user
from incidents.accounts.models import Organization, User
from incidents.extensions import db_session
from incidents.pages import attach, form_errors
from incidents.paging import MAX_OFFSET, page_count
from incidents.refusals import Invalid
from incidents.searching import services
from incidents.searching.engines import engines_of, refused_as_invalid, timeout
from incidents.searching.forms import DeleteSearchForm, SaveSearchForm
from incidents.searching.indexing import requeue
from incidents.searching.models import SavedSearch
from incidents.security.decorators import require
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

searching = Blueprint("searching", __name__)

Page = Response | str | tuple[str, int]
#: Parameters that are not facets.
CONTROLS = frozenset({"q", "sort", "page", "per_page", "group", "from", "to"})
SORTS = (
    ("relevance", "Relevance"),
    ("newest", "Newest first"),
    ("oldest", "Oldest first"),
    ("severity", "Most severe first"),
)


def may_search(user: User) -> bool:
    """Analysts search what their institute may read, reporters their own reports."""
    return has_permission(user, Permission.REPORT_READ_SHARED) or has_permission(
        user, Permission.REPORT_READ_OWN
    )


def searcher() -> User:
    user = require_user()
    if not may_search(user):
        abort(403)
    return user


@dataclass
class Outcome:
    """What one search on the page came to: the result, or why there is none."""

    result: dict[str, Any] | None = None
    problems: dict[str, list[str]] | None = None
    status: int = 200
    stale: Sequence[Any] = ()


def run(
    session: Session, user: User, args: Mapping[str, Sequence[str]], backend: search.Backend
) -> Outcome:
    """Search for ``user`` with the page's parameters."""
    try:
        with refused_as_invalid():
            query = search.request_from_args(args, search.analyst_tier(user))
            result = search.search(session, backend, user, query, timeout=timeout())
    except Invalid as invalid:
        return Outcome(problems=dict(invalid.problems), status=422)
    return Outcome(result=result.as_dict(), stale=tuple(result.stale))


@searching.route("/search")
@require(Permission.ACCOUNT_READ)
def search_page() -> Page:
    user, session = searcher(), db_session()
    args = request.args.to_dict(flat=False)
    asked = bool(args)
    outcome = run(session, user, args, engines_of().analyst) if asked else Outcome()
    saved = services.saved_searches(session, user)
    page = render_template(
        "searching/search.html",
        asked=asked,
        args=args,
        q=(args.get("q") or [""])[0],
        outcome=outcome,
        facets=facet_links(session, args, (outcome.result or {}).get("facets", {})),
        chosen=chosen_filters(session, args),
        sorts=SORTS,
        sort=(args.get("sort") or ["relevance"])[0],
        grouped=(args.get("group") or [""])[0] == "incident",
        links=result_links(user),
        pages=pager(args, outcome.result),
        saved=[(each, new_count(session, each)) for each in saved],
        save_form=SaveSearchForm(formdata=None, query=services.query_string(args)),
        delete_form=DeleteSearchForm(formdata=None),
        is_analyst=has_permission(user, Permission.REPORT_READ_SHARED),
    )
    if outcome.stale:
        requeue(session, outcome.stale)
        session.commit()  # the index is repaired after this response
    return page, outcome.status


def new_count(session: Session, saved: SavedSearch) -> int:
    return services.new_matches(session, engines_of().analyst, saved)


def result_links(user: User) -> dict[str, str]:
    """Where a hit's reference leads: the report page; an incident page for analysts."""
    links = {"report": "reports.show"}
    if has_permission(user, Permission.INCIDENT_READ):
        links["incident"] = "registry.incident"
    return links


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    href: str


HEADINGS = {
    "stage": "Stage",
    "state": "State",
    "distribution": "Distribution",
    "organization": "Organisation",
    "regime": "Regulatory regime",
    "kind": "Kind",
}


def heading(dimension: str) -> str:
    """A facet's name in words: the taxonomy's label, else the page's own."""
    from incidents.public.views import label

    found = label(dimension)
    if found != dimension:
        return found
    return HEADINGS.get(dimension, dimension.replace("_", " ").capitalize())


def facet_links(
    session: Session, args: Mapping[str, Sequence[str]], facets: Mapping[str, Mapping[str, int]]
) -> list[tuple[str, str, list[FacetLink]]]:
    """Each facet with its values: a link adds the value to the search, or removes it."""
    names = organization_names(session, facets.get("organization", {}))
    found = []
    for dimension, counts in facets.items():
        chosen = list(args.get(dimension, []))
        links = []
        for value, count in counts.items():
            selected = value in chosen
            values = [v for v in chosen if v != value] if selected else [*chosen, value]
            links.append(
                FacetLink(
                    value=value,
                    label=value_label(dimension, value, names),
                    count=count,
                    selected=selected,
                    href=search_url(args, dimension, values),
                )
            )
        if links:
            found.append((dimension, heading(dimension), links))
    return found


def chosen_filters(
    session: Session, args: Mapping[str, Sequence[str]]
) -> list[tuple[str, str, str]]:
    """(dimension, value in words, link without it) for each facet value chosen."""
    organizations = [v for v in args.get("organization", []) if v.isdigit()]
    names = organization_names(session, dict.fromkeys(organizations, 0))
    return [
        (
            dimension,
            value_label(dimension, value, names),
            search_url(args, dimension, [v for v in values if v != value]),
        )
        for dimension, values in args.items()
        if dimension not in CONTROLS
        for value in values
    ]


def organization_names(session: Session, values: Mapping[str, int]) -> dict[str, str]:
    ids = [int(value) for value in values if value.isdigit()]
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Organization.id, Organization.name).where(Organization.id.in_(ids))
    )
    return {str(id_): name for id_, name in rows}


def value_label(dimension: str, value: str, organizations: Mapping[str, str]) -> str:
    from incidents.public.views import words

    if dimension == "organization":
        if value == "withheld":
            return "Identity withheld"
        if value == "public_source":
            return "Public source (news, public databases)"
        return organizations.get(value, value)
    return words(dimension, value).replace("_", " ")


def search_url(args: Mapping[str, Sequence[str]], dimension: str, values: Sequence[str]) -> str:
    kept = {k: list(v) for k, v in args.items() if k not in ("page", dimension)}
    if values:
        kept[dimension] = list(values)
    return url_for("searching.search_page") + "?" + urlencode(kept, doseq=True)


def pager(
    args: Mapping[str, Sequence[str]], result: Mapping[str, Any] | None
) -> dict[str, str | int | None]:
    if not result:
        return {}
    page, per_page, total = result["page"], result["per_page"], result["total"]
    # Past an inexact (lower-bound) total the pages go on, as deep as paging reaches.
    last = page_count(total if result.get("total_exact", True) else MAX_OFFSET, per_page)

    def link(number: int) -> str:
        kept = {k: list(v) for k, v in args.items() if k != "page"}
        return url_for("searching.search_page") + "?" + urlencode({**kept, "page": number}, True)

    return {
        "page": page,
        "last": last,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }


# --- saved searches ------------------------------------------------------------------------


@searching.route("/search/saved", methods=["POST"])
@require(Permission.ACCOUNT_READ)
def save_search() -> Page:
    user, session = searcher(), db_session()
    form = SaveSearchForm()
    back = url_for("searching.search_page") + "?" + (form.query.data or "")
    if form.validate():
        try:
            saved = services.save(session, user, form.name.data or "", form.query.data or "")
        except Invalid as invalid:
            attach(form, invalid.problems)
        else:
            session.commit()
            flash(f"Saved the search “{saved.name}”.", "success")
            return redirect(back)
    flash(" ".join(message for _, _, message in form_errors(form)), "error")
    return redirect(back)


@searching.route("/search/saved/<int:saved_id>")
@require(Permission.ACCOUNT_READ)
def open_search(saved_id: int) -> Response:
    user, session = searcher(), db_session()
    saved = services.own_saved_search(session, user, saved_id)
    args = services.open_saved(session, saved)
    session.commit()
    return redirect(url_for("searching.search_page") + "?" + urlencode(args, doseq=True))


@searching.route("/search/saved/<int:saved_id>/delete", methods=["POST"])
@require(Permission.ACCOUNT_READ)
def delete_search(saved_id: int) -> Response:
    user, session = searcher(), db_session()
    saved = services.own_saved_search(session, user, saved_id)
    if DeleteSearchForm().validate():
        name = saved.name
        services.delete(session, saved)
        session.commit()
        flash(f"Deleted the saved search “{name}”.", "success")
    return redirect(url_for("searching.search_page"))
