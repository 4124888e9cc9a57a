"""Generate bench/data/pii_extra.json: a second labelled PII set, written unlike the dev set.

Usage::

    python bench/pii_extra_gen.py [--seed 20261205] [--items 96] [--out bench/data/pii_extra.json]

The format is the one of shared/data/pii_dev.json (its description is copied in, with what
differs). Narratives come from the templates below, which use other styles than the dev
set's: timelines, interview notes, regulator letters, bullet-like summaries, quoted chat
logs, people named first in a sentence or in parentheses. Names come from cultures and
spellings the dev set barely has (Polish, Turkish, Vietnamese, Indonesian, Filipino, Māori
and Pacific, Ethiopian, Hausa/Yoruba/Igbo, Zulu, Maghrebi, Persian, Slavic, Czech,
Hungarian, Nordic, Hebrew, Indian, Chinese, Japanese, Korean, Thai, Malay, Andean),
and phone numbers, IBANs, cards and identifiers are generated and checked (libphonenumber,
mod-97, Luhn). Distractors: AI products named like people ("Clara", "Theo"), companies named
after a surname ("Halvorsen Maritime"), cities and countries that are also given names
("Florence", "Jordan"), version numbers shaped like IPv4 addresses, statutes, tickets,
CVE ids, report references and incident dates.

Offsets are computed while the text is assembled, so they are exact; a keep string is
dropped from an item when it would overlap or contain one of the item's gold spans.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

OUT = Path(__file__).resolve().parent / "data" / "pii_extra.json"

# (given, surname, surname-first?) — surname-first names are written family name first.
PEOPLE = [
    ("Marta", "Kowalczyk", False),
    ("Tomasz", "Wiśniewski", False),
    ("Zofia", "Lewandowska", False),
    ("Mehmet", "Öztürk", False),
    ("Ayşe", "Kaya", False),
    ("Burak", "Çelik", False),
    ("Zeynep", "Arslan", False),
    ("Minh Tuấn", "Phạm", True),
    ("Thị Hoa", "Lê", True),
    ("Đức Anh", "Hoàng", True),
    ("Dewi", "Lestari", False),
    ("Agus", "Pratama", False),
    ("Siti", "Rahmawati", False),
    ("Rizky", "Hidayat", False),
    ("Analyn", "Villanueva", False),
    ("Ramon", "Soriano", False),
    ("Hemi", "Walker", False),
    ("Mere", "Parata", False),
    ("Tevita", "Fifita", False),
    ("Losana", "Vea", False),
    ("Sione", "Taufa", False),
    ("Zawadi", "Achieng", False),
    ("Juma", "Mwakilema", False),
    ("Halima", "Chepkoech", False),
    ("Abebe", "Girma", False),
    ("Hiwot", "Tadesse", False),
    ("Selamawit", "Alemu", False),
    ("Folake", "Adebayo", False),
    ("Chidi", "Okonkwo", False),
    ("Aminu", "Bello", False),
    ("Ifeoma", "Eze", False),
    ("Lindiwe", "Mahlangu", False),
    ("Themba", "Khumalo", False),
    ("Rania", "Khoury", False),
    ("Youssef", "Benali", False),
    ("Salma", "Idrissi", False),
    ("Hamza", "Qasim", False),
    ("Arash", "Karimi", False),
    ("Leila", "Moradi", False),
    ("Navid", "Farahani", False),
    ("Aleksandr", "Volkov", False),
    ("Oksana", "Shevchenko", False),
    ("Irina", "Petrova", False),
    ("Jana", "Nováková", False),
    ("Petr", "Dvořák", False),
    ("Eszter", "Nagy", False),
    ("Gábor", "Horváth", False),
    ("Aino", "Virtanen", False),
    ("Jukka", "Korhonen", False),
    ("Guðrún", "Jónsdóttir", False),
    ("Einar", "Magnússon", False),
    ("Bjørn", "Halvorsen", False),
    ("Ingeborg", "Dahl", False),
    ("Mads", "Kristensen", False),
    ("Noa", "Shapiro", False),
    ("Avi", "Mizrahi", False),
    ("Tamar", "Ben-David", False),
    ("Ananya", "Krishnan", False),
    ("Vivek", "Banerjee", False),
    ("Lakshmi", "Subramanian", False),
    ("Harpreet", "Kaur", False),
    ("Aditya", "Joshi", False),
    ("Mei", "Huang", True),
    ("Jie", "Zhou", True),
    ("Yating", "Lin", True),
    ("Hiroshi", "Sato", True),
    ("Yuki", "Matsumoto", False),
    ("Kenta", "Watanabe", False),
    ("Emi", "Fujita", False),
    ("Yu-na", "Choi", True),
    ("Tae-yang", "Yoon", True),
    ("Seung-woo", "Han", True),
    ("Camila", "Rojas", False),
    ("Mateo", "Vargas", False),
    ("Valeria", "Quispe", False),
    ("Santiago", "Herrera", False),
    ("Ximena", "Castañeda", False),
    ("Inês", "Figueiredo", False),
    ("Beatriz", "Gonçalves", False),
    ("Harriet", "Blackwood", False),
    ("Owen", "Pritchard", False),
    ("Fiona", "MacLeod", False),
    ("Declan", "Brennan", False),
    ("Chloé", "Marchand", False),
    ("Lukas", "Brandt", False),
    ("Greta", "Vogel", False),
    ("Pieter", "Jansen", False),
    ("Femke", "Bakker", False),
    ("Lorenzo", "Bianchi", False),
    ("Chiara", "Russo", False),
    ("Anan", "Charoenkul", False),
    ("Kanya", "Srisuk", False),
    ("Niran", "Boonmee", False),
    ("Faiz", "bin Ismail", False),
    ("Nurul", "Aisyah", False),
    ("Aigerim", "Nurlanovna", False),
    ("Bolat", "Seitkali", False),
    ("Dinh", "Quang", False),
    ("Kofi", "Asante", False),
    ("Efua", "Owusu", False),
    ("Mamadou", "Diallo", False),
    ("Awa", "Ndiaye", False),
    ("Ruslan", "Aliyev", False),
    ("Nino", "Beridze", False),
    ("Teodora", "Ionescu", False),
    ("Milan", "Petrović", False),
    ("Vesna", "Kovačić", False),
    ("Jasmin", "van den Broek", False),
    ("Koen", "de Graaf", False),
    ("Ana", "dos Santos", False),
]
TITLES = ["Dr.", "Dr", "Ms", "Mr", "Mrs.", "Professor", "Nurse", "Judge", "Officer", "Mx"]
ORGS = [
    "Halvorsen Maritime",
    "Okonkwo & Partners",
    "Ferreira Capital",
    "Blackwood Analytics",
    "Asante Foods",
    "Nimbaro Health",
    "Quillstone Insurance",
    "Velora Transit Authority",
    "Tamarind Telecom",
    "Greyfield County Council",
    "Oriel Payments",
    "Kauri Bank",
    "Cordillera Mining",
    "Sunbridge Pharmacy",
    "Larchmont School Board",
    "Pellucid Robotics",
    "Hartwell & Rowe Solicitors",
    "Nordvik Energi AS",
    "Bellamy Logistics Ltd",
    "Marisol Hotels",
]
SYSTEMS = [
    "Clara",
    "Theo",
    "Maya",
    "Leo",
    "Eve",
    "Jasper",
    "Atlas-3",
    "Beacon 2",
    "TriageLens",
    "HireRank Pro",
    "Sentinel-12B",
    "CivicBot",
    "PolyScribe",
    "RouteWise 4",
    "Ophira-70B",
    "DocuMind",
    "ShieldNet",
    "Kairos Agent",
    "VisionGate 5",
    "CareCompanion",
]
PERSONA_SYSTEMS = ["Clara", "Theo", "Maya", "Leo", "Eve", "Jasper"]
CITIES = [
    "Florence",
    "Charlotte",
    "Victoria",
    "Kraków",
    "Izmir",
    "Da Nang",
    "Surabaya",
    "Cebu",
    "Wellington",
    "Mombasa",
    "Addis Ababa",
    "Kano",
    "Durban",
    "Casablanca",
    "Tabriz",
    "Kharkiv",
    "Brno",
    "Debrecen",
    "Tampere",
    "Reykjavík",
    "Bergen",
    "Haifa",
    "Chennai",
    "Chengdu",
    "Sapporo",
    "Busan",
    "Cusco",
    "Medellín",
    "Porto",
    "Turin",
    "Eindhoven",
]
COUNTRIES = [
    "Jordan",
    "Georgia",
    "Chad",
    "Turkey",
    "Vietnam",
    "Indonesia",
    "Philippines",
    "New Zealand",
    "Ethiopia",
    "Morocco",
    "Iran",
    "Ukraine",
    "Czechia",
    "Hungary",
    "Finland",
    "Iceland",
    "Norway",
    "Israel",
    "Japan",
    "Peru",
    "Portugal",
    "Netherlands",
    "Thailand",
]
STATUTES = [
    "Section 5 of the Online Safety Act 2023",
    "Article 5(1)(f) of the GDPR",
    "Art. 35 GDPR",
    "Article 50 of the AI Act",
    "Section 13 of the Privacy Act 2020",
    "Regulation (EU) 2016/679",
    "the Data Protection Act 2018",
    "Article 14 of Directive 2011/83",
]
PHONE_REGIONS = [
    "GB",
    "US",
    "FR",
    "DE",
    "PL",
    "TR",
    "ID",
    "PH",
    "NZ",
    "KE",
    "ET",
    "NG",
    "ZA",
    "MA",
    "UA",
    "CZ",
    "HU",
    "FI",
    "NO",
    "IL",
    "IN",
    "CN",
    "JP",
    "KR",
    "CO",
    "PE",
    "PT",
    "IT",
    "NL",
    "TH",
    "MY",
    "VN",
    "CA",
    "MX",
]
IBAN_COUNTRIES = {
    "DE": 22,
    "FR": 27,
    "ES": 24,
    "IT": 27,
    "NL": 18,
    "BE": 16,
    "GB": 22,
    "PL": 28,
    "PT": 25,
    "AT": 20,
    "CH": 21,
    "NO": 15,
    "DK": 18,
    "FI": 18,
    "TR": 26,
    "SA": 24,
    "AE": 23,
    "IL": 23,
    "CZ": 24,
    "HU": 28,
    "RO": 24,
    "GR": 27,
}
HANDLE_WORDS = ["kestrel", "juniper", "quartz", "nimbus", "saffron", "otter", "lumen", "basalt"]


@dataclass
class Person:
    """One person of an item: how they are written, and whether the form lists them."""

    given: str
    surname: str
    surname_first: bool
    listed: bool

    @property
    def full(self) -> str:
        if self.surname_first:
            return f"{self.surname} {self.given}"
        return f"{self.given} {self.surname}"


@dataclass
class Builder:
    """Assembles one narrative, recording gold spans and keep strings as it goes."""

    rng: random.Random
    parts: list[str] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    length: int = 0

    def plain(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def gold(self, text: str, kind: str) -> None:
        self.spans.append(
            {"start": self.length, "end": self.length + len(text), "type": kind, "text": text}
        )
        self.plain(text)

    def kept(self, text: str) -> None:
        self.keep.append(text)
        self.plain(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    """A card number starting with ``prefix`` whose last digit makes it Luhn-valid."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        candidate = body + check
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char)
            if index % 2:
                value = value * 2 - 9 if value > 4 else value * 2
            total += value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable: one check digit always works")


