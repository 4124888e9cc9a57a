"""Hostile inputs: every detector stays linear, so each of these finishes quickly.

The bound is generous (a slow shared CI machine must pass) but catches what matters: a
quadratic expression takes minutes on 50,000 characters, an exponential one never ends.
"""

from __future__ import annotations

import time

import pytest

from incidents.public.redaction import KnownNames, findings, redact

N = 50_000
HOSTILE = {
    "dotted local part": "a." * (N // 2) + "a",
    "dotted domain": "a@" + "a." * (N // 2),
    "at signs": "@" * N,
    "at and dots": "a@a.a." * (N // 6),
    "digits": "1" * N,
    "digits with spaces": "1 " * (N // 2),
    "digits with dashes": "12-" * (N // 3),
    "digits with dots": "1." * (N // 2),
    "hex and colons": "a:" * (N // 2),
    "colons": ":" * N,
    "whitespace": " " * N,
    "tabs and newlines": "\t\n" * (N // 2),
    "capitalised words": "Abc " * (N // 4),
    "hyphenated capitals": "Abc-" * (N // 4),
    "apostrophes": "O'" * (N // 2),
    "address parts": "12 Abc Street, " * (N // 15),
    "address commas": "Abc, " * (N // 5),
    "iban-like": "GB12 " + "ABCD " * (N // 5),
    "card-like": "4111 " * (N // 5),
    "parentheses": "(1) " * (N // 4),
    "plus signs": "+1 " * (N // 3),
    "handle cues": "account " * (N // 8),
    "slashes": "u/" * (N // 2),
    "dates": "1/1/" * (N // 4),
    "statute words": "Article 1 of the " * (N // 17),
    "mixed": "Dr. A. B-c, a@b.c 1.2.3.4 +1 (2) 3-4 u/x @y " * (N // 44),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_handled_in_linear_time(name: str) -> None:
    text = HOSTILE[name]
    names = KnownNames(people=("Abc Street", "A B"), organisations=("Abc",), systems=("a",))
    started = time.perf_counter()
    redact(text, names)
    findings(text, names)
    assert time.perf_counter() - started < 10.0, name
