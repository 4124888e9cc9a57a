"""Character-level helpers shared by the detectors: folding, word tokens, sentence starts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Letters that NFD does not decompose into a base letter plus a mark.
_EXTRA_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "\u0131": "i",
        "ß": "s",
        "æ": "a",
        "Æ": "a",
        "œ": "o",
        "Œ": "o",
        "þ": "t",
        "ð": "d",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bb": "'",
    }
)


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of a hand-kept list."""
    return frozenset(words.split())


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", char.translate(_EXTRA_FOLD))[:1] or char
        folded = base.casefold()
        # One character out for one in: casefold("ß") is "ss", which would shift offsets.
        self[code] = folded if len(folded) == 1 else base.lower()[:1] or char
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics, one output character per input character.

    Keeping the length lets a match in the folded text be mapped back by offset alone.
    """
    return text.translate(_FOLD)


#: A verb right after a word: "Kwame was found", "Tigist obtained", "Hope received".
VERB_AFTER = re.compile(
    r" (?:was|were|is|had|has|have|did|does|said|says|told|tells|asked|wrote|called|"
    r"received|reported|noticed|learned|learnt|lost|suffered|obtained|posted|applied|"
    r"transferred|complained|explained|confirmed|replied|stopped|secured|deleted|raised|"
    r"escalated|flagged|recalled|spotted|challenged|found|filed|contacted|emailed|phoned|"
    r"visited|paid|spoke|made|gave|sent|signed|got|left|went|saw|knew|lives|lived|works|"
    r"worked|came|took|heard|felt|fell|kept|met|ran|sat|stood|spent|won|began|broke|brought|"
    r"bought|caught|chose|drove|flew|forgot|grew|held|hid|hurt|led|meant|rode|rang|rose|"
    r"sold|shook|slept|stole|taught|thought|threw|understood|woke|wore|recalls|adds|notes|"
    r"explains|describes|insists|claims|believes|remembers|says|wants|needs|hopes|fears|"
    r"will|would|could|should|can|cannot|may|might|must|[a-z]{3,}ed)\b"
)

#: A word: letters with inner hyphens or apostrophes ("Soo-ah", "O'Connell", "Al-Farsi").
WORD = re.compile(r"[^\W\d_]{1,40}(?:['\u2019\-][^\W\d_]{1,40}){0,4}")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "mx",
        "prof",
        "st",
        "no",
        "nos",
        "rd",
        "ave",
        "apt",
        "jr",
        "sr",
        "sra",
        "snr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "mt",
        "ft",
        "sgt",
        "capt",
        "col",
        "gen",
        "lt",
        "rev",
        "hon",
        "fig",
        "art",
        "sec",
        "approx",
        "e.g",
        "i.e",
    ]
)
_SENTENCE_GAP = re.compile(r"[\s\"'\u201c\u201d\u2018\u2019(\[]{0,8}$")


@dataclass(frozen=True)
class Token:
    """One word of the text with its offsets."""

    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        """Starts with one capital letter: "HR", "CVs" and "IDs" are acronyms, not names."""
        return self.text[:1].isupper() and not self.text[1:2].isupper()


def tokens(text: str) -> list[Token]:
    """Every word of ``text``, in order."""
    return [Token(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the text)."""
    head = text[max(0, start - 12) : start]
    gap = _SENTENCE_GAP.search(head)
    before = head[: gap.start()] if gap else head
    if not before.strip():
        return start - len(head) <= 0 or not text[:start].strip()
    if before[-1] not in ".!?:":
        return False
    if before[-1] == ":":
        return True
    word = re.search(r"([A-Za-z.]{1,5})\.$", before)
    if word and re.fullmatch(r"(?:[A-Z]\. ?)*[A-Z]", word.group(1)):
        return False  # an initial: "J. K. Okafor"
    return not (word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS)


def _wordish(char: str) -> bool:
    return char.isalnum() or char == "_"


def occurrences(haystack: str, needle: str) -> Iterator[tuple[int, int]]:
    """Where ``needle`` occurs in ``haystack`` as whole words (not inside a longer word)."""
    if not needle:
        return
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before = haystack[start - 1] if start else " "
        after = haystack[end] if end < len(haystack) else " "
        if not _wordish(before) and not _wordish(after):
            yield start, end
        start = haystack.find(needle, start + 1)