def card(rng: random.Random) -> str:
    scheme = rng.choice(["visa", "mc", "mc2", "amex", "discover", "jcb", "unionpay", "diners"])
    prefix, length, groups = {
        "visa": ("4", 16, (4, 4, 4, 4)),
        "mc": (str(rng.randint(51, 55)), 16, (4, 4, 4, 4)),
        "mc2": (str(rng.randint(2221, 2720)), 16, (4, 4, 4, 4)),
        "amex": (rng.choice(["34", "37"]), 15, (4, 6, 5)),
        "discover": ("6011", 16, (4, 4, 4, 4)),
        "jcb": (str(rng.randint(3528, 3589)), 16, (4, 4, 4, 4)),
        "unionpay": ("62", 16, (4, 4, 4, 4)),
        "diners": ("36", 14, (4, 6, 4)),
    }[scheme]
    digits = luhn_complete(prefix, length, rng)
    style = rng.choice([" ", "-", "", " "])
    if not style:
        return digits
    out, cursor = [], 0
    for size in groups:
        out.append(digits[cursor : cursor + size])
        cursor += size
    return style.join(out)


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(IBAN_COUNTRIES))
    length = IBAN_COUNTRIES[country]
    bban = "".join(rng.choice("0123456789") for _ in range(length - 4))
    if country in {"GB", "NL"}:
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + bban[4:]
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    compact = f"{country}{check:02d}{bban}"
    if rng.random() < 0.6:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def phone(rng: random.Random) -> str:
    for _ in range(200):
        region = rng.choice(PHONE_REGIONS)
        kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = str(example.national_number)
        keep = max(2, len(national) - 4)
        digits = national[:keep] + "".join(rng.choice("0123456789") for _ in national[keep:])
        number = phonenumbers.parse("+" + str(example.country_code) + digits, None)
        if not phonenumbers.is_valid_number(number):
            continue
        style = rng.choice(["intl", "intl", "national", "e164", "dots", "00"])
        if style == "intl":
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        if style == "national":
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        if style == "e164":
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
        formatted = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        if style == "00":
            return "00" + formatted[1:]
        return formatted.replace(" ", ".").replace("-", ".")
    raise AssertionError("no valid phone number generated")


