"""Terms of Chinese, Japanese and Korean text, which does not put spaces between words.

A run of Han, hiragana and katakana, or of Hangul, becomes overlapping character bigrams (a
one-character run stays as it is), as Lucene's ``CJKAnalyzer`` does, so texts in these scripts
match each other. Names are also given in Latin letters, so that a name written in its own
script meets its English spelling: Hangul words by the Revised Romanization
(:mod:`incidents.dedup.hangul`), kanji and katakana by their Japanese readings
(:mod:`incidents.dedup.japanese`) when the text has kana (Chinese text has none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidents.dedup import hangul, japanese

_HAN = "\u3005\u3006\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff"
_HANGUL = "\uac00-\ud7a3"
#: A run of one script: Han and kana together (Japanese mixes them), Hangul, or anything else.
_RUN = re.compile(f"([{_HAN}{_KANA}]+)|([{_HANGUL}]+)|([^{_HAN}{_KANA}{_HANGUL}]+)")
#: The parts of a Han-and-kana run that may be a name (hiragana are endings and particles).
_NAME_RUN = re.compile(f"[{_HAN}{_KATAKANA}]+")
_ANY_CJK = re.compile(f"[{_HAN}{_KANA}{_HANGUL}]")
_ANY_KANA = re.compile(f"[{_KANA}]")


def has_cjk(text: str) -> bool:
    """Tell whether ``text`` has a Han, kana or Hangul character."""
    return _ANY_CJK.search(text) is not None


def has_kana(text: str) -> bool:
    """Tell whether ``text`` has hiragana or katakana (it is Japanese, not Chinese)."""
    return _ANY_KANA.search(text) is not None


def bigrams(run: str) -> list[str]:
    """Return the overlapping character bigrams of ``run`` (``run`` itself if one character)."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def split_runs(word: str) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, run)`` for the script runs of ``word``: kind ``"cjk"`` (Han and kana),
    ``"hangul"`` or ``"other"`` (Latin letters, digits, ...)."""
    for match in _RUN.finditer(word):
        cjk, korean, other = match.groups()
        if cjk:
            yield "cjk", cjk
        elif korean:
            yield "hangul", korean
        else:
            yield "other", other


def name_forms(kind: str, run: str, *, japanese_text: bool) -> list[str]:
    """Return the Latin forms of the names a run of :func:`split_runs` may hold.

    Hangul: :func:`incidents.dedup.hangul.name_forms`. Han and kana, in Japanese text only:
    :func:`incidents.dedup.japanese.name_forms` of each kanji-and-katakana part (hiragana are
    endings and particles), and the English words its loanwords come from
    (:func:`incidents.dedup.japanese.loanword_origins`). Nothing for other runs. Raises
    ``ImportError`` for Japanese text when ``fugashi`` and ``unidic-lite`` are not installed.
    """
    if kind == "hangul":
        return hangul.name_forms(run)
    if kind == "cjk" and japanese_text:
        names = [f for part in _NAME_RUN.findall(run) for f in japanese.name_forms(part)]
        return names + list(japanese.loanword_origins(run))
    return []
