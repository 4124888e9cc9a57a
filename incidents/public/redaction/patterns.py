"""Detectors for identifiers with a fixed shape: e-mail, IP, payment card, IBAN, user handle.

Every expression here is linear on hostile input: quantifiers are bounded and each match has
to start at a boundary given by a look-behind, so a 50,000-character run of ``a.a.a`` or
digits costs one short attempt per position, never a rescan of the rest of the text.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from incidents.public.redaction.lexicon import lexicon
from incidents.public.redaction.model import Kind, Span

EMAIL = re.compile(
    r"(?<![\w.%+\-@])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,63})"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62})){1,8}"
    r"(?![\w@]|\.[A-Za-z0-9])"
)

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# A port may follow ("192.0.2.1:8080"); a colon and more hex may not (that is IPv6).
IPV4 = re.compile(rf"(?<![\w.:])(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.\d|:[A-Za-z])")
# A loose IPv6 shape (hex groups and colons); ipaddress decides whether it is an address.
IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){1,7}"
    r"(?:\.\d{1,3}){0,3}(?:%[A-Za-z0-9]{1,15})?(?![\w:])"
)
# Words that make a dotted quad a version number ("firmware 10.2.3.4"), not an address.
_VERSION_CUE = re.compile(
    r"(?:\b(?:firmware|version|versions|release|build|patch|update|updated|upgrade|upgraded|"
    r"v|ver|os|software|model|app|sdk|driver|kernel|rollback|revision|rev)\b|\bv)"
    r"[\s.:]{0,3}(?:to\s|from\s|of\s)?$",
    re.IGNORECASE,
)

CARD = re.compile(r"(?<![\w+\-/.,])\d(?:[ \-]?\d){11,18}(?![\w\-/]|[.,]\d)")
_CARD_CUE = re.compile(r"\b(?:card|visa|mastercard|amex|debit|credit|pan)\b", re.IGNORECASE)

IBAN = re.compile(r"(?<![\w\-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}(?![\w\-])")
# ISO 13616 lengths of the countries that issue IBANs.
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BI": 27,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DJ": 27,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FK": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HN": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "LY": 25,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MN": 20,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NI": 28,
    "NL": 18,
    "NO": 15,
    "OM": 23,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "RU": 33,
    "SA": 24,
    "SC": 31,
    "SD": 18,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "SO": 23,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
    "YE": 30,
}

_HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9._\-]{0,38}[A-Za-z0-9])?"
# "@handle" and "u/handle": the marker is outside the span, as in the data conventions.
# Not a path ("@docs/report.json") nor an e-mail address.
MARKED_HANDLE = re.compile(rf"(?:(?<![\w.@/])@|(?<![\w/])u/)({_HANDLE})(?![\w@/]|\.[A-Za-z0-9])")
# A handle named as one: "username X", "login: X", "account called X", "(account X)".
_HANDLE_CUE = re.compile(
    r"\b(?:user ?name|handle|login|log-in|user ?id|screen ?name|gamertag|nickname|alias|"
    r"account|profile|user)s?(?: handle| name)?"
    r"(?:\s{1,3}(?:called|named|was|is|of))?[\s,:(\"'\u201c]{1,4}(?:u/|@)?"
    rf"({_HANDLE})(?![\w@/]|\.[A-Za-z0-9]|['\u2019]s)",
    re.IGNORECASE,
)
# A handle-shaped word in brackets right after a name: "Marta Nowak (marta_n84)".
_BRACKETED = re.compile(rf"(?<=[^\W\d_]) \((?:u/|@)?({_HANDLE})\)")
_PORTAL_AS = re.compile(
    r"\b(?:portal|platform|forum|site|app|registered|signed up|logged in|known online)"
    rf" as (?:u/|@)?({_HANDLE})(?![\w@/]|\.[A-Za-z0-9])",
    re.IGNORECASE,
)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check used by payment cards."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """Whether an IBAN without spaces has its country's length and passes mod-97."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def emails(text: str) -> Iterator[Span]:
    """E-mail addresses."""
    for m in EMAIL.finditer(text):
        yield Span(m.start(), m.end(), Kind.EMAIL, m.group(), "e-mail address")


