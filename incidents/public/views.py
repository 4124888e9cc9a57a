"""The public face: home, published incidents with search and facets, one incident with its
corrections and citation, statistics, an Atom feed and open data. No login; nothing here
reads anything but published revisions (:mod:`.queries`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

import taxonomy
from incidents import search
from incidents.classification.display import in_words
from incidents.extensions import db_session
from incidents.pages import page_number
from incidents.paging import page_count
from incidents.public import queries
from incidents.public.charts import Chart, bar_chart
from incidents.public.queries import FACETS, PublicFilters, PublicRecord
from incidents.refusals import Invalid
from incidents.searching.engines import engines_of, refused_as_invalid, timeout
from incidents.security.decorators import public

public_pages = Blueprint("public", __name__)

PER_PAGE = 25
LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: The open data's columns, with what each holds (the data dictionary).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "The public reference, PUB-YYYY-NNNNN. Says nothing about internal volumes."),
    ("title", "The title, written for the public and approved by a second person."),
    ("summary", "What happened, redacted of personal data."),
    ("month", "The month the event happened (YYYY-MM); never the day."),
    ("countries", "ISO 3166-1 alpha-2 codes of the countries concerned, separated by spaces."),
    ("event_class", "OECD event class (taxonomy dimension event_class)."),
    ("harm_type", "Kinds of harm (taxonomy dimension harm_type), separated by spaces."),
    ("sector", "Sector of deployment (taxonomy dimension sector)."),
    ("published_at", "When it was first published (UTC)."),
    ("revision", "Its revision number: a correction adds one."),
    ("url", "Its page on this site."),
)


def words(dimension_id: str, value: Any) -> str:
    """A value of a taxonomy dimension in words."""
    tax = taxonomy.load()
    if not tax.has_dimension(dimension_id):
        return str(value)
    return in_words(tax.dimension(dimension_id), value)


def label(dimension_id: str) -> str:
    """A taxonomy dimension's label."""
    tax = taxonomy.load()
    return tax.dimension(dimension_id).label if tax.has_dimension(dimension_id) else dimension_id


public_pages.add_app_template_global(words, "taxonomy_words")
public_pages.add_app_template_global(label, "taxonomy_label")
public_pages.add_app_template_filter(
    lambda code: words("countries", code), "taxonomy_words_country"
)


def _filters() -> PublicFilters:
    chosen = {
        name: [value for value in request.args.getlist(name) if value][:20]
        for name in FACETS
        if request.args.getlist(name)
    }
    return PublicFilters(text=request.args.get("q", "")[:200].strip(), facets=chosen)


@public_pages.route("/")
@public
def home() -> str:
    records = queries.published_records(db_session())
    countries = {code for record in records for code in record.current.countries}
    return render_template(
        "public/home.html",
        latest=records[:5],
        published=len(records),
        countries=len(countries),
        months=queries.by_month(records),
    )