def ipv4(rng: random.Random) -> str:
    base = rng.choice(["192.0.2", "198.51.100", "203.0.113", "10.4", "172.20", "100.64"])
    count = 4 - base.count(".") - 1
    return base + "".join(f".{rng.randint(1, 254)}" for _ in range(count))


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 65535):x}" for _ in range(4)]
    style = rng.choice(["short", "full", "mapped", "link"])
    if style == "full":
        return "2001:0db8:" + ":".join(f"{rng.randint(0, 65535):04x}" for _ in range(6))
    if style == "mapped":
        return f"::ffff:{ipv4(rng)}"
    if style == "link":
        return "fe80::" + ":".join(groups)
    return f"2001:db8:{groups[0]}::{groups[1]}"


def national_id(rng: random.Random) -> tuple[str, str]:
    """(how the text names the scheme, the identifier)."""
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    kind = rng.randrange(14)
    if kind == 0:
        return "Social Security number", f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{d(4)}"
    if kind == 1:
        letters = rng.choice(["AB", "JM", "NP", "RT", "WY"])
        return "National Insurance number", f"{letters}{d(6)}{rng.choice('ABCD')}"
    if kind == 2:
        return "Aadhaar", f"{rng.randint(2, 9)}{d(3)} {d(4)} {d(4)}"
    if kind == 3:
        return "CPF", f"{d(3)}.{d(3)}.{d(3)}-{d(2)}"
    if kind == 4:
        return "resident registration number", f"{d(6)}-{rng.randint(1, 4)}{d(6)}"
    if kind == 5:
        return "NRIC", f"{rng.choice('STFG')}{d(7)}{rng.choice('ABCDEFGHIZJ')}"
    if kind == 6:
        return "SIN", f"{d(3)} {d(3)} {d(3)}"
    if kind == 7:
        return "BSN", d(9)
    if kind == 8:
        return "personnummer", f"{rng.randint(50, 99)}{rng.randint(1, 12):02d}{d(2)}-{d(4)}"
    if kind == 9:
        return "My Number", f"{d(4)} {d(4)} {d(4)}"
    if kind == 10:
        return "NIN", d(11)
    if kind == 11:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        return "PAN", f"{letters}P{rng.choice('ABCDEFGH')}{d(4)}{rng.choice('ABCDEFGH')}"
    if kind == 12:
        return "passport number", f"{rng.choice('CDEKLNPRUX')}{rng.choice('ABCDEFGH')}{d(7)}"
    return "national ID number", f"{d(8)}{rng.choice('TRWAGMYFPDXBNJZSQVHLCKE')}"


def street_address(rng: random.Random, city: str) -> tuple[str, str | None]:
    """(address, city mentioned separately or None): a few countries' conventions."""
    n = rng.randint(2, 240)
    forms = [
        (f"Flat {rng.randint(1, 30)}, {n} Kingsley Road, Leeds LS6 {rng.randint(1, 9)}AB", None),
        (
            f"{n * 10} Pine Street, Apt {rng.randint(1, 12)}B, Seattle, "
            f"WA 98{rng.randint(100, 199)}",
            None,
        ),
        (f"ul. Długa {n}/{rng.randint(1, 9)}, 80-{rng.randint(100, 999)} Gdańsk", None),
        (f"Via Garibaldi {n}, 10{rng.randint(100, 199)} Torino", None),
        (f"Jl. Diponegoro No. {n}, Surabaya 60{rng.randint(100, 299)}", None),
        (f"Unit {rng.randint(1, 40)}C, Narra Tower, Ayala Avenue, Makati City", None),
        (f"{n} Adeola Odeku Street, Victoria Island, Lagos", None),
        (f"Atatürk Caddesi No: {n}, Kad\u0131köy, İstanbul", None),
        (f"Keizersgracht {n}-{rng.randint(1, 3)}, 1015 CJ Amsterdam", None),
        (f"{n} Karangahape Road, Auckland 1010", None),
        (f"Apartment {rng.randint(10, 99)}, {n} Bole Road", city),
        (f"{n} Harbour View Terrace", city),
        (f"Avenida Insurgentes Sur {n * 7}, Colonia Del Valle, 03100 Ciudad de México", None),
        (f"Rruga e Kavajës {n}", city),
    ]
    return rng.choice(forms)


def birth_date(rng: random.Random) -> tuple[str, str]:
    """(cue before, date of birth)."""
    year, month, day = rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28)
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    date = rng.choice(
        [
            f"{day} {months[month - 1]} {year}",
            f"{months[month - 1]} {day}, {year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day:02d}/{month:02d}/{year}",
            f"{day:02d}.{month:02d}.{year}",
        ]
    )
    cue = rng.choice(["born ", "born on ", "DOB: ", "date of birth ", "D.O.B. ", "birthday, "])
    return cue, date


def incident_date(rng: random.Random) -> str:
    year, month, day = rng.randint(2025, 2026), rng.randint(1, 12), rng.randint(1, 28)
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return rng.choice(
        [
            f"{day} {months[month - 1]} {year}",
            f"{months[month - 1]} {day}, {year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day} {months[month - 1][:3]} {year}",
        ]
    )


def handle(rng: random.Random, person: Person) -> str:
    base = re.sub(r"[^a-z]", "", person.given.lower())[:8] or "user"
    return rng.choice(
        [
            f"{base}_{rng.choice(HANDLE_WORDS)}{rng.randint(1, 99)}",
            f"{rng.choice(HANDLE_WORDS)}.{base}",
            f"{base}{rng.randint(100, 9999)}",
            f"{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}",
        ]
    )


