"""Mentions of people the engine already knows by name.

A structured name ("Claire Moreau"), or one the free-text detector found, is looked for in
every form prose uses: in full, in the other order ("Kang Soo-ah" / "Soo-ah Kang"), the
surname alone with its particles ("de Vries", "da Silva"), any single part alone, in any
case and with or without diacritics ("SOREN" for "Søren"). Titles stay outside the span and
a possessive 's is never part of it, because matches end at a word boundary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from incidents.public.redaction.lexicon import lexicon
from incidents.public.redaction.text import VERB_AFTER, fold, starts_sentence, word_set
from incidents.public.redaction.vocabulary import TITLES

PARTICLES = word_set(
    """
    van der den de da das do dos del della di du la le von zu bin binti ibn al el ter ten y
    e st ó ní nic uí mac mc abu ap
    """
)
# Short function words that a name part may coincide with ("An", "Will", "May").
_FUNCTION = word_set(
    """
    a an and as at be by do for from he her his i in is it its may me my no of on or our she
    so the to up us we will with you
    """
)


def parts(name: str) -> list[str]:
    """The forms of one person's name that identify them, longest first.

    A title typed into the name field ("Dr. Claire Moreau") is left out: titles stay outside
    a person span.
    """
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    name = " ".join(words)
    forms = {name}
    if len(words) == 2:
        forms.add(f"{words[1]} {words[0]}")
    for index in range(1, len(words)):
        tail = " ".join(words[index:])
        # "van der Berg", "da Silva", "García Ortega": everything after the given name.
        if index == 1 or (
            words[index].lower() in PARTICLES and words[index - 1].lower() not in PARTICLES
        ):
            forms.add(tail)
    for word in words:
        if len(word) > 1 and word.lower() not in PARTICLES and word.lower() not in _FUNCTION:
            forms.add(word)
    return sorted(forms, key=len, reverse=True)


def forms_of(names: Iterable[str]) -> list[str]:
    """Every form of every name, folded (lower case, no diacritics), longest first."""
    return sorted({fold(f) for n in names for f in parts(n)}, key=len, reverse=True)


def _bounded(folded: str, start: int, end: int) -> bool:
    # Not inside a longer word, a handle or an address ("@marta", "marta.k@", "Jean-Paul"),
    # but a possessive ("Moreau's") may follow.
    before = folded[start - 1] if start else " "
    if before.isalnum() or before in "_'@.-":
        return False
    after = folded[end : end + 2]
    if not after:
        return True
    if after[0].isalnum() or after[0] in "_@":
        return False
    if after[0] in "-'" and after[1:2].isalnum():
        return after == "'s" and not folded[end + 2 : end + 3].isalnum()
    return True


def mentions(text: str, folded: str, forms: list[str]) -> Iterator[tuple[int, int]]:
    """Where the forms occur as a name: capitalised, not a sentence-opening common word.

    Overlapping hits keep the leftmost, then the longest ("Claire Moreau" over "Claire").
    """
    words = lexicon()
    hits = sorted(
        {(s, e) for f in forms for s, e in _occurrences(folded, f) if _bounded(folded, s, e)},
        key=lambda h: (h[0], h[0] - h[1]),
    )
    last = -1
    for start, end in hits:
        if start < last:
            continue
        value = text[start:end]
        initial = next((c for c in value if c.isalpha()), "")
        if not initial.isupper() and " " not in value:
            continue
        if not any(c.isupper() for c in value):
            continue
        # "Will", "Hope" or "Park" opening a sentence is more likely the ordinary word,
        # unless a verb follows ("Hope received the correct dose").
        if (
            " " not in value
            and words.is_word(value)
            and starts_sentence(text, start)
            and not VERB_AFTER.match(text, end)
            and text[end : end + 2] not in {"'s", "\u2019s"}
        ):
            continue
        last = end
        yield start, end


def _occurrences(haystack: str, needle: str) -> Iterator[tuple[int, int]]:
    start = haystack.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = haystack.find(needle, start + 1)
