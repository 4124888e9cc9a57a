"""Phone numbers: international and national formats, and what is not a phone number."""

from __future__ import annotations

import pytest

from incidents.public.redaction import phones
from tests.unit.redaction.helpers import texts


@pytest.mark.parametrize(
    "number",
    [
        "+52 55 8829 5456",
        "+972 53-382-2600",
        "+31 (0)6 26912454",
        "(702) 555-0168",
        "1 (512) 555-0138",
        "+380501235860",
        "0044 20 7946 0958",
        "+351.21.234.8231",
        "020 7946 0958",
        "01 99 00 82 50",
        "090-6644-3054",
        "+971 4 999 0553",
    ],
)
def test_phone_numbers_are_found_whole(number: str) -> None:
    assert texts(phones.phones(f"She called from {number}. Then")) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "a fine of €1 250 000 was paid",
        "the total was 4 500 000 units",
        "reference 12345678 in the ledger",
        "between 2020 and 2026",
        "code 0000 0000 000",
    ],
)
def test_not_phone_numbers(text: str) -> None:
    assert texts(phones.phones(text)) == []


def test_short_national_number_needs_a_cue() -> None:
    assert texts(phones.phones("or on 6609 5911. Later")) == ["6609 5911"]
    assert texts(phones.phones("batch 6609 5911 shipped")) == []


def test_an_impossible_international_number_is_skipped() -> None:
    assert texts(phones.phones("call +1 23 4567")) == []
    assert texts(phones.phones("call +999 1234 5678")) == []
