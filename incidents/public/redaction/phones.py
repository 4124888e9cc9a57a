"""Telephone numbers, international and national, checked with Google's libphonenumber.

``PhoneNumberMatcher`` needs a home region to read a national number, and running it once
per region costs a full pass each time. Instead one bounded expression finds everything
shaped like a phone number, and libphonenumber judges each candidate: a number with a
country code must be valid (or possible, next to a word like "phone"); a national number
must be valid in one of the regions below, and short ones need such a word too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import phonenumbers

from incidents.public.redaction.model import Kind, Span

CANDIDATE = re.compile(
    r"(?<![\w+\-/.,:])(?:(?:\+|00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?|1[ .\-]?(?=\())?"
    r"(?:\(\d{1,5}\)[ .\-]?)?"
    r"\d{1,12}(?:(?:[ .\-]|\.\s)\d{1,8}){0,6}(?![\w\-]|[.,/:]\d)"
)
_CUE = re.compile(
    r"\b(?:phone|phoned|telephone|tel|mobile|cell|cellphone|number|call|called|calls|calling|"
    r"ring|rang|dial|dialled|dialed|text|texted|sms|whatsapp|signal|fax|contact|reached|"
    r"reach|hotline|line|landline|extension|ext)\b",
    re.IGNORECASE,
)
_ON = re.compile(r"\b(?:or|reached|contacted|contact|available|him|her|them) on $")
_MONEY = re.compile(r"(?:[$€£¥₹₩₦]|\b[A-Z]{3}|R\$)\s?$")

#: Regions whose national formats are tried, in order: the ones AI incidents come from most.
REGIONS = (
    "GB",
    "US",
    "FR",
    "DE",
    "IN",
    "AU",
    "IT",
    "ES",
    "NL",
    "IE",
    "KR",
    "JP",
    "BR",
    "MX",
    "NG",
    "KE",
    "ZA",
    "GH",
    "SE",
    "PL",
    "AE",
    "SA",
    "IL",
    "CN",
    "SG",
    "NZ",
    "PH",
    "ID",
    "VN",
    "TH",
    "TR",
    "EG",
    "PK",
    "BD",
    "AR",
    "CO",
    "CL",
    "PT",
    "BE",
    "CH",
    "AT",
    "DK",
    "NO",
    "FI",
    "GR",
    "UA",
    "MY",
    "HK",
    "TW",
    "CA",
    "ET",
    "TZ",
    "UG",
    "MA",
    "RW",
)


@cache
def _lengths(region: str) -> tuple[frozenset[int], str]:
    """The national number lengths a region allows, and its trunk prefix."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None:  # pragma: no cover - every listed region has it
        return frozenset(), ""
    return frozenset(meta.general_desc.possible_length or ()), meta.national_prefix or ""


def _regions_for(digits: str) -> Iterator[str]:
    """The regions where a national number of this many digits could exist at all.

    Validating costs a dozen regular expressions per region; length rules most out first.
    """
    for region in REGIONS:
        lengths, prefix = _lengths(region)
        national = digits[len(prefix) :] if prefix and digits.startswith(prefix) else digits
        if len(national) in lengths:
            yield region


def _judge(raw: str) -> bool:
    """Whether a candidate is a phone number: with a country code as written, else anywhere.

    A number written with its country code only has to be possible (the right length for
    that country): validating it would load and compile the metadata of every country
    seen. A national number must be valid in one of :data:`REGIONS`.
    """
    if raw.startswith(("+", "00")):
        try:
            number = phonenumbers.parse("+" + raw[2:] if raw.startswith("00") else raw, None)
        except phonenumbers.NumberParseException:
            return False
        return bool(phonenumbers.is_possible_number(number))
    digits = "".join(c for c in raw if c.isdigit())
    for region in _regions_for(digits):
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:  # pragma: no cover - digits always parse
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def phones(text: str) -> Iterator[Span]:
    """Phone numbers as written, with their +, country code, brackets and separators."""
    for m in CANDIDATE.finditer(text):
        raw = m.group()
        digits = sum(c.isdigit() for c in raw)
        if not 7 <= digits <= 15 or _MONEY.search(text[max(0, m.start() - 4) : m.start()]):
            continue
        separated = any(c in raw for c in " .-()") or raw.startswith("+")
        cue = bool(_CUE.search(text[max(0, m.start() - 48) : m.start()])) or bool(
            _ON.search(text[max(0, m.start() - 12) : m.start()])
        )
        if not separated and not cue:
            continue
        international = raw.startswith(("+", "00"))
        if (international or digits >= 9 or cue) and _judge(raw):
            reason = "possible number for its country code" if international else "valid number"
            yield Span(m.start(), m.end(), Kind.PHONE, raw, reason)
