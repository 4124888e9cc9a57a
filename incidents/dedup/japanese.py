"""Japanese names in Latin letters: Hepburn readings of kanji and katakana from ``pykakasi``.

``pykakasi`` reads from a dictionary shipped in its wheel (offline, deterministic). Its
converter takes a moment to load, so it is made once per process, on first use.
"""

from __future__ import annotations

import functools
from typing import Any

#: Administrative suffixes (prefecture, city, town, village, ward, district) that English
#: usually leaves off a place name (``栃木県`` is "Tochigi"), as legal forms are left off
#: organisation names.
PLACE_SUFFIXES = frozenset("都道府県市町村区郡")
#: The most segment readings joined into one name (``hoshi`` ``no`` ``mori`` → ``hoshinomori``).
MAX_JOINED = 4


@functools.cache
def _converter() -> Any:
    # Imported here: loading its dictionary takes a moment, needed only for Japanese text.
    import pykakasi

    return pykakasi.kakasi()


@functools.cache
def _segments(run: str) -> tuple[tuple[str, str], ...]:
    """The segments ``pykakasi`` cuts ``run`` into, each with its Hepburn reading."""
    return tuple((s["orig"], s["hepburn"]) for s in _converter().convert(run))


def _reading(segment: str, hepburn: str) -> str:
    """The reading of a segment, a trailing place suffix left off (``森町`` → ``mori``)."""
    if len(segment) > 1 and segment[-1] in PLACE_SUFFIXES:
        return "".join(h for _, h in _segments(segment[:-1]))
    return hepburn


def _plain(reading: str) -> str:
    """The reading as English text writes it: long vowels single (``toukyou`` → ``tokyo``)."""
    return reading.replace("ou", "o").replace("uu", "u").replace("oo", "o")


def name_forms(run: str) -> list[str]:
    """Return the Latin forms of names in ``run``, a run of kanji and katakana.

    Each segment's reading, and the readings of up to ``MAX_JOINED`` neighbouring segments
    joined (a name cut into parts: ``星ノ森町`` → ``hoshi``, ``hoshino``, ``hoshinomori``, ...),
    each also with long vowels written single when that differs. Needs ``pykakasi``; raises
    ``ImportError`` without it.
    """
    readings = [_reading(s, h) for s, h in _segments(run) if h.isascii() and h.isalnum()]
    forms: list[str] = []
    for start in range(len(readings)):
        for end in range(start + 1, min(start + MAX_JOINED, len(readings)) + 1):
            forms.append("".join(readings[start:end]))
    return forms + [p for f in forms if (p := _plain(f)) != f]
