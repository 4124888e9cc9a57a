"""The values the redaction engine takes and returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a span of text is: a kind of personal data, or a structured non-personal name."""

    PERSON = "person"
    EMAIL = "email"
    PHONE = "phone"
    IP_ADDRESS = "ip_address"
    STREET_ADDRESS = "street_address"
    PAYMENT_CARD = "payment_card"
    IBAN = "iban"
    DATE_OF_BIRTH = "date_of_birth"
    USERNAME = "username"
    NATIONAL_ID = "national_id"
    # Not personal data: reported by findings() so the publication guard can ask for them
    # to be cleared, never redacted by redact().
    ORGANISATION = "organisation"
    SYSTEM = "system"


#: The kinds redact() removes.
PERSONAL_KINDS = frozenset(Kind) - {Kind.ORGANISATION, Kind.SYSTEM}


def _clean(names: Iterable[str]) -> tuple[str, ...]:
    # Whitespace-only entries come from empty form fields; they would match everywhere.
    return tuple(dict.fromkeys(" ".join(n.split()) for n in names if n and n.strip()))


@dataclass(frozen=True)
class KnownNames:
    """The structured names typed into an incident's reports.

    ``people`` are natural persons (always personal data); the others are organisations,
    AI systems (including assistant personas), developers and deployers, which are not
    personal data and are never redacted. Blank entries and duplicates are dropped.
    """

    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    developers: tuple[str, ...] = ()
    deployers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("people", "organisations", "systems", "developers", "deployers"):
            object.__setattr__(self, name, _clean(getattr(self, name)))

    def non_personal(self) -> tuple[tuple[str, Kind, str], ...]:
        """Each organisation-like name with the kind it is reported as and why."""
        return (
            *((n, Kind.ORGANISATION, "structured organisation") for n in self.organisations),
            *((n, Kind.ORGANISATION, "structured developer") for n in self.developers),
            *((n, Kind.ORGANISATION, "structured deployer") for n in self.deployers),
            *((n, Kind.SYSTEM, "structured AI system") for n in self.systems),
        )


@dataclass(frozen=True, order=True)
class Span:
    """A piece of the text: ``text[start:end]``, what it is and why the engine says so.

    ``reason`` is a short phrase an analyst can check ("structured person name",
    "Luhn-valid card number", "given name from the name list after 'Dr.'").
    """

    start: int
    end: int
    kind: Kind = field(compare=False)
    text: str = field(compare=False)
    reason: str = field(compare=False)


#: What findings() returns: the same shape as a redacted span.
Finding = Span


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the spans removed from the original, in text order."""

    text: str
    spans: tuple[Span, ...]
