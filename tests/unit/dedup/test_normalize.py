import datetime as dt

import pytest

from incidents.dedup.dates import mentioned_dates, mentioned_months, months_apart
from incidents.dedup.normalize import (
    content_terms,
    filing_references,
    normalize_name,
    normalize_url,
    stem,
    url_is_specific,
    words,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.news.example/2025/01/02/robot-fire",
        "http://news.example/2025/01/02/robot-fire/",
        "https://NEWS.example/2025/01/02/robot-fire?utm_source=x&utm_medium=email",
        "https://news.example/2025/01/02/robot-fire?fbclid=abc#comments",
        "news.example/2025/01/02/robot-fire?gclid=1&ref=newsletter",
        "https://www.news.example//2025/01/02/robot-fire",
    ],
)
def test_url_variants_share_one_key(url: str) -> None:
    assert normalize_url(url) == "news.example/2025/01/02/robot-fire"


def test_url_keeps_identifying_query_sorted() -> None:
    assert normalize_url("https://a.example/view?id=7&page=2&utm_campaign=z") == (
        "a.example/view?id=7&page=2"
    )
    assert normalize_url("https://a.example/view?page=2&id=7") == "a.example/view?id=7&page=2"


@pytest.mark.parametrize("url", ["", "https://", "http://[::1"])
def test_url_without_host_has_no_key(url: str) -> None:
    assert normalize_url(url) is None


@pytest.mark.parametrize(
    ("key", "specific"),
    [
        ("vendor.example/safety/reports", False),
        ("vendor.example", False),
        ("news.example/2025/01/02/robot-fire", True),
        ("news.example/tech/robot-arm-fire-warehouse", True),
        ("news.example/story/12345", True),
        ("news.example/about?x=1", False),
    ],
)
def test_url_specificity(key: str, specific: bool) -> None:
    assert url_is_specific(key) is specific


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Brightwater Analytics Ltd.", "brightwater analytics"),
        ("BRIGHTWATER ANALYTICS, INC", "brightwater analytics"),
        ("Zorvex GmbH", "zorvex"),
        ("The Qualm Group plc", "qualm"),
        ("Nimbic Agent v2.1", "nimbic agent"),
        ("Nimbic Agent 2", "nimbic agent"),
        ("Société Générale d'Études SA", "societe generale d etudes"),
        (None, ""),
        ("", ""),
    ],
)
def test_normalize_name(name: str | None, expected: str) -> None:
    assert normalize_name(name) == expected


def test_stem_strips_common_endings_of_long_words_only() -> None:
    assert stem("videos") == "video"
    assert stem("removed") == "remov"
    assert stem("removing") == "remov"
    assert stem("policies") == "policy"
    assert stem("class") == "class"
    assert stem("business") == "business"
    assert stem("bus") == "bus"
    assert stem("2025") == "2025"
    assert stem("sing") == "sing"


def test_terms_drop_stopwords_and_keep_numbers() -> None:
    assert words("Fell by 4,100 (61%)") == ["fell", "by", "4100", "61"]
    assert content_terms("The robots were removing 4,100 files in Zürich") == [
        "robot",
        "remov",
        "4100",
        "file",
        "zurich",
    ]


def test_mentioned_dates_in_common_formats() -> None:
    text = (
        "On 17 June 2025 at 14:20, and again on March 3rd, 2024; between 15 September and "
        "3 October 2025; filed 2025-04-11; declared 19/09/2025; impossible 31 February 2025."
    )
    assert mentioned_dates(text) == {
        dt.date(2025, 6, 17),
        dt.date(2024, 3, 3),
        dt.date(2025, 9, 15),
        dt.date(2025, 10, 3),
        dt.date(2025, 4, 11),
        dt.date(2025, 9, 19),
    }


def test_ambiguous_numeric_dates_give_both_readings() -> None:
    assert mentioned_dates("on 03/04/2025") == {dt.date(2025, 4, 3), dt.date(2025, 3, 4)}


def test_day_and_month_without_any_year_are_ignored() -> None:
    assert mentioned_dates("it happened on 4 May, a Friday") == frozenset()


def test_months_named_as_times_are_read_with_their_year_when_written() -> None:
    text = (
        "In February 2025 a tube check failed; results were voided in late January; on 11 "
        "December a biopsy; protesters march on; it may be in mid-March; March 3, 2024."
    )
    assert mentioned_months(text) == {(2025, 2), (None, 1), (None, 12), (None, 3), (2024, 3)}
    assert mentioned_months("They may march again; the dec of the ship.") == frozenset()


@pytest.mark.parametrize(
    ("left", "right", "apart"),
    [((2025, 2), (2026, 3), 13), ((None, 1), (2025, 11), 2), ((None, 4), (None, 12), 4)],
)
def test_months_apart_around_the_calendar_without_a_year(
    left: tuple[int | None, int], right: tuple[int | None, int], apart: int
) -> None:
    assert months_apart(left, right) == apart == months_apart(right, left)


def test_a_filers_own_references_are_read_and_nothing_else() -> None:
    text = (
        "FSN-25-021: Avocet C2 unexpected motion. Incident notice AD-INC/25/04, see also "
        "TR-IR-2025-001. Wagtail AMR-5, GPT-4, COVID-19, fw 4.4.0, 2025-03-04, ISO 26262."
    )
    assert filing_references(text) == ("FSN-25-021", "AD-INC-25-04", "TR-IR-2025-001")
    assert filing_references("FSN-25-007: unrelated to FSN-25-004; FSN-25-007") == (
        "FSN-25-007",
        "FSN-25-004",
    )