def email(rng: random.Random, person: Person | None) -> str:
    domain = rng.choice(
        [
            "example.com",
            "mail.example.org",
            "corp.example.net",
            "inbox.example",
            "students.example.edu",
            "example.co.uk",
        ]
    )
    if person is None:
        return f"{rng.choice(HANDLE_WORDS)}{rng.randint(1, 999)}@{domain}"
    given = re.sub(r"[^a-z]", "", _ascii(person.given).lower())
    surname = re.sub(r"[^a-z]", "", _ascii(person.surname).lower())
    local = rng.choice(
        [
            f"{given}.{surname}",
            f"{given[0]}{surname}",
            f"{surname}.{given}+ai",
            f"{given}_{surname}{rng.randint(1, 99)}",
        ]
    )
    return f"{local}@{domain}"


def _ascii(text: str) -> str:
    import unicodedata

    table = str.maketrans({"ø": "o", "ð": "d", "đ": "d", "ł": "l", "\u0131": "i", "Đ": "D"})
    return unicodedata.normalize("NFKD", text.translate(table)).encode("ascii", "ignore").decode()


def ref(rng: random.Random) -> str:
    return rng.choice(
        [
            f"RPT-{rng.randint(2025, 2026)}-{rng.randint(10000, 99999)}",
            f"INC-{rng.randint(2025, 2026)}-{rng.randint(10000, 99999)}",
            f"CVE-{rng.randint(2025, 2026)}-{rng.randint(1000, 59999)}",
            f"OPS-{rng.randint(1000, 9999)}",
            f"CASE/{rng.randint(2025, 2026)}/{rng.randint(10, 999)}",
        ]
    )


def version(rng: random.Random) -> str:
    return ".".join(str(rng.randint(0, 20)) for _ in range(4))


# Narrative templates. Slots: {A} full name, {A.g} given name, {A.s} surname, {A.T} a title
# (kept outside the span) and the surname; {EMAIL.A}/{EMAIL}, {PHONE}, {IBAN}, {CARD}, {IP4},
# {IP6}, {NID} ("scheme number"), {DOB} ("born 1 May 1980"), {ADDR}, {USER.A} (no @);
# kept: {ORG}, {ORG2}, {SYS}, {PERSONA}, {CITY}, {COUNTRY}, {DATE}, {DATE2}, {REF}, {VER},
# {STATUTE}.
TEMPLATES = [
    "Timeline. {DATE}, 09:12 - {PERSONA}, the virtual concierge of {ORG}, began answering "
    "booking questions with details of other guests. 09:40 - {A} ({EMAIL.A}) complained that "
    "the assistant had read out the room number and mobile ({PHONE}) of another guest, {B}. "
    "10:05 - engineering disabled retrieval; {PERSONA} was rolled back to build {VER}. "
    "{B.g} has been offered a direct line to the privacy team.",
    "Interview notes, {REF}. {A.T} said the triage model {SYS} had marked her patient as "
    "low priority. The patient, {B} ({DOB}), waited four hours in {CITY}. Asked why, "
    "{A.s} pointed to a change shipped on {DATE}. {B.g}'s daughter, {C}, can be reached "
    "at {EMAIL.C} or {PHONE}.",
    "To the supervisory authority: under {STATUTE} we report that our screening tool {SYS} "
    "rejected applicants whose CVs mentioned career breaks. One of them, {A}, wrote to us "
    "from {EMAIL.A}; another, {B}, called {PHONE}. Both have been re-assessed. {ORG} "
    "paused the tool on {DATE}.",
    "Summary: a scammer used a cloned voice of {A}, finance director at {ORG}, to ask a "
    "junior clerk, {B.g}, for a payment to {IBAN}. {B.g} noticed that the call came from "
    "{PHONE}, not the director's usual number, and alerted {C.T}. No money left the account.",
    "{A}, a courier working for {ORG} in {CITY}, was deactivated by the dispatch model "
    "{SYS} after it misread GPS noise as detours. {A.s} appealed through the driver app "
    "under the handle @{USER.A}; the appeal was closed automatically. The union "
    "representative, {B}, raised it with the company on {DATE}.",
    "Chat log excerpt (redacted by us except where noted): user asked the bot {PERSONA} to 'find "
    "my neighbour'. The bot replied with a full address, {ADDR}, and a phone number, "
    "{PHONE}. The neighbour, {A}, had never used the service. Logs show the request came "
    "from {IP4}. Tracked as {REF}.",
    "A fraud model at {ORG} froze the account of {A} ({NID}) after misreading a salary "
    "payment as structuring. {A.g} could not pay rent from {IBAN} for eleven days. "
    "Complaints handler {B} apologised on {DATE}. The model, {SYS}, is being recalibrated.",
    "On {DATE}, an autonomous shuttle running {SYS} firmware {VER} braked late at a "
    "crossing in {CITY}. A cyclist, {A}, was bruised. Witness {B} filmed the incident and "
    "sent it to {EMAIL.B}. {A.T} was examined at the scene. The operator, {ORG}, has "
    "limited the fleet to 20 km/h.",
    "Background: {ORG} deployed {SYS} to summarise GP letters. For patient {A} ({DOB}, "
    "{NID}), the summary swapped the dosage of two medicines. Pharmacist {B.s} caught "
    "the error before dispensing. {A.g}'s carer, {C}, lives at {ADDR} and was informed "
    "by post.",
    "What happened: an employee pasted a customer spreadsheet into {SYS}. It contained "
    "card numbers such as {CARD} and e-mail addresses such as {EMAIL.A}. The customer "
    "{A} later received a phishing text on {PHONE}. {B}, the data protection officer, "
    "notified regulators in {COUNTRY} under {STATUTE}.",
    "{A.T} reported that the exam-proctoring system {SYS} flagged student {B} ({USER.B}) "
    "for looking away from the screen; {B.g} is partially sighted. The university in "
    "{CITY} has since overturned the flag, citing {STATUTE}. Ticket {REF}.",
    "Our agentic assistant {PERSONA} was asked to 'clean up old invoices' and instead "
    "e-mailed a folder of payroll slips to an outside address, {EMAIL}. The slips "
    "included bank details (e.g. {IBAN}) of {A} and {B}. {C}, head of security at "
    "{ORG}, revoked the agent's mail permission on {DATE}.",
    "Three residents of {CITY} complained that the council chatbot {PERSONA} disclosed "
    "their benefit status. Among them was {A}, whose {NID} appeared in a reply to a "
    "stranger. {A.s} was told about it by a neighbour, {B}. The council ({ORG}) "
    "disabled the feature on {DATE2}.",
    "Incident {REF}: login attempts against the admin console of {SYS} came from {IP6} "
    "and {IP4}. The attacker used the stolen credentials of {A} (username {USER.A}). "
    "{A.g} noticed an unexpected MFA prompt and phoned the help desk on {PHONE}.",
    "A deepfake video of {A}, a school principal in {CITY}, circulated on a messaging app "
    "on {DATE}. It was generated with a face-swap tool and posted by the account "
    "u/{USER.B}. {A.s} reported it to {ORG}; police officer {C.s} took the statement.",
    "The recommendation engine of {ORG} showed {A}'s purchase history, including her "
    "delivery address, {ADDR}, to another shopper, {B}. {B.g} e-mailed {EMAIL.B} to warn "
    "the shop. The bug was introduced in version {VER} and fixed on {DATE}.",
    "From the hotline record: caller {A} ({PHONE}) said the voice bot {PERSONA} had asked "
    "for her full card number, {CARD}, and date of birth to 'verify' her. The caller "
    "gave both. {ORG} has blocked the card and refunded the charges; {B.T} leads the "
    "review.",
    "In {COUNTRY}, an AI translation tool used by a court mistranslated testimony from "
    "{A}. Interpreter {B} spotted it. The judge, {C.T}, adjourned the hearing until "
    "{DATE2}. The vendor, {ORG}, attributed it to model {SYS}.",
    "Medical imaging model {SYS} missed a fracture on the X-ray of {A} ({DOB}). "
    "Radiographer {B} flagged the discrepancy; {C.T} confirmed it. Contact for the "
    "family: {EMAIL.A}, {PHONE}. Reference {REF}.",
    "A tenant-screening score from {SYS} led {ORG} to refuse {A} a flat at {ADDR}. "
    "{A.s} asked for the reasons under {STATUTE}. {ORG2}, acting for {A.g}, wrote to "
    "the landlord on {DATE}.",
    "{PERSONA}, the companion app's character, told a 15-year-old user ({USER.A}) to "
    "keep their conversations secret from their parents. The parent, {B}, found the "
    "messages on {DATE}. {ORG} says {PERSONA} now refers minors to a helpline.",
    "Payroll agent {SYS} paid {A} twice and {B} not at all after a currency mix-up. "
    "{B.g} went unpaid because the agent misread the IBAN {IBAN}. {C}, the payroll lead "
    "at {ORG}, reversed the payment.",
    "The smart-lock assistant {PERSONA} unlocked the front door of {ADDR} for a visitor "
    "who imitated the owner's voice. The owner, {A}, was abroad in {COUNTRY}. Her "
    "brother, {B.g}, found the door open. {ORG} pushed firmware {VER}.",
    "An HR screening bot ranked {A} last because her CV listed a women's college. "
    "Recruiter {B} overrode it; {A.g} was hired. Contact: {EMAIL.A}. The vendor {ORG} "
    "(product {SYS}) was told on {DATE}.",
    "Search assistant {SYS} answered a query about {A} with an invented criminal record. "
    "{A.s} learned of it from colleague {B}. {A.g}'s lawyer, {C}, sent a notice citing "
    "{STATUTE}. Server logs list the request from {IP4}.",
    "{A}, {B} and {C} were named in a training-data leak from {ORG}. The leaked file "
    "held {A.g}'s {NID} and {B.g}'s phone number {PHONE}. {C.s} was only named.",
]

