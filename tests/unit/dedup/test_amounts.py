"""Sums of money with a scale word become one number, whatever the language."""

import pytest

from incidents.dedup.amounts import normalize_amounts
from incidents.dedup.normalize import content_terms


@pytest.mark.parametrize(
    "text",
    [
        "um 4,2 Millionen Euro betrogen",
        "costs Wendrich Armaturen €4.2 million",
        "tricks firm into €4.2m transfer",
        "a $4.2M settlement",
        "une perte de 4,2 millions d'euros",
        "una estafa de 4,2 millones de euros",
        "USD 4.2 million",
        "€4,200,000 lost",
    ],
)
def test_one_sum_in_several_languages_is_one_term(text: str) -> None:
    assert "4200000" in content_terms(text)


@pytest.mark.parametrize(
    "text",
    [
        "fined 1.2 billion won",
        "a 1.2bn won fine",
        "1,2 Milliarden Euro",
        "1.200 millones de euros",
        "과징금 12억 원",
    ],
)
def test_billions_and_myriads(text: str) -> None:
    assert "1200000000" in content_terms(text)


def test_thousands_separators_are_still_removed() -> None:
    assert content_terms("Fell by 4,100 and 61.000 pasajeros") == [
        "fell",
        "4100",
        "61000",
        "pasajero",
    ]


def test_a_written_out_scale_and_the_currency_stay_words() -> None:
    assert content_terms("lost €4.2 million") == ["lost", "4200000", "million"]
    assert content_terms("4,2 Millionen Euro") == ["4200000", "millionen", "euro"]


@pytest.mark.parametrize(
    "text",
    [
        "reached 2.1 million users",  # a count, not a sum of money
        "a 5m drop",  # metres: a one-letter scale needs a currency sign
        "€1.0001m",  # more than two decimals: not read as an amount
    ],
)
def test_what_is_not_a_sum_of_money_is_left_alone(text: str) -> None:
    folded = text.lower()
    assert normalize_amounts(folded) == folded