@public_pages.route("/favicon.ico")
@public
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico before reading the page's icon link: send them to it."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@public_pages.route("/public/incidents")
@public
def incident_list() -> str | tuple[str, int]:
    filters = _filters()
    records = queries.published_records(db_session())
    refused: list[str] = []
    if filters.text:
        # Words are searched in the public index (published, redacted text only).
        try:
            references = public_matches(filters.text)
        except Invalid as invalid:
            references, refused = [], [m for each in invalid.problems.values() for m in each]
        rank = {reference: position for position, reference in enumerate(references)}
        wanted = [record for record in records if record.reference in rank]
        found = queries.matching(wanted, PublicFilters(text="", facets=filters.facets))
        found.sort(key=lambda record: rank[record.reference])
    else:
        found = queries.matching(records, filters)
    page = page_number(PER_PAGE)
    return render_template(
        "public/incidents.html",
        rows=found[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(found),
        page=page,
        pages=page_count(len(found), PER_PAGE),
        filters=filters,
        facets=queries.facet_counts(found),
        args={k: v for k, v in request.args.items(multi=True) if k != "page"},
        refused=refused,
    ), (422 if refused else 200)


#: The public list searches this many best matches of its words.
PUBLIC_SEARCH_LIMIT = 1000


def public_matches(text: str) -> list[str]:
    """The public references the public index finds for ``text``, best first; raises
    Invalid when the query is refused."""
    found: list[str] = []
    page = 1
    while len(found) < PUBLIC_SEARCH_LIMIT:
        args = {"q": [text], "per_page": ["100"], "page": [str(page)]}
        with refused_as_invalid():
            request_ = search.request_from_args(args, search.public_tier())
            result = search.search_public(engines_of().public, request_, timeout=timeout())
        found.extend(hit["reference"] for hit in result.as_dict()["hits"])
        if len(result.hits) < 100 or (result.total_exact and page * 100 >= result.total):
            break
        page += 1
    return found


@public_pages.route("/public/incidents/<public_reference>")
@public
def incident(public_reference: str) -> Response | str | tuple[str, int]:
    record = queries.record_for(db_session(), public_reference)
    if record is None:
        abort(404)
    page = render_template("public/incident.html", record=record, bibtex=bibtex(record))
    return (page, 410) if record.is_withdrawn else page


def bibtex(record: PublicRecord) -> str:
    """A BibTeX entry citing ``record``."""
    url = url_for("public.incident", public_reference=record.reference, _external=True)
    title = record.current.title.replace("{", "").replace("}", "")
    return (
        f"@misc{{{record.reference.replace('-', '')},\n"
        f"  title = {{{{{record.reference}}}: {title}}},\n"
        f"  author = {{{{AI Incident Exchange}}}},\n"
        f"  year = {{{record.first_published_at:%Y}}},\n"
        f"  note = {{Revision {record.current.number}, published "
        f"{record.current.published_at:%Y-%m-%d}}},\n"
        f"  url = {{{url}}}\n}}"
    )


@public_pages.route("/public/statistics")
@public
def statistics() -> str:
    return render_template("public/statistics.html", charts=charts_of(db_session()))


def charts_of(session: Any) -> list[Chart]:
    """The statistics page's charts, over every published record."""
    records = queries.published_records(session)
    counts = queries.facet_counts(records)
    unit = "published incidents"

    def labelled(name: str) -> list[tuple[str, int]]:
        return [(words(name, value), count) for value, count in counts[name].items()]

    return [
        bar_chart("time", "Incidents by month of the event", queries.by_month(records), unit=unit),
        bar_chart("harm", "Incidents by harm type", labelled("harm_type"), unit=unit),
        bar_chart("sector", "Incidents by sector", labelled("sector"), unit=unit),
        bar_chart(
            "severity", "Incidents by event class (severity)", labelled("event_class"), unit=unit
        ),
        bar_chart("country", "Incidents by country", labelled("countries"), unit=unit),
    ]


@public_pages.route("/public/feed.atom")
@public
def feed() -> Response:
    """Every publication and correction, newest first (Atom)."""
    records = queries.published_records(db_session())
    entries = sorted(
        ((record, revision) for record in records for revision in record.revisions),
        key=lambda pair: pair[1].published_at,
        reverse=True,
    )[:100]
    updated = entries[0][1].published_at if entries else None
    body = render_template("public/feed.xml", entries=entries, updated=updated)
    return Response(body, mimetype="application/atom+xml")


@public_pages.route("/public/data")
@public
def data() -> str:
    return render_template(
        "public/data.html", columns=COLUMNS, licence=LICENCE, licence_url=LICENCE_URL
    )


def rows_of(records: list[PublicRecord]) -> list[dict[str, Any]]:
    """The open data: one row per published record, the columns of :data:`COLUMNS`."""
    rows = []
    for record in records:
        current = record.current
        classification: Mapping[str, Any] = current.classification or {}
        rows.append(
            {
                "reference": record.reference,
                "title": _cell(current.title),
                "summary": _cell(current.summary),
                "month": current.month or "",
                "countries": " ".join(current.countries),
                "event_class": classification.get("event_class") or "",
                "harm_type": " ".join(classification.get("harm_type") or []),
                "sector": classification.get("sector") or "",
                "published_at": record.first_published_at.isoformat(),
                "revision": current.number,
                "url": url_for(
                    "public.incident", public_reference=record.reference, _external=True
                ),
            }
        )
    return rows


def _cell(text: str) -> str:
    """Text a spreadsheet will not read as a formula (a leading =, +, - or @ is quoted)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@public_pages.route("/public/data/incidents.json")
@public
def data_json() -> Response:
    rows = rows_of(queries.published_records(db_session()))
    body = {"licence": LICENCE, "licence_url": LICENCE_URL, "incidents": rows}
    return Response(
        json.dumps(body, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=incidents.json"},
    )


@public_pages.route("/public/data/incidents.csv")
@public
def data_csv() -> Response:
    rows = rows_of(queries.published_records(db_session()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _ in COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=incidents.csv"},
    )
