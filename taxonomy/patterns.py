"""Regular expressions shared by the loader, the validator and the JSON Schema export.

The date patterns accept exactly the calendar dates Python's ``date`` accepts (leap years
included) from 1900 to 2199, so that the JSON Schema and ``validate`` agree without a format
checker.
"""

from __future__ import annotations

import re

ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
"""A taxonomy id: lower_snake_case, starting with a letter (use with ``fullmatch``)."""

VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
"""A semantic version ``MAJOR.MINOR.PATCH`` (use with ``fullmatch``)."""

VALUE_FORMATS: dict[str, re.Pattern[str]] = {
    "lower_snake_case": ID,
    "iso_3166_1_alpha_2": re.compile(r"[A-Z]{2}"),
}
"""How the value ids of a dimension are written; external codes keep their own form."""

# `$(?!\n)` is the end of the string in both Python and ECMA-262 regular expressions.
_END = r"$(?!\n)"
# Years 1900 to 2199: every plausible incident, and no date a computer cannot step from (a
# year-9999 date would overflow the moment anything adds a day to it).
FIRST_YEAR, LAST_YEAR = 1900, 2199
_YEAR = r"(?:19|2[01])[0-9]{2}"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = r"(?:(?:19|2[01])(?:0[48]|[2468][048]|[13579][26])|2000)-02-29"
_DATE = rf"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"

DATE_PATTERN = rf"^{_DATE}{_END}"
"""A calendar date ``YYYY-MM-DD`` between 1900 and 2199."""

TIMESTAMP_PATTERN = rf"^{_DATE}T{_TIME}{_OFFSET}{_END}"
"""An RFC 3339 timestamp with seconds and a UTC offset, e.g. ``2025-03-01T09:30:00Z``."""

NOT_BLANK_PATTERN = r"\S"
"""A string with at least one character that is not white space."""

DATE = re.compile(DATE_PATTERN)
TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
NOT_BLANK = re.compile(NOT_BLANK_PATTERN)
