"""Turn report facts into blocking keys and the stored features scoring needs.

Only this module knows how fingerprints are made. A fingerprint depends on the report alone,
never on the corpus, so it can be computed once and stored; corpus statistics (document
frequencies) are applied at scoring time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Any

from incidents.dedup import minhash
from incidents.dedup.dates import Month, mentioned_dates, mentioned_months
from incidents.dedup.facts import ReportFacts
from incidents.dedup.normalize import (
    content_terms,
    filing_references,
    normalize_name,
    normalize_url,
)

#: Kinds of blocking keys. ``term`` keys double as the document-frequency table.
SERIES, URL, LSH, TERM, NAME, MONTH = "series", "url", "lsh", "term", "name", "month"
#: The filing organisation: its count is the filer's history (how many reports it filed).
FILER = "filer"

Key = tuple[str, str]

#: Dates of one event may differ by a few days; probe the months this many days around it.
MONTH_PROBE_DAYS = 7


@dataclasses.dataclass(frozen=True, slots=True)
class ReportFeatures:
    """The per-report features stored next to the keys and read back for scoring."""

    terms: dict[str, int]
    title_terms: frozenset[str]
    signature: tuple[int, ...]
    system: str
    organisations: frozenset[str]
    developer: str
    deployer: str
    name_terms: tuple[tuple[str, ...], ...]
    occurred_on: dt.date | None
    mentioned_dates: frozenset[dt.date]
    countries: frozenset[str]
    sector: str | None
    harm_types: frozenset[str]
    event_class: str | None
    urls: frozenset[str]
    #: The organisation that filed the report (``None``: not known, or a public source).
    filer: str | None = None
    #: When a public-source item was published (not when its event occurred).
    published_on: dt.date | None = None
    #: A public-source item (news, a public database's entry): imported, not filed.
    public: bool = False
    #: The filing references written in the report, in order: the first is its own
    #: (``FSN-25-021``), later ones cite other filings.
    filing_references: tuple[str, ...] = ()
    #: The months the text names as times ("in late January"), year ``None`` when unwritten.
    mentioned_months: frozenset[Month] = frozenset()


@dataclasses.dataclass(frozen=True, slots=True)
class Fingerprint:
    """Keys to store for a report, and its features."""

    report_id: str
    keys: tuple[Key, ...]
    features: ReportFeatures
    series: Key | None = None

    def probe_keys(self) -> list[Key]:
        """Return the keys to probe when this report is new: stored keys plus nearby months."""
        keys = [k for k in self.keys if k[0] != MONTH]
        day = self.features.occurred_on
        if day is not None:
            months = {
                _month(day + dt.timedelta(days=d)) for d in (-MONTH_PROBE_DAYS, 0, MONTH_PROBE_DAYS)
            }
            keys += [
                (MONTH, f"{c}:{m}") for c in sorted(self.features.countries) for m in sorted(months)
            ]
        return keys


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _names(facts: ReportFacts) -> tuple[str, frozenset[str]]:
    system = facts.ai_system
    orgs = {normalize_name(system.developer), normalize_name(system.deployer)}
    return normalize_name(system.name), frozenset(o for o in orgs if o)


def fingerprint(facts: ReportFacts) -> Fingerprint:
    """Return the fingerprint of a report: its blocking keys and its stored features.

    Deterministic: equal facts give equal fingerprints in every process.
    """
    system, orgs = _names(facts)
    text = facts.title + ". " + facts.description
    body = content_terms(text)
    name_terms = tuple(
        sorted({tuple(content_terms(n)) for n in (system, *orgs) if content_terms(n)})
    )
    terms = Counter(body)
    for words in name_terms:
        terms.update(w for w in words if w not in terms)
    signature = minhash.signature(minhash.shingles(body))
    urls = {u for u in (normalize_url(r) for r in facts.references) if u}
    countries = frozenset(c.strip().upper() for c in facts.countries if c.strip())
    features = ReportFeatures(
        terms=dict(terms),
        title_terms=frozenset(content_terms(facts.title)),
        signature=signature,
        system=system,
        organisations=orgs,
        developer=normalize_name(facts.ai_system.developer),
        deployer=normalize_name(facts.ai_system.deployer),
        name_terms=name_terms,
        occurred_on=facts.occurred_on,
        mentioned_dates=mentioned_dates(text),
        countries=countries,
        sector=facts.sector or None,
        harm_types=frozenset(facts.harm_types),
        event_class=facts.event_class or None,
        urls=frozenset(urls),
        filer=facts.organisation_id or None,
        published_on=facts.published_on,
        public=facts.is_public_source,
        filing_references=filing_references(text),
        mentioned_months=mentioned_months(text),
    )
    keys: list[Key] = [(URL, u) for u in sorted(urls)]
    keys += [(LSH, b) for b in minhash.band_keys(signature)]
    keys += [(NAME, n) for n in sorted({system, *orgs} - {""})]
    if facts.occurred_on is not None:
        keys += [(MONTH, f"{c}:{_month(facts.occurred_on)}") for c in sorted(countries)]
    keys += [(TERM, t) for t in sorted(terms)]
    if facts.organisation_id:
        keys.append((FILER, facts.organisation_id))
    series = None
    if facts.organisation_id and facts.series_key:
        series = (SERIES, f"{facts.organisation_id}/{facts.series_key}")
        keys.insert(0, series)
    return Fingerprint(facts.report_id, tuple(keys), features, series)


def features_to_json(features: ReportFeatures) -> dict[str, object]:
    """Return the features as JSON-compatible values (for a stored features column)."""
    return {
        "terms": features.terms,
        "title_terms": sorted(features.title_terms),
        "signature": list(features.signature),
        "system": features.system,
        "organisations": sorted(features.organisations),
        "developer": features.developer,
        "deployer": features.deployer,
        "name_terms": [list(n) for n in features.name_terms],
        "occurred_on": features.occurred_on.isoformat() if features.occurred_on else None,
        "mentioned_dates": sorted(d.isoformat() for d in features.mentioned_dates),
        "countries": sorted(features.countries),
        "sector": features.sector,
        "harm_types": sorted(features.harm_types),
        "event_class": features.event_class,
        "urls": sorted(features.urls),
        "filer": features.filer,
        "published_on": features.published_on.isoformat() if features.published_on else None,
        "public": features.public,
        "filing_references": list(features.filing_references),
        "mentioned_months": [
            [y, m] for y, m in sorted(features.mentioned_months, key=lambda ym: (ym[0] or 0, ym[1]))
        ],
    }


def features_from_json(data: dict[str, Any]) -> ReportFeatures:
    """Return features read back from :func:`features_to_json` output.

    Raises ``KeyError`` or ``ValueError`` on data of another shape.
    """
    occurred, published = data["occurred_on"], data.get("published_on")
    return ReportFeatures(
        terms={str(k): int(v) for k, v in data["terms"].items()},
        title_terms=frozenset(data["title_terms"]),
        signature=tuple(int(v) for v in data["signature"]),
        system=data["system"],
        organisations=frozenset(data["organisations"]),
        developer=data["developer"],
        deployer=data["deployer"],
        name_terms=tuple(tuple(n) for n in data["name_terms"]),
        occurred_on=dt.date.fromisoformat(occurred) if occurred else None,
        mentioned_dates=frozenset(dt.date.fromisoformat(d) for d in data["mentioned_dates"]),
        countries=frozenset(data["countries"]),
        sector=data["sector"],
        harm_types=frozenset(data["harm_types"]),
        event_class=data["event_class"],
        urls=frozenset(data["urls"]),
        filer=data.get("filer"),
        published_on=dt.date.fromisoformat(published) if published else None,
        public=bool(data.get("public", False)),
        filing_references=tuple(data.get("filing_references", ())),
        mentioned_months=frozenset((y, int(m)) for y, m in data.get("mentioned_months", ())),
    )
