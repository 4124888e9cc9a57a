"""Runs the detectors over one text and settles their overlaps."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
from incidents.public.redaction.lexicon import lexicon
from incidents.public.redaction.model import Kind, KnownNames, Span
from incidents.public.redaction.text import fold, occurrences

#: Pattern detectors, most specific first: an earlier one wins an overlap.
DETECTORS: tuple[Callable[[str], Iterable[Span]], ...] = (
    patterns.emails,
    patterns.ibans,
    patterns.payment_cards,
    identifiers.national_ids,
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


class _Intervals:
    """Disjoint, sorted stretches of text, with a logarithmic overlap test.

    Overlapping stretches are merged as they are added; a text of 50,000 one-letter names
    must not cost a scan of every accepted span for every candidate.
    """

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(pairs):
            if self.ends and start < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def hits(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps any stretch."""
        index = bisect_right(self.starts, start)
        if index and self.ends[index - 1] > start:
            return True
        return index < len(self.starts) and self.starts[index] < end

    def add(self, start: int, end: int) -> None:
        """Add a stretch that overlaps none already there."""
        index = bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)

    def remove(self, start: int) -> None:
        """Remove the stretch that starts at ``start``."""
        index = bisect_left(self.starts, start)
        del self.starts[index], self.ends[index]


class _Board:
    """The spans accepted so far and the guarded stretches, for overlap checks."""

    def __init__(self, hard: list[Guard], soft: list[tuple[int, int]]) -> None:
        self.hard = _Intervals((g.start, g.end) for g in hard)
        self.soft = _Intervals(soft)
        self.taken = _Intervals()
        self.spans: dict[int, Span] = {}

    def free(self, start: int, end: int, *, soft: bool) -> bool:
        if self.taken.hits(start, end) or self.hard.hits(start, end):
            return False
        return not (soft and self.soft.hits(start, end))

    def add(self, span: Span, *, soft: bool = False) -> None:
        if span.start < span.end and self.free(span.start, span.end, soft=soft):
            self.taken.add(span.start, span.end)
            self.spans[span.start] = span

    def widen(self, span: Span) -> None:
        """Add a person span, swallowing the shorter person spans it overlaps.

        "Jonas Hoffmann" found in free text replaces the "Hoffmann" matched from a
        structured "Tobias Hoffmann", so the given name is not left behind.
        """
        if self.hard.hits(span.start, span.end) or self.soft.hits(span.start, span.end):
            return
        index = bisect_right(self.taken.starts, span.end - 1)
        inside: list[Span] = []
        while index > 0 and self.taken.ends[index - 1] > span.start:
            inside.append(self.spans[self.taken.starts[index - 1]])
            index -= 1
        if any(s.kind is not Kind.PERSON for s in inside):
            return
        # Already covered by a longer or equal name, or only partly overlapping one: keep it.
        if any(
            s.start < span.start or s.end > span.end or s.end - s.start == span.end - span.start
            for s in inside
        ):
            return
        for old in inside:
            self.taken.remove(old.start)
            del self.spans[old.start]
        self.add(span)


def _people_mentions(
    text: str, folded: str, board: _Board, known: Iterable[str], reason: str
) -> None:
    for start, end in names.mentions(text, folded, names.forms_of(known)):
        # widen: "von Arnim" replaces an "Arnim" found on its own before it.
        board.widen(Span(start, end, Kind.PERSON, text[start:end], reason))


def _name_guards(
    text: str, folded: str, others: list[tuple[int, int, str]], known: KnownNames
) -> Iterator[tuple[int, int]]:
    """Every occurrence of a name seen once as an organisation, product or persona.

    Its first word too, when that word is distinctive ("Brightwater" of "Brightwater Bank"
    in "Brightwater said"): reports shorten the names of the companies they are about.
    """
    names_seen = [text[s:e] for s, e, why in others if not why.startswith("place")]
    names_seen += [name for name, _, _ in known.non_personal()]
    lex = lexicon()
    seen: set[str] = set()
    for name in names_seen:
        seen.add(fold(name))
        first = name.split()[0]
        if " " in name and len(first) > 3 and first[:1].isupper() and not lex.is_word(first):
            seen.add(fold(first))
    for value in seen:
        yield from occurrences(folded, value)


def scan(text: str, known: KnownNames) -> Scan:
    """Find the personal data in ``text`` and the structured non-personal names in it."""
    folded = fold(text)
    structured = list(guards.structured(folded, known.non_personal()))
    birth = list(dates.birth_dates(text))
    births = _Intervals((b.start, b.end) for b in birth)
    fixed = [
        g for g in guards.fixed(text) if not (g.reason == "date" and births.hits(g.start, g.end))
    ]
    found, others = people.find(text)
    soft = [(s, e) for s, e, _ in others]
    soft.extend(_name_guards(text, folded, others, known))
    board = _Board(structured + fixed, soft)
    # Birth dates outrank the detectors below them (a date is never a phone number).
    for span in birth:
        board.add(span)
    for detector in DETECTORS:
        for span in detector(text):
            board.add(span)
    # A structured person's name wins over a guess that it is a place or a persona.
    board.soft = _Intervals(
        (s, e) for s, e, why in others if why in {"organisation name", "product name"}
    )
    _people_mentions(text, folded, board, known.people, "structured person name")
    board.soft = _Intervals(soft)
    for f in found:
        board.widen(Span(f.start, f.end, Kind.PERSON, text[f.start : f.end], f.reason))
    # A name found in full may be repeated alone where it also names a big city ("Milan").
    board.soft = _Intervals(
        [(s, e) for s, e, why in others if why != "place name"]
        + list(_name_guards(text, folded, others, known))
    )
    discovered = [s.text for s in board.spans.values() if s.kind is Kind.PERSON]
    _people_mentions(text, folded, board, discovered, "part of a name found in this text")
    return Scan(sorted(board.spans.values()), structured)
