"""Less precise dates, places and counts."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.public.redaction import count_band, country_of, month_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10 Aug 2026", "August 2026"),
        ("2026-08-10", "August 2026"),
        ("10/08/2026", "August 2026"),
        ("March 5, 1968", "March 1968"),
        ("5th of Sept 2025", "September 2025"),
        ("May 2026", "May 2026"),
        (dt.date(2026, 1, 31), "January 2026"),
        ("31/13/2026", None),
        ("yesterday", None),
        ("10 Aug", None),
    ],
)
def test_month_of(value: str | dt.date, expected: str | None) -> None:
    assert month_of(value) == expected


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Daejeon", "South Korea"),
        ("São Paulo", "Brazil"),
        ("sao paulo", "Brazil"),
        ("Nairobi", "Kenya"),
        ("Texas", "United States"),
        ("Ghana", "Ghana"),
        ("Xyzzyville", None),
    ],
)
def test_country_of(place: str, expected: str | None) -> None:
    assert country_of(place) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "none"),
        (1, "1"),
        (2, "between 1 and 10"),
        (10, "between 1 and 10"),
        (37, "between 10 and 50"),
        (1140, "between 1000 and 10000"),
        (250000, "more than 100000"),
    ],
)
def test_count_band(count: int, expected: str) -> None:
    assert count_band(count) == expected


def test_negative_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        count_band(-1)