# Round two: written after the engine was tuned on everything above, to measure it blind
# (see the description). Longer narratives, a second name pool, other address conventions.
PEOPLE_B = [
    ("Wiremu", "Tane", False),
    ("Aroha", "Ngata", False),
    ("Malia", "Tuilagi", False),
    ("Sefo", "Leiataua", False),
    ("Tsegaye", "Worku", False),
    ("Meron", "Haile", False),
    ("Idris", "Amazigh", False),
    ("Tiziri", "Ait Said", False),
    ("Batbayar", "Ganbold", False),
    ("Oyuun", "Bold", False),
    ("Nuka", "Kleist", False),
    ("Aputsiaq", "Lynge", False),
    ("Siobhan", "Ní Bhriain", False),
    ("Cathal", "Mac Giolla", False),
    ("Paloma", "Pérez García", False),
    ("Joaquín", "Ruiz de Alda", False),
    ("Khalid", "bin Rashid", False),
    ("Huda", "Al-Qahtani", False),
    ("Dagny", "Sigurðardóttir", False),
    ("Jessica", "Wang", False),
    ("Kevin", "Nakashima", False),
    ("Wulandari", "Putri", False),
    ("Thandeka", "Ndlovu", False),
    ("Kagiso", "Molefe", False),
    ("Ngozi", "Adeyemi-Bello", False),
    ("Faith", "Mwangi", False),
    ("Hope", "Chikwanha", False),
    ("Bill", "Thorsen", False),
    ("Victoria", "Lindahl", False),
    ("Tanvir", "Hossain", False),
    ("Rukhsana", "Begum", False),
    ("Shreya", "Ghoshal", False),
    ("Dinara", "Akhmetova", False),
    ("Timur", "Rakhimov", False),
    ("Lucas", "von Arnim", False),
    ("Marlene", "zu Stolberg", False),
    ("Yerlan", "Dzhaksybekov", False),
    ("Priscila", "Quintero", False),
    ("Eun-ji", "Seo", True),
    ("Jia Hui", "Tan", True),
    ("Kiri", "Rangi", False),
    ("Pania", "Horomona", False),
    ("Ebo", "Mensimah", False),
    ("Adwoa", "Boakye", False),
    ("Sacnité", "Chan Poot", False),
]
ADDRESSES_B = [
    "Calle 45 # 12-34, Chapinero, Bogotá",
    "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200",
    "Block 123 Ang Mo Kio Avenue 6, #08-45, Singapore 560123",
    "Plot 45, Kampala Road, Kampala",
    "Sukhumvit Soi 11, Khlong Toei Nuea, Bangkok 10110",
    "14 Rue Ibn Batouta, Gueliz, Marrakech 40000",
    "House 12, Road 7, Dhanmondi, Dhaka 1205",
    "Apartment 3, 17 Ponsonby Road, Auckland 1011",
    "Dorpsstraat 4, 3732 HJ De Bilt",
    "Westerstraße 88, 28199 Bremen",
    "Ul. Mira 15, kv. 42, Almaty 050000",
    "PO Box 1742, Gaborone",
]
TEMPLATES_B = [
    "Case review for the board. Over three weekends in {COUNTRY}, the call-centre assistant "
    "{PERSONA} handled disputes for {ORG}. In one of them a caller said she was {A} and "
    "asked for her balance; {PERSONA} read it out together with her registered address, "
    "{ADDRB}, after the caller answered only one security question. The real {A.g} was on a "
    "flight at the time. Her husband, {B}, noticed a new payee and rang {PHONE}. Our fraud "
    "analyst, {C}, traced the call to {IP4}. Release notes for build {VER} had removed the "
    "second question; it is back since {DATE}.",
    "Statement given by {A.T} on {DATE}: 'I was supervising the night shift when the "
    "medication robot {SYS} dispensed the wrong strength to bed 14. The patient, {B}, is "
    "fine. {B.g}'s son, {C}, was visiting and filmed the screen.' {A.s} escalated to the "
    "vendor ({ORG}) the same night. The ward uses {STATUTE} as its reporting basis.",
    "Problem: {SYS}, a benefits-eligibility model used by {ORG}, cut payments to claimants "
    "whose names contain particles or apostrophes. Examples in the complaint file: {A}, {B} "
    "and {C}. {A.s} lost two months of payments; {B.s}'s claim was closed. Payments to "
    "{IBAN} have resumed. The agency's contact is {EMAIL.C}.",
    "The voice-cloning attack. A voice that sounded like {A}, chief executive of {ORG}, "
    "called {B} on {PHONE} and asked for an urgent transfer to {IBAN}. {B.s} hesitated "
    "because the caller mispronounced the name of the CFO, {C}. Investigators found the "
    "cloning service had been paid with the card {CARD}. Report {REF}.",
    "During the pilot in {CITY}, the tutoring bot {PERSONA} shared a pupil's progress "
    "report with the wrong family. The report named the pupil, {A}, her teacher, {B.T}, and "
    "gave the family login ({USER.A}). {A.g}'s mother, {C}, complained by e-mail from "
    "{EMAIL.C}. The school ({ORG}) suspended {PERSONA} on {DATE}.",
    "A hiring platform's ranking model ({SYS}) scored applicants from two postcodes lower. "
    "One applicant, {A} ({EMAIL.A}), obtained her score sheet through a data-access request "
    "under {STATUTE}. It listed her {NID} and her date of birth ({DOB}). {ORG} says the "
    "identifier should never have reached the model. {A.s}'s adviser is {B}.",
    "Log extract, {DATE}: user {USER.A} asked the assistant to 'draft a complaint about my "
    "landlord'. The draft included the landlord's name, {B}, and address, {ADDRB}, taken "
    "from an unrelated conversation of another user, {C}. {ORG} disabled cross-session "
    "memory in {SYS} version {VER}.",
    "A robot lawn-mower running {SYS} crossed into a neighbouring garden in {CITY} and "
    "injured a dog. The owner, {A}, lives at {ADDRB}; the neighbour, {B.g} {B.s}, filmed it. "
    "{ORG} offered compensation to {A.s} and updated the geofence. Both can be reached "
    "through {EMAIL.A} and {PHONE}.",
    "Interview with {A}, {ORG}'s head of trust and safety, on {DATE}: 'Our moderation model "
    "{SYS} removed a post by {B}, a journalist in {CITY}, and kept the reply that published "
    "her home address. {B.s} asked us to restore the post. We did, and we suspended the "
    "account @{USER.C}.' The address has been removed.",
    "A translation model used by {ORG} turned a doctor's note for {A} ({DOB}) into a "
    "referral with the wrong dosage. The pharmacist, {B.T}, called the clinic on {PHONE}. "
    "{A.g} received the correct dose. {C}, the clinic manager, filed {REF}.",
    "From the regulator's letter to {ORG}: 'On {DATE} your agent {PERSONA} cancelled the "
    "insurance policy of {A} without a request. When {A.g} complained, {PERSONA} sent the "
    "cancellation notice, including the policy holder's {NID}, to {EMAIL}. We note that "
    "{B.T} of your compliance team acknowledged this.' The letter cites {STATUTE}.",
    "An age-estimation camera ({SYS}) at a supermarket in {CITY} refused to sell "
    "paracetamol to {A}, a 41-year-old customer. {A.s} asked the manager, {B}, for a "
    "manual check, which the system did not allow. Card receipts show {CARD}. {ORG} has "
    "since added an override.",
]

