"""Japanese names in Latin letters: Hepburn readings of kanji and katakana words.

Words and their readings come from MeCab (``fugashi``) with the UniDic-lite dictionary, both
shipped in their wheels (offline, deterministic, permissively licensed); the readings, given
in katakana, are written in Hepburn by :func:`hepburn`. A tagger is made once per thread, on
first use.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

#: The most word readings joined into one name (``hoshi`` ``no`` ``mori`` → ``hoshinomori``).
MAX_JOINED = 4

_SYLLABLES = {
    **dict(zip("アイウエオ", ["a", "i", "u", "e", "o"], strict=True)),
    **dict(zip("カキクケコ", ["ka", "ki", "ku", "ke", "ko"], strict=True)),
    **dict(zip("ガギグゲゴ", ["ga", "gi", "gu", "ge", "go"], strict=True)),
    **dict(zip("サシスセソ", ["sa", "shi", "su", "se", "so"], strict=True)),
    **dict(zip("ザジズゼゾ", ["za", "ji", "zu", "ze", "zo"], strict=True)),
    **dict(zip("タチツテト", ["ta", "chi", "tsu", "te", "to"], strict=True)),
    **dict(zip("ダヂヅデド", ["da", "ji", "zu", "de", "do"], strict=True)),
    **dict(zip("ナニヌネノ", ["na", "ni", "nu", "ne", "no"], strict=True)),
    **dict(zip("ハヒフヘホ", ["ha", "hi", "fu", "he", "ho"], strict=True)),
    **dict(zip("バビブベボ", ["ba", "bi", "bu", "be", "bo"], strict=True)),
    **dict(zip("パピプペポ", ["pa", "pi", "pu", "pe", "po"], strict=True)),
    **dict(zip("マミムメモ", ["ma", "mi", "mu", "me", "mo"], strict=True)),
    **dict(zip("ヤユヨ", ["ya", "yu", "yo"], strict=True)),
    **dict(zip("ラリルレロ", ["ra", "ri", "ru", "re", "ro"], strict=True)),
    **dict(zip("ワヰヱヲ", ["wa", "i", "e", "o"], strict=True)),
    "ン": "n",
    "ヴ": "vu",
}
#: Small kana that change the syllable before them (キャ kya, ティ ti, ファ fa).
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_VOWELS = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}


def hepburn(kana: str) -> str:
    """Return ``kana`` (katakana or hiragana) in Hepburn: ``トウキョウ`` → ``toukyou``,
    ``キャンペーン`` → ``kyanpeen``, ``ティッシュ`` → ``tisshu``; other characters are dropped."""
    out: list[str] = []
    double = False
    for char in kana.translate(_HIRAGANA_TO_KATAKANA):
        if char == "ッ":
            double = True
            continue
        if char == "ー":
            if out and out[-1][-1:] in "aeiou":
                out.append(out[-1][-1])
            continue
        if char in _SMALL_Y and out:
            out[-1] = _palatal(out[-1], _SMALL_Y[char])
            continue
        if char in _SMALL_VOWELS:
            vowel = _SMALL_VOWELS[char]
            out[-1:] = [_with_vowel(out[-1], vowel) if out else vowel]
            continue
        syllable = _SYLLABLES.get(char)
        if syllable is None:
            continue
        if double:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out.append(syllable)
    return "".join(out)


def _palatal(syllable: str, vowel: str) -> str:
    """``ki`` + small ya → ``kya``; ``shi``/``chi``/``ji`` + small ya → ``sha``/``cha``/``ja``."""
    if syllable.endswith(("shi", "chi", "ji")):
        return syllable[:-1] + vowel
    return syllable[:-1] + "y" + vowel


def _with_vowel(syllable: str, vowel: str) -> str:
    """``te`` + small i → ``ti``; ``fu`` + small a → ``fa``; ``u`` + small i → ``wi``."""
    if syllable == "u":
        return "w" + vowel
    return syllable[:-1] + vowel


_local = threading.local()


def _tagger() -> Any:
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        # Imported here: the dictionary is only needed for Japanese text.
        import fugashi

        tagger = _local.tagger = fugashi.Tagger()
    return tagger


@functools.lru_cache(maxsize=4096)
def _readings(run: str) -> tuple[tuple[str, ...], ...]:
    """The Hepburn readings of the words MeCab cuts ``run`` into (words without one left out):
    as read in ``run``, and each word as read alone when that differs (a name's kanji may be
    read otherwise in context: ``星`` as ``sei`` beside ``hoshi``)."""
    # Read out before tagging again: a node does not outlive the tagger's next call.
    words = [(word.surface, _hepburn_of(word)) for word in _tagger()(run)]
    read = [(surface, reading) for surface, reading in words if reading]
    in_context = tuple(reading for _, reading in read)
    alone = tuple(_alone(surface) or reading for surface, reading in read)
    return in_context, alone


@functools.lru_cache(maxsize=4096)
def _alone(surface: str) -> str:
    """The reading of ``surface`` tagged by itself ("" unless it stays one word)."""
    words = [_hepburn_of(word) for word in _tagger()(surface)]
    return words[0] if len(words) == 1 else ""


def _hepburn_of(word: Any) -> str:
    kana = word.feature.kana
    reading = hepburn(kana) if kana else ""
    return reading if reading.isascii() and reading.isalnum() else ""


def _plain(reading: str) -> str:
    """The reading as English text writes it: long vowels single (``toukyou`` → ``tokyo``)."""
    return reading.replace("ou", "o").replace("uu", "u").replace("oo", "o").replace("ee", "e")


@functools.lru_cache(maxsize=4096)
def loanword_origins(run: str) -> tuple[str, ...]:
    """Return the English words the loanwords of ``run`` come from, lower-case
    (``自動運転バスがトラックに`` → ``bus``, ``truck``).

    UniDic gives a loanword's origin in its lemma (``バス-bus``), so coverage in Japanese meets
    English coverage of the same event on its everyday words, not only on names. Needs
    ``fugashi`` and ``unidic-lite``; raises ``ImportError`` without them.
    """
    origins = (_origin(word.feature.lemma) for word in _tagger()(run))
    return tuple(dict.fromkeys(o for o in origins if o))


def _origin(lemma: str | None) -> str:
    """The English origin in a UniDic lemma (``バス-bus`` → ``bus``), else ``""``."""
    _, dash, origin = (lemma or "").partition("-")
    return origin.lower() if dash and origin.isascii() and origin.isalpha() else ""


def name_forms(run: str) -> list[str]:
    """Return the Latin forms of names in ``run``, a run of kanji and katakana.

    Each word's reading, and the readings of up to ``MAX_JOINED`` neighbouring words joined
    (a name cut into words: ``星ノ森町`` → ``hoshi``, ``hoshino``, ``hoshinomori``, ...), each
    also with long vowels written single when that differs. Needs ``fugashi`` and
    ``unidic-lite``; raises ``ImportError`` without them.
    """
    forms: dict[str, None] = {}
    for readings in dict.fromkeys(_readings(run)):
        for start in range(len(readings)):
            for end in range(start + 1, min(start + MAX_JOINED, len(readings)) + 1):
                forms["".join(readings[start:end])] = None
    return list(forms) + [p for f in forms if (p := _plain(f)) not in forms]
