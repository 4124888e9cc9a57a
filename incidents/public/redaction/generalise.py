"""Less precise forms of dates, places and counts for public text."""

from __future__ import annotations

import datetime as dt
import re
from itertools import pairwise

from incidents.public.redaction.dates import DATE, MONTHS
from incidents.public.redaction.lexicon import lexicon

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_MONTH_WORD = re.compile(r"\b(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?", re.IGNORECASE)

#: Upper bounds of the public count bands.
BANDS = (1, 10, 50, 100, 500, 1000, 10000, 100000)


def month_of(value: str | dt.date) -> str | None:
    """ "10 Aug 2026", "2026-08-10" or a date -> "August 2026"; None if it is not a date.

    Numeric dates are read day first ("10/08/2026" is 10 August), as outside the US.
    """
    if isinstance(value, dt.date):
        return f"{MONTHS[value.month - 1].title()} {value.year}"
    text = value.strip()
    if not DATE.fullmatch(text):
        return None
    iso = _ISO.match(text)
    numeric = _NUMERIC.match(text)
    if iso:
        month, year = int(iso.group(2)), int(iso.group(1))
    elif numeric:
        month, year = int(numeric.group(2)), int(numeric.group(3))
    else:
        word = _MONTH_WORD.search(text)
        found_year = _YEAR.search(text)
        if word is None or found_year is None:
            return None
        month = [m[:3] for m in MONTHS].index(word.group(1).lower()) + 1
        year = int(found_year.group(1))
    if not 1 <= month <= 12:
        return None
    return f"{MONTHS[month - 1].title()} {year}"


def country_of(place: str) -> str | None:
    """A city (15,000 people or more), US state or country -> its country's name.

    Returns None for a place the gazetteer does not know.
    """
    lex = lexicon()
    found = lex.place(place.strip())
    if found is None:
        return None
    return lex.countries.get(found.country, found.name)


def count_band(count: int) -> str:
    """37 -> "between 10 and 50": the band a count falls in, for public statistics.

    0 and 1 are said as they are ("none", "1"); above the last band, "more than 100000".
    Raises ValueError for a negative count.
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return "none"
    if count == 1:
        return "1"
    for low, high in pairwise(BANDS):
        if count <= high:
            return f"between {low} and {high}"
    return f"more than {BANDS[-1]}"