def _is_version(text: str, start: int) -> bool:
    return bool(_VERSION_CUE.search(text[max(0, start - 24) : start]))


def ip_addresses(text: str) -> Iterator[Span]:
    """IPv4 and IPv6 addresses; a dotted quad after "firmware", "version"... is skipped."""
    for m in IPV4.finditer(text):
        if not _is_version(text, m.start()):
            yield Span(m.start(), m.end(), Kind.IP_ADDRESS, m.group(), "IPv4 address")
    for m in IPV6.finditer(text):
        value = m.group()
        if value.count(":") < 2:
            continue
        try:
            ipaddress.IPv6Address(value.split("%")[0])
        except ValueError:
            continue
        yield Span(m.start(), m.end(), Kind.IP_ADDRESS, value, "IPv6 address")


def _card_issuer(digits: str) -> bool:
    # The leading digits of the schemes that issue 13-19 digit cards.
    return digits[0] in "3456" or digits[:2] in {"22", "23", "24", "25", "26", "27"}


def payment_cards(text: str) -> Iterator[Span]:
    """Luhn-valid card numbers of a card scheme's length and prefix."""
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if not 13 <= len(digits) <= 19 or not luhn_valid(digits) or not _card_issuer(digits):
            continue
        grouped = m.group().count(" ") + m.group().count("-")
        cue = _CARD_CUE.search(text[max(0, m.start() - 80) : m.start()])
        # An ungrouped run of digits of an odd length is only a card when the text says so.
        if grouped or cue or len(digits) in {15, 16}:
            yield Span(m.start(), m.end(), Kind.PAYMENT_CARD, m.group(), "Luhn-valid card number")


def ibans(text: str) -> Iterator[Span]:
    """IBANs, grouped or compact, of the right length for their country and mod-97 valid."""
    for m in IBAN.finditer(text):
        raw = m.group()
        length = IBAN_LENGTHS.get(raw[:2])
        if length is None:
            continue
        # The match may run into a following capitalised word: keep the country's length.
        kept, count = 0, 0
        while kept < len(raw) and count < length:
            count += raw[kept] != " "
            kept += 1
        value = raw[:kept]
        if count == length and iban_valid(value.replace(" ", "")):
            if kept < len(raw) and raw[kept] != " ":
                continue
            yield Span(m.start(), m.start() + kept, Kind.IBAN, value, "mod-97-valid IBAN")


def _plausible_handle(handle: str) -> bool:
    # A plain word after "account" is prose ("account holder", "account was"), not a handle.
    if not re.search(r"[A-Za-z]", handle):
        return False
    if re.search(r"[\d_.]|[a-z][A-Z]", handle):
        return True
    if handle.isalpha() and handle.islower() and len(handle) >= 4:
        return not lexicon().in_dictionary(handle)
    return False


def usernames(text: str) -> Iterator[Span]:
    """Account handles: after @ or u/, or named as a username, login or account."""
    seen: set[int] = set()
    for m in MARKED_HANDLE.finditer(text):
        seen.add(m.start(1))
        yield Span(m.start(1), m.end(1), Kind.USERNAME, m.group(1), "@ or u/ handle")
    for m in _BRACKETED.finditer(text):
        if re.search(r"[\d_.]", m.group(1)) and re.search(r"[a-z]", m.group(1)):
            yield Span(m.start(1), m.end(1), Kind.USERNAME, m.group(1), "handle in brackets")
    for pattern, reason in (
        (_HANDLE_CUE, "handle after 'account'/'username'"),
        (_PORTAL_AS, "handle after 'registered as'"),
    ):
        for m in pattern.finditer(text):
            if m.start(1) not in seen and _plausible_handle(m.group(1)):
                yield Span(m.start(1), m.end(1), Kind.USERNAME, m.group(1), reason)
