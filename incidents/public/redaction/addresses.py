"""Street addresses: a street-shaped anchor, extended over the parts that follow it.

An anchor is something only addresses look like: a flat or unit number ("Flat 2A"), a
house number before a street type ("25 Admiralty Way", "48 avenue des Tilleuls",
"276 Daehak-ro", "1-2-10 Jiyugaoka"), a street type before its name ("Calle Mayor 209",
"Rua das Acácias 1159"), a German compound ("Lindenstraße 32c"), or whatever follows the
word "address". From there the span grows over comma- or dash-separated parts that start
with a capital or a digit (district, city, state, postcode) and stops at the first part that
starts with an ordinary lower-case word, at a sentence end or at a bracket, so "…, Abuja,
alongside her photograph" and "…, Yuseong-gu in Daejeon" end where the address does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidents.public.redaction.model import Kind, Span

_NUMBER_WORD = r"(?:No\.|No:|Nr\.|N°|n°|#|kv\.|apt\.|d\.)"
# Upper-case initials: ASCII, Latin-1 and the Latin Extended blocks ("İstanbul", "Łódź").
_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u024f\u1e00-\u1eff"
_CAP = rf"[{_UPPER}][\w'\u2019\-]{{0,30}}"
_LINK = r"(?:de|da|das|do|dos|del|della|di|du|des|la|le|of|the|van|der|von|y|e|l'|d')"
_STREET_TYPES = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Way|Drive|Dr\.?|Lane|Ln\.?|Close|Crescent|"
    r"Place|Court|Terrace|Boulevard|Blvd\.?|Highway|Hwy\.?|Parade|Square|Row|Gardens|Grove|"
    r"Walk|Mews|Circle|Trail|Parkway|Esplanade|Quay|Wharf|Marg|Nagar|Salai|Cross|Main|"
    r"Caddesi|Cad\.|Sokak|Sok\.|Bulvar\u0131|utca|út|tér)"
)
_UNIT = (
    r"(?:Flat|Apt\.?|Apartment|Appartement|Unit|Suite|Villa|House No\.?|House|Room|Plot|"
    r"Block|Building|Bldg\.?|Apto\.?|Wohnung|Chambre|Piso|Casa|Lot|H\. ?No\.?)"
)
_FRONT_TYPES = (
    r"(?:Calle|Carrer|Rua|Travessa|Avenida|Av\.|Alameda|Rambla|Paseo|Plaza|Praça|Praca|"
    r"Via|Viale|Corso|Piazza|Largo|Rue|Chemin|Strada|Ulica|ul\.|Jalan|Jl\.|Soi|Thanon|Calea|"
    r"Carretera|Camino|Ronda|Estrada|Rodovia|Rruga|Ulitsa|Ulica|Ul\.|Bulevar|Bulevardul|Strada|"
    r"Jalan|Lorong|Calle|Cra\.|Carrera|Avenue|Boulevard)"
)
_FR_TYPES = (
    r"(?:[Rr]ue|[Aa]venue|av\.|[Bb]oulevard|bd|[Qq]uai|place|chemin|allée|impasse|route|"
    r"cours|square)"
)
_GERMAN = (
    r"(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|steig|pfad|chaussee|straat|"
    r"gracht|laan|plein|kade|dijk|singel|steeg|vej|gade|gatan|vägen|väg|gata|gate|veien|vei|"
    r"katu|tie|kuja)"
)

ANCHOR = re.compile(
    r"(?<![\w\-/])(?:"
    rf"{_UNIT} ?[A-Z]?\d[\w/\-]{{0,8}}"
    r"|(?:P\.? ?O\.? Box|Postfach|Caixa Postal|Apartado|Casilla|BP) \d{1,6}"
    rf"|\d{{1,5}}[A-Za-z]?(?:[/\-]\d{{1,5}}[A-Za-z]?){{0,3}},? "
    rf"(?:(?:{_CAP}|{_LINK}|\d{{1,3}}(?:st|nd|rd|th)) ){{0,4}}"
    rf"{_STREET_TYPES}(?![\w])"
    rf"|\d{{1,4}}(?: ?(?:bis|ter))?,? {_FR_TYPES} (?:{_LINK} ?){{0,2}}{_CAP}"
    rf"|\d{{1,4}}(?:-\d{{1,4}})? [A-Z][a-z]{{1,20}}-(?:ro|gil|daero|dong|gu)(?![\w])"
    rf"|\d{{1,4}}-\d{{1,4}}(?:-\d{{1,4}})? [A-Z][a-z]{{2,20}}(?:-[a-z]{{2,10}})?"
    rf"|{_FRONT_TYPES} (?:{_LINK} ){{0,2}}[{_UPPER}0-9][\w'\u2019\-]{{0,30}}"
    rf"(?: (?:{_NUMBER_WORD} ?\d{{1,5}}(?:-\d{{1,5}})?[A-Za-z]?|{_CAP}|{_LINK})){{0,4}}"
    rf"(?:,? (?:{_NUMBER_WORD} ?)?\d{{1,5}}[A-Za-z]?)?"
    rf"|[A-Z]-\d{{1,4}}, (?:Sector|Block|Phase|Pocket) \d{{1,3}}[A-Z]?"
    rf"|[A-ZÄÖÜÅØÆ][a-zäöüßåøæ]{{2,30}}{_GERMAN} \d{{1,4}}[a-z]?(?:-\d{{1,3}})?"
    rf"|(?:Am|An der|Auf dem|Im|In der|Zum|Zur) [A-ZÄÖÜ][a-zäöüß]{{2,30}} \d{{1,4}}[a-z]?"
    r")"
)
_NAMED_STREET = re.compile(
    r"(?<![\w\-])[A-Z][a-z]{2,20} (?:Close|Crescent|Road|Street|Lane|Avenue|Drive)(?![\w])"
)
_CUE = re.compile(
    r"\b(?:(?<!ip )(?<!e-mail )(?<!email )(?<!mac )(?<!web )(?<!wallet )address(?:es)?|"
    r"home at|lives at|living at|resides at|residing at|staying at|registered at|lives on|"
    r"living on|resides on|"
    r"sent to|delivered to|moved to|discharged to)[\s,:(]{1,3}(?:is |was |as |at |of )?",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(_CUE.pattern + "$", re.IGNORECASE)
_WORD = (
    rf"(?:{_NUMBER_WORD} ?\d{{1,5}}(?:-\d{{1,5}})?[A-Za-z]?|"
    rf"[{_UPPER}0-9][\w'\u2019ºª°\-]{{0,30}}(?:\.º)?|"
    rf"No\.|St\.|CEP|casa|apto|piso|bloco|andar|"
    rf"{_FR_TYPES})"
)
PART = re.compile(rf"(?:, | - | \u2013 |/| )({_WORD}(?: (?:{_WORD}|{_LINK})){{0,5}})")
_FIRST_PART = re.compile(rf"{_WORD}(?: (?:{_WORD}|{_LINK})){{0,5}}")
_MAX_PARTS = 8


def _extend(text: str, end: int) -> int:
    """Grow an address from ``end`` over the parts that follow it."""
    for _ in range(_MAX_PARTS):
        m = PART.match(text, end)
        if m is None:
            break
        part = m.group(1)
        # "in Daejeon" and "and her ID card" start lower case and are not part of it.
        while part.split(" ")[-1] in {"de", "da", "das", "do", "dos", "del", "of", "the", "y"}:
            part = part.rsplit(" ", 1)[0]
        end = m.start(1) + len(part)
    return end


def _cued(text: str) -> Iterator[tuple[int, int]]:
    for m in _CUE.finditer(text):
        start = m.end()
        if start < len(text) and (text[start].isupper() or text[start].isdigit()):
            first = _FIRST_PART.match(text, start)
            end = _extend(text, first.end()) if first else start
            chunk = text[start:end]
            if any(c.isdigit() for c in chunk) and " " in chunk:
                yield start, end


def street_addresses(text: str) -> Iterator[Span]:
    """Postal addresses as written, from the flat or house number to the postcode."""
    found: list[tuple[int, int, str]] = []
    for m in ANCHOR.finditer(text):
        found.append((m.start(), _extend(text, m.end()), "street address"))
    for m in _NAMED_STREET.finditer(text):
        end = _extend(text, m.end())
        # A bare "Kanu Street" is an address when the text says so or when more parts follow.
        if (
            _CUE_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
            or text.count(",", m.end(), end) >= 2
        ):
            found.append((m.start(), end, "named street"))
    for start, end in _cued(text):
        found.append((start, end, "text after 'address'"))
    last_end = -1
    for start, end, reason in sorted(found, key=lambda f: (f[0], -f[1])):
        if start >= last_end:
            value = text[start:end].rstrip(" ,-")
            yield Span(start, start + len(value), Kind.STREET_ADDRESS, value, reason)
            last_end = start + len(value)
