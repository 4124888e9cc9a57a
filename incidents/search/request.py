"""What a search asks for (query, facet filters, dates, sort, page), and which facets and sorts
each audience (tier) may use."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from incidents.paging import MAX_PER_PAGE, offset_problem
from incidents.refusals import Invalid, Problems
from incidents.search.documents import BUILT_IN_FACETS, taxonomy_facets
from incidents.search.query import Query, QueryRefused, parse
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission

MAX_VALUES_PER_FACET = 50


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    SEVERITY = "severity"


class SearchInvalid(Invalid):
    """The search parameters cannot be used; ``problems`` maps each parameter to messages."""


@dataclass(frozen=True)
class Tier:
    """Which facets and sorts an audience may use."""

    name: str  # "analyst" | "reporter" | "public"
    facets: tuple[str, ...]
    sorts: tuple[Sort, ...] = tuple(Sort)


@dataclass(frozen=True)
class SearchRequest:
    query: Query = field(default_factory=lambda: parse(""))
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    per_page: int = 20
    group: bool = False
    facets: tuple[str, ...] = ()  # the facets whose counts are wanted

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def analyst_tier(principal: Principal | None) -> Tier:
    """Facets for a signed-in reader: the taxonomy's, stage, state, distribution, regime, and
    (only for those who read incidents) the organisation that filed."""
    built_in = [each for each in BUILT_IN_FACETS if each != "organization"]
    if has_permission(principal, Permission.INCIDENT_READ):
        built_in.append("organization")
        name = "analyst"
    else:
        name = "reporter"
    return Tier(name=name, facets=(*taxonomy_facets(), *built_in))


def public_tier() -> Tier:
    """Facets of the public tier: what a published summary states."""
    return Tier(
        name="public",
        facets=("event_class", "harm_type", "sector", "countries", "month"),
        sorts=(Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST),
    )


def request_from_args(args: Mapping[str, Sequence[str]], tier: Tier) -> SearchRequest:
    """Read a search from request arguments (``q``, one per facet, ``from``, ``to``, ``sort``,
    ``page``, ``per_page``, ``group``); unknown arguments are ignored.

    Raises SearchInvalid naming every argument that cannot be used.
    """
    problems: Problems = {}

    def one(name: str) -> str:
        values = args.get(name) or []
        return str(values[-1]).strip() if values else ""

    query = parse("")
    try:
        query = parse(one("q"))
    except QueryRefused as refused:
        problems["q"] = [refused.message]
    filters: dict[str, tuple[str, ...]] = {}
    for facet in tier.facets:
        values = tuple(dict.fromkeys(str(v).strip() for v in args.get(facet) or [] if str(v)))
        if len(values) > MAX_VALUES_PER_FACET:
            problems[facet] = [f"Choose at most {MAX_VALUES_PER_FACET} values."]
        elif any(len(v) > 64 for v in values):
            problems[facet] = ["A value is too long."]
        elif values:
            filters[facet] = values
    dates = {name: _date(one(name), name, problems) for name in ("from", "to")}
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        problems["to"] = ["The end date is before the start date."]
    sort = Sort.RELEVANCE
    if one("sort"):
        try:
            sort = Sort(one("sort"))
        except ValueError:
            sort = Sort.RELEVANCE
        if one("sort") not in tier.sorts:
            problems["sort"] = ["Sort by " + ", ".join(tier.sorts) + "."]
    page = _number(one("page"), "page", 1, 1, problems)
    per_page = _number(one("per_page"), "per_page", 20, 1, problems)
    if per_page > MAX_PER_PAGE:
        problems["per_page"] = [f"At most {MAX_PER_PAGE} results per page."]
    elif offset_problem(page, per_page) and "page" not in problems:
        problems["page"] = [str(offset_problem(page, per_page))]
    group = one("group")
    if group not in ("", "incident"):
        problems["group"] = ["Group by incident or not at all (group=incident)."]
    if problems:
        raise SearchInvalid(problems)
    return SearchRequest(
        query=query,
        filters=filters,
        date_from=dates["from"],
        date_to=dates["to"],
        sort=sort,
        page=page,
        per_page=per_page,
        group=group == "incident",
        facets=tier.facets,
    )


def _date(raw: str, name: str, problems: Problems) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems[name] = ["Give a date as YYYY-MM-DD."]
        return None


def _number(raw: str, name: str, default: int, minimum: int, problems: Problems) -> int:
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 7 or int(raw) < minimum:
        problems[name] = [f"Give a whole number from {minimum}."]
        return default
    return int(raw)
