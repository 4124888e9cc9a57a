"""National identifiers: named by their scheme, or of an unmistakable shape."""

from __future__ import annotations

import pytest

from incidents.public.redaction import identifiers
from tests.unit.redaction.helpers import texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it returned her NIR 2 05 08 90 404 742 11. A", ["2 05 08 90 404 742 11"]),
        ("whose NI number (PX586652D) and", ["PX586652D"]),
        ("with her DNI 96624013R, debit", ["96624013R"]),
        ("Social Security number 524-99-4495 and", ["524-99-4495"]),
        ("her Aadhaar number 8333 6763 2877, was", ["8333 6763 2877"]),
        ("her ID card number, 34398646. The", ["34398646"]),
        ("passport number of the lead traveller, Seo-yeon Kang, M09080434, and", ["M09080434"]),
        ("his BSN 123456782 was", ["123456782"]),
        ("personnummer 850709-9805 leaked", ["850709-9805"]),
        ("My Number 1234 5678 9012 leaked", ["1234 5678 9012"]),
        ("PAN ABCPD1234E appeared", ["ABCPD1234E"]),
    ],
)
def test_named_identifiers(text: str, expected: list[str]) -> None:
    assert texts(identifiers.national_ids(text)) == expected


@pytest.mark.parametrize(
    "value",
    ["255.769.249-24", "500602-1233088", "EM 55 49 81 A", "S5188976B", "AFZPK7190K", "642-60-4924"],
)
def test_self_evident_shapes(value: str) -> None:
    assert texts(identifiers.national_ids(f"the value {value} was exposed")) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "a sin of omission, 12345678",
        "the passport office opened at 9",
        "SSN 12-34",
        "the value 000-12-3456 is no valid SSN",
    ],
)
def test_not_identifiers(text: str) -> None:
    assert texts(identifiers.national_ids(text)) == []


def test_an_identifier_named_twice_is_reported_once() -> None:
    found = texts(identifiers.national_ids("SSN (Social Security number) 524-99-4495"))
    assert found == ["524-99-4495"]
