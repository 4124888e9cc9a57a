"""What a search answers: hits with highlighted snippets, facet counts, a suggestion."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidents.search.query import Query, normalize

#: Words of context shown around the first match.
SNIPPET_WORDS = 30
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")

Snippet = list[tuple[str, bool]]


def snippet(text: str, query: Query, *, words: int = SNIPPET_WORDS) -> Snippet:
    """A short excerpt of ``text`` around the first word the query looks for, as
    (text, is_match) pairs: templates escape each part and mark the matches themselves."""
    wanted, stems = query.highlights()
    found = list(_WORD.finditer(text))
    if not found:
        return [(text[:200], False)] if text else []

    def matches(word: str) -> bool:
        folded = normalize(word)
        return folded in wanted or any(folded.startswith(stem) for stem in stems)

    first = next((i for i, each in enumerate(found) if matches(each.group())), 0)
    start_word = max(0, first - words // 3)
    end_word = min(len(found), start_word + words)
    start = found[start_word].start() if start_word else 0
    end = found[end_word - 1].end() if end_word < len(found) else len(text)
    parts: Snippet = []
    if start:
        parts.append(("… ", False))
    cursor = start
    for each in found[start_word:end_word]:
        if matches(each.group()):
            if each.start() > cursor:
                parts.append((text[cursor : each.start()], False))
            parts.append((each.group(), True))
            cursor = each.end()
    if end > cursor:
        parts.append((text[cursor:end], False))
    if end < len(text):
        parts.append((" …", False))
    return _merge(parts)


def _merge(parts: Snippet) -> Snippet:
    merged: Snippet = []
    for text, is_match in parts:
        if merged and not merged[-1][1] and not is_match:
            merged[-1] = (_SPACE.sub(" ", merged[-1][0] + text), False)
        else:
            merged.append((text if is_match else _SPACE.sub(" ", text), is_match))
    return [(text, is_match) for text, is_match in merged if text]


@dataclass(frozen=True)
class Hit:
    reference: str  # RPT-… / INC-… / the public reference
    kind: str  # "report" | "incident" | "public"
    title: str
    snippet: Snippet
    incident: str | None = None
    submitted_at: datetime | None = None
    distribution: str | None = None
    reports: int = 1  # grouped by incident: matching documents of the incident
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "kind": self.kind,
            "title": self.title,
            "snippet": [{"text": text, "match": is_match} for text, is_match in self.snippet],
            "incident": self.incident,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "distribution": self.distribution,
            "reports": self.reports,
        }


@dataclass(frozen=True)
class Subject:
    """Something the index holds documents for: a report, or an incident's texts."""

    kind: str  # "report" | "incident"
    id: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    #: Subjects whose index entries no longer match the database (dropped; re-queue them).
    stale: list[Subject] = field(default_factory=list)
    timed_out: bool = False
    #: False when the engine stopped counting: ``total`` and the facet counts are then lower
    #: bounds ("at least"), and pages go on past ``total``.
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "total_exact": self.total_exact,
            "page": self.page,
            "per_page": self.per_page,
            "hits": [hit.as_dict() for hit in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "timed_out": self.timed_out,
        }
