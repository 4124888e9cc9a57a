"""Conditions, durations and their descriptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxonomy import Taxonomy
from taxonomy.conditions import (
    AllOf,
    AnyOf,
    Equals,
    HasAnyOf,
    Not,
    Present,
    holds,
    is_given,
    leaves,
    lookup,
    to_data,
)
from taxonomy.describe import describe
from taxonomy.durations import add_months, parse_duration
from taxonomy.patterns import DATE, TIMESTAMP

CLASSIFICATION = {
    "event_class": "ai_hazard",
    "harm_type": ["physical_death", 3],
    "near_miss": False,
    "security": {"is_security_incident": True},
    "ai_system": "not an object",
    "deaths": 1,
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (HasAnyOf("event_class", ("ai_hazard", "x")), True),
        (HasAnyOf("event_class", ("x",)), False),
        (HasAnyOf("harm_type", ("physical_death",)), True),
        (HasAnyOf("harm_type", ("reputational",)), False),
        (HasAnyOf("deaths", ("1",)), False),
        (HasAnyOf("missing", ("x",)), False),
        (Equals("near_miss", False), True),
        (Equals("near_miss", True), False),
        (Equals("deaths", True), False),
        (Equals("event_class", "ai_hazard"), True),
        (Equals("security.is_security_incident", True), True),
        (Equals("ai_system.name", "x"), False),
        (Present("event_class"), True),
        (Present("missing"), False),
        (Present("missing", present=False), True),
        (AllOf((Present("event_class"), Present("missing"))), False),
        (AnyOf((Present("event_class"), Present("missing"))), True),
        (Not(Present("missing")), True),
    ],
)
def test_holds(
    condition: AllOf | AnyOf | Not | HasAnyOf | Equals | Present, expected: bool
) -> None:
    assert holds(condition, CLASSIFICATION) is expected


def test_given_means_answered() -> None:
    answers: tuple[object, ...] = (None, "", " \n", [], (), {}, "x", [1], {"a": 1}, 0, False)
    assert [is_given(each) for each in answers] == [False] * 6 + [True] * 5


def test_lookup_follows_dotted_paths() -> None:
    assert lookup(CLASSIFICATION, "security.is_security_incident") is True
    assert lookup(CLASSIFICATION, "ai_system.name") is None


def test_tests_and_data_round_trip() -> None:
    condition = AllOf((Not(HasAnyOf("a", ("b",))), AnyOf((Equals("c", True), Present("d")))))
    assert [each.path for each in leaves(condition)] == ["a", "c", "d"]
    assert to_data(condition) == {
        "all": [
            {"not": {"dimension": "a", "any_of": ["b"]}},
            {"any": [{"dimension": "c", "equals": True}, {"dimension": "d", "present": True}]},
        ]
    }


def test_describe_uses_labels(shipped: Taxonomy) -> None:
    condition = AllOf(
        (
            Equals("personal_data_breach", True),
            Not(Equals("widespread_infringement", False)),
            Equals("sector", "health"),
            Present("occurred_on", present=False),
            HasAnyOf("nope", ("x",)),
        )
    )
    assert describe(shipped, condition) == (
        "Personal-data breach is yes and not (Widespread infringement is no) and Sector of "
        "deployment is Health and social work and Date of first known occurrence is not given "
        "and nope is x"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P15D", timedelta(days=15)),
        ("PT72H", timedelta(hours=72)),
        ("P4W", timedelta(weeks=4)),
        ("P1DT2H30M10S", timedelta(days=1, hours=2, minutes=30, seconds=10)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    duration = parse_duration(text)
    assert duration.delta == expected
    assert duration.months == 0
    assert duration.nominal() == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "15D", "P1.5D", "PT1D", "P1H", "P0D", "p1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_months_follow_the_calendar() -> None:
    month = parse_duration("P1M")
    assert month.after(datetime(2025, 1, 31, 12, tzinfo=UTC)) == datetime(
        2025, 2, 28, 12, tzinfo=UTC
    )
    assert month.after(datetime(2024, 1, 31, tzinfo=UTC)) == datetime(2024, 2, 29, tzinfo=UTC)
    assert parse_duration("P1Y").months == 12
    assert add_months(datetime(2025, 12, 15, tzinfo=UTC), 1) == datetime(2026, 1, 15, tzinfo=UTC)
    assert month.nominal() == timedelta(days=31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_date_pattern_accepts_every_calendar_date(day: object) -> None:
    assert DATE.search(str(day))


@given(st.dates().filter(lambda day: not 1900 <= day.year <= 2199))
def test_date_pattern_refuses_years_no_incident_has(day: date) -> None:
    assert not DATE.search(str(day))


@given(st.text(alphabet="0123456789-", min_size=10, max_size=10))
def test_date_pattern_accepts_only_calendar_dates(text: str) -> None:
    try:
        parsed = datetime.strptime(text, "%Y-%m-%d")  # noqa: DTZ007 (a calendar check only)
        valid = len(text) == 10 and text[4] == "-" and text[7] == "-"
        valid = valid and 1900 <= parsed.year <= 2199
    except ValueError:
        valid = False
    assert bool(DATE.search(text)) is valid


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 2),  # noqa: DTZ001 - bounds of a naive strategy
        max_value=datetime(2199, 12, 30),  # noqa: DTZ001
        timezones=st.timezones(),
    )
)
def test_timestamp_pattern_accepts_rfc3339(moment: datetime) -> None:
    text = moment.isoformat()
    offset = moment.utcoffset()
    if offset is not None and offset % timedelta(minutes=1) == timedelta():
        assert TIMESTAMP.search(text)
    assert not TIMESTAMP.search(moment.replace(tzinfo=None).isoformat())


def test_patterns_reject_a_trailing_newline() -> None:
    assert not DATE.search("2025-01-01\n")
    assert not TIMESTAMP.search("2025-01-01T00:00:00Z\n")
    assert not DATE.search("0000-02-29")
    assert DATE.search("2000-02-29")
    assert not DATE.search("1900-02-29")
