"""The protocol both engines implement, and what they answer.

An engine stores :class:`Document` s and answers :class:`Lookup` s: the matches of a parsed
query among documents granting one of the caller's access keys, narrowed by facet values and
dates, sorted, one page of them, with facet counts over all of them. It never sees the text
a person typed, only the parsed tree and tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from incidents.search.documents import Document
from incidents.search.query import Node
from incidents.search.request import Sort


class SearchTimedOut(Exception):
    """The engine ran out of the search's time budget."""


@dataclass(frozen=True)
class Lookup:
    root: Node | None
    keys: frozenset[str]
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    group: bool = False
    facets: tuple[str, ...] = ()
    deadline: float = float("inf")  # time.monotonic() by which to answer


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    reference: str
    subject_id: int
    incident: str
    score: float = 0.0
    group_size: int = 1
    title: str = ""
    excerpt: str = ""  # with ``group``: matching documents of the incident


@dataclass(frozen=True)
class Matches:
    total: int
    hits: list[Match]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    #: False when the engine stopped counting: ``total`` and the facet counts are then
    #: lower bounds (at least that many).
    total_exact: bool = True


class Backend(Protocol):
    """One engine holding one tier's documents."""

    name: str

    def add(
        self,
        docs: Sequence[Document],
        *,
        remove: Sequence[str] = (),
        clear_incidents: Sequence[str] = (),
    ) -> None:
        """In one write: remove every incident text of the incidents ``clear_incidents``
        (by reference) and the documents ``remove`` (by id), then store ``docs`` (replacing
        documents with the same id)."""

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace everything with ``docs``; return how many were stored."""

    def digests(self) -> dict[str, str]:
        """Every stored document id and its digest (for verify)."""

    def lookup(self, lookup: Lookup) -> Matches:
        """Answer ``lookup``; raise SearchTimedOut past its deadline."""

    def doc_freq(self, word: str) -> int:
        """In how many documents ``word`` occurs (any access)."""

    def vocabulary(self) -> Sequence[tuple[str, int]]:
        """Indexed words and their document frequency, for "did you mean"."""
