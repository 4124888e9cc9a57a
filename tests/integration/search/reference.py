"""A plain-Python reference matcher: what every engine must answer, computed the slow way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from incidents.search.documents import Document
from incidents.search.query import And, Node, Not, Or, Phrase, Prefix, Term


def matches(doc: Document, node: Node | None) -> bool:
    if node is None:
        return True
    words = doc.words()
    return _match(words, set(words), node)


def _match(words: list[str], present: set[str], node: Node) -> bool:
    if isinstance(node, Term):
        return node.word in present
    if isinstance(node, Prefix):
        return any(word.startswith(node.stem) for word in present)
    if isinstance(node, Phrase):
        size = len(node.words)
        return any(tuple(words[i : i + size]) == node.words for i in range(len(words) - size + 1))
    if isinstance(node, Not):
        return not _match(words, present, node.child)
    if isinstance(node, And):
        return all(_match(words, present, child) for child in node.children)
    assert isinstance(node, Or)
    return any(_match(words, present, child) for child in node.children)


def selected(
    docs: Iterable[Document],
    node: Node | None,
    keys: frozenset[str],
    filters: Mapping[str, Sequence[str]] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[Document]:
    found = []
    for doc in docs:
        if keys.isdisjoint(doc.access) or not matches(doc, node):
            continue
        if any(
            not {f"{facet}={value}" for value in values} & doc.facets
            for facet, values in (filters or {}).items()
        ):
            continue
        if date_from is not None and doc.day < date_from.toordinal():
            continue
        if date_to is not None and not 0 < doc.day <= date_to.toordinal():
            continue
        found.append(doc)
    return found


def facet_counts(docs: Iterable[Document], facets: Sequence[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
    for doc in docs:
        for each in doc.facets:
            facet, _, value = each.partition("=")
            if facet in counts:
                counts[facet][value] = counts[facet].get(value, 0) + 1
    return counts
