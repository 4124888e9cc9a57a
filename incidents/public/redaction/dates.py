"""Dates: dates of birth (personal data) and every other date (kept: incident dates).

A date is a date of birth only when the text says so just before it ("born", "date of
birth", "DOB", "birthday"); the date an incident happened is never redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidents.public.redaction.model import Kind, Span

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
DATE = re.compile(
    rf"(?<![\w/.\-])(?:"
    rf"{_YEAR}-[01]\d-[0-3]\d"
    rf"|{_YEAR}/[01]?\d/[0-3]?\d"
    rf"|[0-3]?\d([./\-])[01]?\d\1{_YEAR}"
    rf"|[0-3]?\d[./][01]?\d[./]\d\d"
    rf"|{_DAY}(?: of)? {_MONTH},? {_YEAR}"
    rf"|{_MONTH} {_DAY},? {_YEAR}"
    rf"|{_DAY} {_MONTH}"
    rf"|{_MONTH} {_DAY}"
    rf"|{_MONTH},? {_YEAR}"
    rf")(?![\w\-]|[./]\d)",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"(?:\bborn(?: on| in)?|\bdate of birth|\bbirth ?date|\bd\.?o\.?b\b\.?|\bbirthday|"
    r"\bdate de naissance|\bgeburtsdatum|\bfecha de nacimiento|\bdata de nascimento)"
    r"(?:\s{0,3}(?:is|was|of|the|:|,|\(|on|as|=))*\s{0,3}$",
    re.IGNORECASE,
)
_BIRTH_YEAR = re.compile(r"\bborn (?:in )?(" + _YEAR + r")\b", re.IGNORECASE)


def birth_dates(text: str) -> Iterator[Span]:
    """Dates (and bare years) announced as a date of birth."""
    for m in DATE.finditer(text):
        if _BIRTH_CUE.search(text[max(0, m.start() - 40) : m.start()]):
            yield Span(m.start(), m.end(), Kind.DATE_OF_BIRTH, m.group(), "date after 'born'/'DOB'")
    for m in _BIRTH_YEAR.finditer(text):
        yield Span(m.start(1), m.end(1), Kind.DATE_OF_BIRTH, m.group(1), "year after 'born'")


def all_dates(text: str) -> Iterator[tuple[int, int]]:
    """Where every date expression is: the ones not claimed as a birth date are kept."""
    for m in DATE.finditer(text):
        yield m.start(), m.end()
