"""Calendar dates written in report text (a stand-in when the occurrence date is missing)."""

from __future__ import annotations

import datetime as dt
import re

from incidents.dedup.normalize import fold

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b")
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})\b")
_ANY_YEAR = re.compile(rf"\b{_YEAR}\b")
#: A month named as a time: after "in", "early", "late", ... or before a year. Full names only
#: ("march" and "may" are verbs too; "mar" and "dec" parts of words).
_FULL_MONTH = "(" + "|".join(name for name in _MONTHS if len(name) > 3 or name == "may") + ")"
_MONTH_TIME = re.compile(
    rf"\b(?:(?:in|early|mid|late|during|since|until|from|by|of)[\s-]+{_FULL_MONTH}"
    rf"(?:,?\s+{_YEAR})?|{_FULL_MONTH},?\s+{_YEAR})\b"
)

#: A month of some year (``None``: the text names no year for it).
Month = tuple[int | None, int]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _days_named(folded: str) -> list[tuple[str, str, str]]:
    """The ``(day, month name, year or "")`` of each date written with a month name."""
    named = _DAY_MONTH.findall(folded)
    return named + [(d, m, y) for m, d, y in _MONTH_DAY.findall(folded)]


def mentioned_dates(text: str) -> frozenset[dt.date]:
    """Return the calendar dates written in ``text`` (English month names, ISO, d/m/y).

    A day and month without a year take the first year mentioned in the text; without any
    year they are ignored. ``03/04/2025`` yields both readings (3 April and 4 March).
    """
    folded = fold(text)
    years = _ANY_YEAR.findall(folded)
    default = int(years[0]) if years else None
    found: set[dt.date | None] = set()
    for day, month, year in _days_named(folded):
        year_number = int(year) if year else default
        if year_number is not None:
            found.add(_date(year_number, _MONTHS[month], int(day)))
    for year, month, day in _ISO.findall(folded):
        found.add(_date(int(year), int(month), int(day)))
    for first, second, year in _NUMERIC.findall(folded):
        found.add(_date(int(year), int(second), int(first)))
        found.add(_date(int(year), int(first), int(second)))
    return frozenset(d for d in found if d is not None)


def mentioned_months(text: str) -> frozenset[Month]:
    """Return the months ``text`` names as times ("in late January", "February 2025", "11
    December"), with their year when it is written beside them."""
    folded = fold(text)
    named = [(m, y) for _, m, y in _days_named(folded)]
    for month_after, year_after, month_before, year_before in _MONTH_TIME.findall(folded):
        named.append((month_after, year_after) if month_after else (month_before, year_before))
    return frozenset((int(year) if year else None, _MONTHS[month]) for month, year in named)


def months_apart(left: Month, right: Month) -> int:
    """How many months apart two months are; without both years, around the calendar."""
    (left_year, left_month), (right_year, right_month) = left, right
    if left_year is not None and right_year is not None:
        return abs((left_year * 12 + left_month) - (right_year * 12 + right_month))
    gap = abs(left_month - right_month)
    return min(gap, 12 - gap)
