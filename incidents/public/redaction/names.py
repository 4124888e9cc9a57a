"""Mentions of people the engine already knows by name.

A structured name ("Claire Moreau"), or one the free-text detector found, is looked for in
every form prose uses: in full, in the other order ("Kang Soo-ah" / "Soo-ah Kang"), the
surname alone with its particles ("de Vries", "da Silva"), any single part alone, in any
case and with or without diacritics ("SOREN" for "Søren"). Titles stay outside the span and
a possessive 's is never part of it, because matches end at a word boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from incidents.public.redaction.lexicon import lexicon
from incidents.public.redaction.text import fold, starts_sentence, word_set

PARTICLES = word_set(
    """
    van der den de da das do dos del della di du la le von zu bin binti ibn al el ter ten y
    e st
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
    """The forms of one person's name that identify them, longest first."""
    words = name.split()
    forms = {name}
    if len(words) == 2:
        forms.add(f"{words[1]} {words[0]}")
    for index in range(1, len(words)):
        tail = " ".join(words[index:])
        # "van der Berg", "da Silva", "García Ortega": everything after the given name.
        if index == 1 or words[index - 1].lower() in PARTICLES:
            forms.add(tail)
    for word in words:
        if len(word) > 1 and word.lower() not in PARTICLES and word.lower() not in _FUNCTION:
            forms.add(word)
    return sorted(forms, key=len, reverse=True)


def compile_forms(names: Iterable[str]) -> re.Pattern[str] | None:
    """One expression matching every form of every name, in folded text, longest first."""
    forms = sorted({fold(f) for n in names for f in parts(n)}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(
        r"(?<![\w'\u2019@.\-])(?:"
        + "|".join(map(re.escape, forms))
        + r")(?![\w@]|-\w|['\u2019](?!s\b)\w)"
    )


def mentions(text: str, folded: str, pattern: re.Pattern[str] | None) -> Iterator[tuple[int, int]]:
    """Where the compiled forms occur as a name: capitalised, not a sentence-opening word."""
    if pattern is None:
        return
    words = lexicon()
    for m in pattern.finditer(folded):
        value = text[m.start() : m.end()]
        initial = next((c for c in value if c.isalpha()), "")
        if not initial.isupper() and " " not in value:
            continue
        if not any(c.isupper() for c in value):
            continue
        # "Will", "Grace" or "Park" opening a sentence is more likely the ordinary word.
        if " " not in value and words.is_word(value) and starts_sentence(text, m.start()):
            continue
        yield m.start(), m.end()
