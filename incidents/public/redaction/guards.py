"""What no detector may redact: structured organisation and system names, incident dates,
report and ticket references, CVE ids, statute references and version numbers.

These guards block every detector (a ticket number is never a phone number). Organisations,
products, personas and places recognised in the prose only keep a capitalised word from
being taken for a person's name (a city may end a street address): the engine holds those
as *soft* guards, see :func:`incidents.public.redaction.people.find`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from incidents.public.redaction.dates import all_dates
from incidents.public.redaction.model import Kind
from incidents.public.redaction.text import fold, occurrences


@dataclass(frozen=True)
class Guard:
    """A stretch of text no detector may redact; ``kind`` is set for structured names."""

    start: int
    end: int
    reason: str
    kind: Kind | None = None


REFERENCE = re.compile(
    r"(?<![\w\-/])(?:(?:RPT|INC|CVE|GHSA|CWE)-\d{4}-\d{1,7}|[A-Z]{2,8}(?:[\-/#]\d{1,7}){1,3}"
    r"|[A-Z]{2,8}-[A-Z]{1,4}-\d{1,7}|#\d{3,9})(?![\w\-])"
)
STATUTE = re.compile(
    r"(?:\b(?:Article|Art\.|Articles|Section|Sec\.|Recital|Annex|Chapter|Schedule|Rule|§)"
    r" ?\d{1,4}[a-z]?(?:\(\d{1,3}\)){0,3}(?:\([a-z]\))?"
    r"(?: (?:of|under|in) (?:the )?(?:[A-Z][\w\-]{0,20} ){0,6}"
    r"(?:Act|Regulation|Directive|Code|GDPR|Law|Convention|Constitution|Charter)(?: \d{4})?)?"
    r"|\b(?:Regulation|Directive|Decision) \((?:EU|EC|EEC)\) (?:No |No\. )?\d{2,4}/\d{1,5}"
    r"|\b(?:the )?(?:[A-Z][\w\-]{1,20} ){1,6}(?:Act|Code|Directive)(?: (?:of )?\d{4})?\b)"
)
VERSION = re.compile(
    r"\b(?:firmware|version|release|build|patch|update|upgrade|v|ver\.?|OS|SDK)"
    r"[ :]{0,2}v?\d{1,4}(?:\.\d{1,6}){1,5}\b|\bv\d{1,4}(?:\.\d{1,6}){1,5}\b",
    re.IGNORECASE,
)


def structured(folded: str, names: Iterable[tuple[str, Kind, str]]) -> Iterator[Guard]:
    """Occurrences of structured organisation and system names (case- and accent-blind)."""
    for name, kind, reason in names:
        for start, end in occurrences(folded, fold(name)):
            yield Guard(start, end, reason, kind=kind)


def fixed(text: str) -> Iterator[Guard]:
    """References, statutes, version numbers and (all) dates."""
    for pattern, reason in (
        (REFERENCE, "reference or ticket number"),
        (STATUTE, "statute reference"),
        (VERSION, "version number"),
    ):
        for m in pattern.finditer(text):
            yield Guard(m.start(), m.end(), reason)
    for start, end in all_dates(text):
        yield Guard(start, end, "date")