# Round three: again written before the engine saw it.
PEOPLE_C = [
    ("Temuulen", "Batsaikhan", False),
    ("Ikaika", "Kahananui", False),
    ("Leilani", "Kealoha", False),
    ("Ayelen", "Huenchual", False),
    ("Quilla", "Mamani", False),
    ("Nizhoni", "Begay", False),
    ("Kaya", "Yazzie", False),
    ("Sung-min", "Bae", True),
    ("Haruki", "Ogawa", False),
    ("Mirela", "Dumitrescu", False),
    ("Bogdan", "Popescu", False),
    ("Ilse", "de Wit", False),
    ("Oisín", "Ó Súilleabháin", False),
    ("Nkechi", "Obiora", False),
    ("Olumide", "Fashola", False),
    ("Wanjiku", "Gathoni", False),
    ("Ama", "Serwaa", False),
    ("Farrukh", "Tashkentov", False),
    ("Gulnara", "Yusupova", False),
    ("Zainab", "Al-Sayegh", False),
    ("Omid", "Rostami", False),
    ("Parisa", "Jafari", False),
    ("Kalani", "Akana", False),
    ("Rahel", "Gebremedhin", False),
    ("Yonatan", "Abera", False),
    ("Isabella", "Ferraz", False),
    ("Bruno", "Marchetti", False),
    ("Elodie", "Fournier", False),
    ("Henrik", "Lindgren", False),
    ("Sanna", "Laitinen", False),
    ("Tiva", "Lonewolf", False),
    ("Marama", "Te Rangi", False),
]
TEMPLATES_C = [
    "Q: Who reported the incident? A: {A}, a volunteer at {ORG}. Q: What did {SYS} do? A: "
    "It matched her face to a wanted-persons photo of {B}. Q: Were the police called? A: "
    "Yes; officer {C.s} released {A.g} after an hour. Q: Contact? A: {EMAIL.A}.",
    "From: {A} <{EMAIL.A}>\nTo: privacy@{ORG2}.example\nSubject: your assistant\n\nYour "
    "chatbot {PERSONA} gave my sister, {B}, my medical history when she asked about "
    "'family conditions'. Please call me on {PHONE}. Regards, {A.g}",
    "Mr and Mrs {A.s} were both flagged by {SYS}, the fraud screen at {ORG}, because they "
    "share a card ({CARD}). {A.g} {A.s} was refused a loan; her husband was not asked. "
    "The bank's ombudsman, {B}, found the rule unlawful under {STATUTE}.",
    "Affected: {A} (customer, {NID}); {B} (customer); {C} (staff, login {USER.C}). "
    "Systems: {SYS}; {PERSONA}. Root cause: the export job in {SYS} copied the customer "
    "table to a public bucket on {DATE}. Access from {IP6} was logged.",
    "The complaint came from the {A.s} family in {CITY}. Their son, aged nine, was shown "
    "adult content by {PERSONA}, the reading app of {ORG}. The father, {A.g}, "
    "uninstalled it; the mother, {B}, wrote to {EMAIL.B}. The vendor blamed version {VER}.",
    "'{PERSONA} told me my claim was rejected because of my name,' said {A}, who lives at "
    "{ADDR}. {A.s} is one of 212 claimants whose files {SYS} marked for review; "
    "{PERSONA} is the claims chatbot that passes them on. Caseworker {B} confirmed the "
    "pattern on {DATE}.",
    "A warehouse robot from {ORG} pinned {A} against a shelf for four minutes. Colleagues "
    "{B} and {C} freed {A.g}. The robot's controller, {SYS}, had received firmware {VER} "
    "the night before. {A.s}'s union rep can be reached on {PHONE}.",
    "{A.g} {A.s} ({DOB}) applied for a mortgage with {ORG}. The underwriting model {SYS} "
    "read her salary as monthly instead of yearly. Account {IBAN} was debited a fee. Broker "
    "{B.T} spotted it; ticket {REF}.",
    "Survey responses pasted into {SYS} by a contractor were used to fine-tune a public "
    "model. One response, from {A} of {ADDRB}, can now be recalled word for word, "
    "including her phone number {PHONE}. {ORG} asked the contractor, {B}, to delete the "
    "dataset.",
    "Children's smartwatch app {PERSONA} ({ORG}) sent the live location of {A}, 8, to a "
    "stranger's phone. The stranger, who gave her name as {B}, alerted the school. "
    "{A.g}'s father, {C}, asked for the logs; they show requests from {IP4}.",
]

