"""Dates of birth are redacted; the dates of the incident are kept."""

from __future__ import annotations

import pytest

from incidents.public.redaction import Kind, dates
from tests.unit.redaction.helpers import redacted, texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The client, Haoran Zhang, born 5 May 1968, was", ["5 May 1968"]),
        ("date of birth (21st November 1953). The", ["21st November 1953"]),
        ("his date of birth, 1963-08-16. The", ["1963-08-16"]),
        ("DOB: 25/12/1950 and", ["25/12/1950"]),
        ("D.O.B. 05.03.1960 and", ["05.03.1960"]),
        ("her birth date 9 August 1965 and", ["9 August 1965"]),
        ("born on March 5, 1968 in Lyon", ["March 5, 1968"]),
        ("born in 1979, she", ["1979"]),
        ("She was born on the 3rd of May, 1985, in Accra.", ["3rd of May, 1985"]),
    ],
)
def test_birth_dates(text: str, expected: list[str]) -> None:
    assert texts(dates.birth_dates(text)) == expected


def test_incident_dates_are_kept() -> None:
    text = "On 10 Aug 2026 the bot failed; on 2025-11-26 and 11/10/2025 again, and in May 2026."
    assert texts(dates.birth_dates(text)) == []
    assert [text[s:e] for s, e in dates.all_dates(text)] == [
        "10 Aug 2026",
        "2025-11-26",
        "11/10/2025",
        "May 2026",
    ]
    assert redacted(text) == []


def test_birth_date_is_redacted_next_to_an_incident_date() -> None:
    text = "On 3 March 2026 the agent read out her date of birth, 14/12/1994, to a caller."
    assert redacted(text, kind=Kind.DATE_OF_BIRTH) == ["14/12/1994"]
    assert "3 March 2026" in redacted_text(text)


def redacted_text(text: str) -> str:
    from incidents.public.redaction import KnownNames, redact

    return redact(text, KnownNames()).text
