"""Hangul in Latin letters: the Revised Romanization of Korean (2000), by table.

A syllable block (U+AC00..U+D7A3) is ``initial * 588 + vowel * 28 + final`` past U+AC00, so
it decomposes by arithmetic. The tables follow the standard, with the sound changes a
romanised name shows most: a final consonant before a syllable that starts with a vowel is
carried over (``마루를`` → ``marureul``, ``국어`` → ``gugeo``), and ``ㄹㄹ`` is ``ll``.
"""

from __future__ import annotations

FIRST, LAST = 0xAC00, 0xD7A3
#: The longest word whose prefixes are romanised (longer runs are compounds or sentences).
MAX_SYLLABLES = 8

INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
#: A final consonant at the end of a word or before a consonant.
FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
#: A final consonant before a syllable that starts with a vowel (silent ``ㅇ``): it is
#: pronounced, and written, as the next syllable's initial.
CARRIED = (
    "", "g", "kk", "gs", "n", "nj", "n", "d", "r", "lg", "lm", "lb", "ls", "lt", "lp", "r",
    "m", "b", "bs", "s", "ss", "ng", "j", "ch", "k", "t", "p", "",
)  # fmt: skip
SILENT_INITIAL = 11  # ㅇ
RIEUL_INITIAL, RIEUL_FINAL = 5, 8  # ㄹ


def is_syllable(char: str) -> bool:
    """Tell whether ``char`` is a precomposed Hangul syllable block."""
    return FIRST <= ord(char) <= LAST


def _jamo(char: str) -> tuple[int, int, int]:
    index = ord(char) - FIRST
    return index // 588, (index % 588) // 28, index % 28


def romanize(word: str) -> str:
    """Return ``word`` (Hangul syllables only) in the Revised Romanization.

    Raises ``ValueError`` if ``word`` holds anything but precomposed syllable blocks.
    """
    if not all(is_syllable(c) for c in word):
        raise ValueError(f"not a run of Hangul syllables: {word!r}")
    blocks = [_jamo(c) for c in word]
    out: list[str] = []
    for i, (initial, vowel, final) in enumerate(blocks):
        after = blocks[i + 1][0] if i + 1 < len(blocks) else None
        before = blocks[i - 1][2] if i else 0
        if initial == RIEUL_INITIAL and before == RIEUL_FINAL:
            out.append("l")
        else:
            out.append(INITIALS[initial])
        out.append(VOWELS[vowel])
        out.append(CARRIED[final] if after == SILENT_INITIAL else FINALS[final])
    return "".join(out)


def name_forms(word: str) -> list[str]:
    """Return the romanisations a name inside ``word`` may be written as in Latin text.

    Korean attaches particles to a name (``마루가``, ``마루를``), so each prefix of two or
    more syllables is romanised, shortest first (``마루가`` → ``maru``, ``maruga``). A word
    that starts with ``ㄹ`` is almost always a loanword (native words do not start with it),
    whose Latin spelling usually has an ``l``: its forms are given with ``l`` too
    (``루모라`` → ``rumora``, ``lumora``). ``word`` must be Hangul syllables only; words
    longer than ``MAX_SYLLABLES`` give nothing.
    """
    if len(word) > MAX_SYLLABLES:
        return []
    forms = [romanize(word[:n]) for n in range(2, len(word) + 1)]
    if _jamo(word[0])[0] == RIEUL_INITIAL:
        forms += ["l" + f[1:] for f in forms]
    return forms
