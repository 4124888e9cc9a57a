"""Runs the detectors over one text and settles their overlaps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from incidents.public.redaction import (
    addresses,
    dates,
    guards,
    identifiers,
    names,
    patterns,
    people,
    phones,
)
from incidents.public.redaction.guards import Guard
from incidents.public.redaction.model import Kind, KnownNames, Span
from incidents.public.redaction.text import fold, occurrences

#: Pattern detectors, most specific first: an earlier one wins an overlap.
DETECTORS: tuple[Callable[[str], Iterable[Span]], ...] = (
    patterns.emails,
    patterns.ibans,
    patterns.payment_cards,
    identifiers.national_ids,
    dates.birth_dates,
    patterns.ip_addresses,
    phones.phones,
    patterns.usernames,
    addresses.street_addresses,
)


@dataclass
class Scan:
    """Everything found in one text: personal data and the names that must stay."""

    spans: list[Span]
    structured: list[Guard]


def _overlaps(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


class _Board:
    """The spans accepted so far and the guarded stretches, for overlap checks."""

    def __init__(self, hard: list[Guard], soft: list[tuple[int, int]]) -> None:
        self.hard = [(g.start, g.end) for g in hard]
        self.soft = soft
        self.spans: list[Span] = []

    def free(self, start: int, end: int, *, soft: bool) -> bool:
        taken = [(s.start, s.end) for s in self.spans]
        if _overlaps(start, end, taken) or _overlaps(start, end, self.hard):
            return False
        return not (soft and _overlaps(start, end, self.soft))

    def add(self, span: Span, *, soft: bool = False) -> None:
        if span.start < span.end and self.free(span.start, span.end, soft=soft):
            self.spans.append(span)

    def widen(self, span: Span) -> None:
        """Add a person span, swallowing the shorter person spans it overlaps.

        "Jonas Hoffmann" found in free text replaces the "Hoffmann" matched from a
        structured "Tobias Hoffmann", so the given name is not left behind.
        """
        inside = [
            s
            for s in self.spans
            if s.kind is Kind.PERSON and s.start < span.end and span.start < s.end
        ]
        if not inside or any(s.start < span.start or s.end > span.end for s in inside):
            self.add(span, soft=True)
            return
        others = [s for s in self.spans if s not in inside]
        kept, self.spans = self.spans, others
        if self.free(span.start, span.end, soft=True):
            self.spans.append(span)
        else:
            self.spans = kept


def _people_mentions(
    text: str, folded: str, board: _Board, known: Iterable[str], reason: str
) -> None:
    for start, end in names.mentions(text, folded, names.forms_of(known)):
        board.add(Span(start, end, Kind.PERSON, text[start:end], reason), soft=True)


def _persona_guards(
    text: str, folded: str, others: list[tuple[int, int, str]]
) -> Iterator[tuple[int, int]]:
    """Every occurrence of a name seen once as an organisation, product or persona."""
    seen = {fold(text[s:e]) for s, e, why in others if not why.startswith("place")}
    for value in seen:
        yield from occurrences(folded, value)


def scan(text: str, known: KnownNames) -> Scan:
    """Find the personal data in ``text`` and the structured non-personal names in it."""
    folded = fold(text)
    structured = list(guards.structured(text, folded, known.non_personal()))
    birth = list(dates.birth_dates(text))
    fixed = [
        g
        for g in guards.fixed(text)
        if not (g.reason == "date" and _overlaps(g.start, g.end, [(b.start, b.end) for b in birth]))
    ]
    found, others = people.find(text)
    soft = [(s, e) for s, e, _ in others]
    soft.extend(_persona_guards(text, folded, others))
    board = _Board(structured + fixed, soft)
    for detector in DETECTORS:
        for span in detector(text):
            board.add(span)
    # A structured person's name wins over a guess that it is a place or a persona.
    board.soft = [(s, e) for s, e, why in others if why in {"organisation name", "product name"}]
    _people_mentions(text, folded, board, known.people, "structured person name")
    board.soft = soft
    for f in found:
        board.widen(Span(f.start, f.end, Kind.PERSON, text[f.start : f.end], f.reason))
    # A name found in full may be repeated alone where it also names a big city ("Milan").
    board.soft = [(s, e) for s, e, why in others if why != "place name"]
    board.soft.extend(_persona_guards(text, folded, others))
    discovered = [s.text for s in board.spans if s.kind is Kind.PERSON]
    _people_mentions(text, folded, board, discovered, "part of a name found in this text")
    return Scan(sorted(board.spans), structured)
