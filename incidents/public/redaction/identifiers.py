"""National identifiers: social security, national insurance, Aadhaar, CPF, RRN, NRIC, SIN,
BSN, personnummer, My Number, NIN, PAN, NIR, DNI and passport numbers.

Most of them are bare digits that look like phone numbers or amounts, so a number is an
identifier when a word naming the scheme comes shortly before it. A few shapes are specific
enough to be recognised anywhere (a formatted CPF, a Korean RRN, a UK NINO, a Singapore
NRIC, an Indian PAN, a US SSN).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidents.public.redaction.model import Kind, Span

_SCHEME = re.compile(
    r"\b(?:social security(?: number| no\.?)?|ssn|national insurance(?: number| no\.?)?|"
    r"ni number|ni no\.?|nino|aadhaar(?: number| no\.?)?|aadhar|cpf(?: number)?|"
    r"resident registration(?: number)?|rrn|nric(?: number)?|fin number|"
    r"social insurance(?: number)?|sin|bsn|burgerservicenummer|citizen service number|"
    r"personnummer|personal identity number|my ?number|individual number|nin|"
    r"national identi(?:ty|fication)(?: number| no\.?)?|national id(?: number| no\.?)?|"
    r"pan(?: card)?(?: number)?|permanent account number|nir|insee(?: number)?|dni|nie|"
    r"passport(?: number| no\.?)?|id card(?: number| no\.?)?|identity card(?: number| no\.?)?|"
    r"identity number|id number|tax (?:id|file number|number)|tfn|tin|curp|rut|rfc|"
    r"pesel|codice fiscale|steuer-?id|cnp|hkid|emirates id|cédula|cedula|"
    r"health (?:card|insurance) number|medicare number|nhs number|driv(?:er'?s|ing) licen[cs]e"
    r"(?: number)?)",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"(?<![\w\-./])(?:"
    r"[A-Z]{1,3}[ \-]?\d[\d \-./]{2,22}\d(?:[ \-]?[A-Z]{1,2})?"
    r"|\d[\d \-./]{3,22}\d(?:[ \-]?[A-Z])?"
    r"|[A-Z]{5}\d{4}[A-Z]"
    r")(?![\w\-]|[./]\d)"
)
# Shapes that are identifiers wherever they appear.
_SPECIFIC = re.compile(
    r"(?<![\w\-./])(?:"
    r"\d{3}\.\d{3}\.\d{3}-\d{2}"  # Brazil CPF
    r"|\d{6}-[1-8]\d{6}"  # Korea RRN
    # UK National Insurance number
    r"|(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]"
    r"|[STFGM]\d{7}[A-Z]"  # Singapore NRIC / FIN
    r"|[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]"  # India PAN
    r"|(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}"  # US SSN
    r")(?![\w\-]|[./]\d)"
)
_WINDOW = 64


def national_ids(text: str) -> Iterator[Span]:
    """Government identifiers named by their scheme, and the self-evident shapes."""
    seen: set[int] = set()
    for cue in _SCHEME.finditer(text):
        # Short acronyms ("SIN", "PAN", "NIN") are ordinary words in lower case.
        if len(cue.group()) <= 4 and not cue.group().isupper():
            continue
        value = _VALUE.search(text, cue.end(), min(len(text), cue.end() + 2 * _WINDOW))
        if value is None or value.start() in seen or value.start() > cue.end() + _WINDOW:
            continue
        digits = sum(c.isdigit() for c in value.group())
        if digits < 6:
            continue
        seen.add(value.start())
        yield Span(
            value.start(),
            value.end(),
            Kind.NATIONAL_ID,
            value.group(),
            f"identifier after '{cue.group()}'",
        )
    for m in _SPECIFIC.finditer(text):
        if m.start() not in seen:
            yield Span(m.start(), m.end(), Kind.NATIONAL_ID, m.group(), "national identifier shape")