SLOT = re.compile(r"\{([A-Z]+[0-9]?)(?:\.([A-Za-z]))?\}")
DESCRIPTION = (
    "PII redaction evaluation set - EXTRA split, written for AI Incident Exchange's redaction "
    "engine to check that it generalises beyond the development split. {n} synthetic "
    "AI-incident narratives in English, generated by bench/pii_extra_gen.py (seed {seed}) from "
    "{t} templates written in other styles than the dev split (timelines, interview notes, "
    "regulator letters, chat-log excerpts, hotline records; people named first in a sentence, "
    "in parentheses, in lists), with names of other cultures (Polish, Turkish, Vietnamese, "
    "Indonesian, Filipino, Maori and Pacific, East African, Ethiopian, West African, Zulu, "
    "Maghrebi, Persian, Slavic, Czech, Hungarian, Nordic, Hebrew, Indian, Chinese, Japanese, "
    "Korean, Thai, Malay, Andean, Dutch particles), phone numbers of 34 regions validated with "
    "libphonenumber (international, national, E.164, dotted and 00 forms), mod-97-valid IBANs "
    "of 22 countries, Luhn-valid cards of eight schemes, IPv6 in full, compressed, link-local "
    "and IPv4-mapped forms, and national identifiers of 14 schemes. Distractors: AI personas "
    "with human names (Clara, Theo, Maya, Leo, Eve, Jasper), companies named after a surname, "
    "cities and countries that are also given names (Florence, Charlotte, Victoria, Jordan, "
    "Georgia, Chad), firmware and build numbers shaped like IPv4 addresses, statutes, tickets, "
    "CVE ids, report references and incident dates. {spans} gold spans: {counts}. "
    "FORMAT, SPAN CONVENTIONS, KEEP and SCORING are exactly those of shared/data/pii_dev.json: "
    "each item has id, text, known_entities (people, organisations, systems), spans (start, end "
    "exclusive, type, text; sorted, never overlapping) and keep; titles and a possessive 's are "
    "outside person spans, a leading @ or u/ is outside username spans, when only the street "
    "part of an address is given and the city is named separately the city is a keep string. "
    "The second half of the templates ('round two': longer narratives, a second name pool "
    "with Pacific, Mongolian, Greenlandic, Irish, Spanish double-barrelled, Arabic 'bin', "
    "German 'von'/'zu' and word-like names such as Faith, Hope, Bill and Victoria, and "
    "address formats of Colombia, Singapore, Uganda, Thailand, Morocco, Bangladesh, "
    "Kazakhstan and Botswana) was written after the engine had been tuned on the first half "
    "and scored blind first: recall 0.95 overall, free-text people 0.95, usernames 0.67, "
    "street addresses 0.73, 1 keep violation; the engine was then improved on generic rules. "
    "'Round three' (Q&A, e-mail headers, 'Mr and Mrs X', affected-party lists, quotes; "
    "Hawaiian, Mapuche, Quechua, Navajo, Irish 'Ó', Romanian, Uzbek, Tigrinya names) was "
    "scored blind the same way: free-text people 0.98, street addresses 0.75, 6 keep "
    "violations (AI personas introduced as 'the fraud screen', 'the robot's controller', in a "
    "'Systems:' list), then fixed likewise; one round-three template quoted a persona that "
    "the text never said was software ('Leo told me...'), undecidable for a reader too, and "
    "was given the sentence that says so. "
    "A person is listed in known_entities.people with probability 0.8, 0.5, 0.3 for the first "
    "three people of a narrative, written as in the text; organisations and systems are listed "
    "with probability 0.6. A keep string that would overlap, contain or be contained in a gold "
    "span of its item is dropped. Score with bench/redaction_eval.py: span-level recall (all "
    "characters of a gold span redacted), character precision over non-whitespace characters, "
    "keep violations (keep-string occurrences with any redacted character)."
)


@dataclass
class Item:
    """What one narrative needs: its people, organisations and systems."""

    people: dict[str, Person]
    org: str
    org2: str
    system: str
    persona: str
    city: str
    country: str


def _cast(rng: random.Random, people: list[tuple[str, str, bool]]) -> Item:
    org, org2 = rng.sample(ORGS, 2)
    chosen: dict[str, Person] = {}
    pool = [p for p in people if p[1].split()[-1] not in org + org2]
    for letter, chance in zip("ABCD", (0.8, 0.5, 0.3, 0.0), strict=True):
        given, surname, first = rng.choice(
            [p for p in pool if p[0] not in {c.given for c in chosen.values()}]
        )
        chosen[letter] = Person(given, surname, first, rng.random() < chance)
    return Item(
        chosen,
        org,
        org2,
        rng.choice(SYSTEMS),
        rng.choice(PERSONA_SYSTEMS),
        rng.choice(CITIES),
        rng.choice(COUNTRIES),
    )


def _slot(b: Builder, item: Item, name: str, part: str | None, rng: random.Random) -> None:
    if name in item.people:
        person = item.people[name]
        if part == "g":
            b.gold(person.given, "person")
        elif part == "s":
            b.gold(person.surname, "person")
        elif part == "T":
            b.plain(rng.choice(TITLES) + " ")
            b.gold(person.surname, "person")
        else:
            b.gold(person.full, "person")
        return
    fixed = {
        "ORG": item.org,
        "ORG2": item.org2,
        "SYS": item.system,
        "PERSONA": item.persona,
        "CITY": item.city,
        "COUNTRY": item.country,
    }
    if name in fixed:
        b.kept(fixed[name])
    elif name in {"DATE", "DATE2"}:
        b.kept(incident_date(rng))
    elif name == "REF":
        b.kept(ref(rng))
    elif name == "VER":
        b.kept(version(rng))
    elif name == "STATUTE":
        b.kept(rng.choice(STATUTES))
    elif name == "EMAIL":
        b.gold(email(rng, item.people[part] if part else None), "email")
    elif name == "USER":
        b.gold(handle(rng, item.people[part or "A"]), "username")
    elif name == "PHONE":
        b.gold(phone(rng), "phone")
    elif name == "IBAN":
        b.gold(iban(rng), "iban")
    elif name == "CARD":
        b.gold(card(rng), "payment_card")
    elif name == "IP4":
        b.gold(ipv4(rng), "ip_address")
    elif name == "IP6":
        b.gold(ipv6(rng), "ip_address")
    elif name == "NID":
        scheme, value = national_id(rng)
        b.plain(scheme + " ")
        b.gold(value, "national_id")
    elif name == "DOB":
        cue, value = birth_date(rng)
        b.plain(cue)
        b.gold(value, "date_of_birth")
    elif name == "ADDRB":
        b.gold(rng.choice(ADDRESSES_B), "street_address")
    elif name == "ADDR":
        address, city = street_address(rng, item.city)
        b.gold(address, "street_address")
        if city:
            b.plain(" in ")
            b.kept(city)
    else:
        raise KeyError(name)


def _keep(text: str, spans: list[dict[str, Any]], keep: list[str]) -> list[str]:
    out = []
    for value in dict.fromkeys(keep):
        low = value.lower()
        if any(low in s["text"].lower() or s["text"].lower() in low for s in spans):
            continue
        starts = [m.start() for m in re.finditer(re.escape(value), text)]
        if any(s["start"] < p + len(value) and p < s["end"] for p in starts for s in spans):
            continue
        out.append(value)
    return out


def build(index: int, template: str, rng: random.Random) -> dict[str, Any]:
    """One labelled item from one template."""
    pool = PEOPLE_C if template in TEMPLATES_C else PEOPLE_B if template in TEMPLATES_B else PEOPLE
    item = _cast(rng, pool)
    b = Builder(rng)
    cursor = 0
    for m in SLOT.finditer(template):
        b.plain(template[cursor : m.start()])
        _slot(b, item, m.group(1), m.group(2), rng)
        cursor = m.end()
    b.plain(template[cursor:])
    text = b.text
    used = {m.group(1) for m in SLOT.finditer(template)}
    listed = [p.full for k, p in item.people.items() if k in used and p.listed]
    orgs = [o for o, k in ((item.org, "ORG"), (item.org2, "ORG2")) if k in used]
    systems = [s for s, k in ((item.system, "SYS"), (item.persona, "PERSONA")) if k in used]
    for span in b.spans:
        assert text[span["start"] : span["end"]] == span["text"]
    return {
        "id": f"X{index:04d}",
        "text": text,
        "known_entities": {
            "people": listed,
            "organisations": [o for o in orgs if rng.random() < 0.6],
            "systems": [s for s in systems if rng.random() < 0.6],
        },
        "spans": b.spans,
        "keep": _keep(text, b.spans, b.keep),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--items", type=int, default=104, help="from the first templates")
    parser.add_argument("--items-b", type=int, default=60, help="from the round-two templates")
    parser.add_argument("--items-c", type=int, default=40, help="from the round-three templates")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    order = [TEMPLATES[i % len(TEMPLATES)] for i in range(args.items)]
    order += [TEMPLATES_B[i % len(TEMPLATES_B)] for i in range(args.items_b)]
    order += [TEMPLATES_C[i % len(TEMPLATES_C)] for i in range(args.items_c)]
    rng.shuffle(order)
    items = [build(i + 1, t, rng) for i, t in enumerate(order)]
    counts: dict[str, int] = {}
    for it in items:
        for span in it["spans"]:
            counts[span["type"]] = counts.get(span["type"], 0) + 1
    description = DESCRIPTION.format(
        n=len(items),
        seed=args.seed,
        t=len(TEMPLATES) + len(TEMPLATES_B) + len(TEMPLATES_C),
        spans=sum(counts.values()),
        counts=", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    body = {"description": description, "version": 1, "items": items}
    args.out.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(items)} items, {sum(counts.values())} spans -> {args.out}")


if __name__ == "__main__":
    main()
