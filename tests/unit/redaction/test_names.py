"""Structured people: every form prose uses, and only where it is a name."""

from __future__ import annotations

import pytest

from incidents.public.redaction import Kind, KnownNames, names
from tests.unit.redaction.helpers import redacted


def people(*full: str) -> KnownNames:
    return KnownNames(people=full)


def test_forms_of_a_name() -> None:
    assert names.parts("Sanne van der Berg") == [
        "Sanne van der Berg",
        "van der Berg",
        "Sanne",
        "Berg",
    ]
    assert set(names.parts("Kang Soo-ah")) == {"Kang Soo-ah", "Soo-ah Kang", "Kang", "Soo-ah"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Claire Moreau called.", ["Claire Moreau"]),
        ("Dr. Moreau's notes were lost.", ["Moreau"]),
        ("Claire had left.", ["Claire"]),
        ("MOREAU signed it.", ["MOREAU"]),
        ("a moreau-style hat", []),
    ],
)
def test_parts_titles_possessives_and_case(text: str, expected: list[str]) -> None:
    assert redacted(text, people("Claire Moreau"), Kind.PERSON) == expected


def test_diacritics_and_case_do_not_matter() -> None:
    known = people("Søren Lindqvist", "Siobhán O'Connell")
    assert redacted("SOREN wrote to Siobhan O\u2019Connell.", known, Kind.PERSON) == [
        "SOREN",
        "Siobhan O\u2019Connell",
    ]


def test_particles_and_reversed_order() -> None:
    known = people("Sanne de Vries", "Kang Soo-ah")
    text = "Correspondence from de Vries's insurer; Soo-ah Kang replied."
    assert redacted(text, known, Kind.PERSON) == ["de Vries", "Soo-ah Kang"]


def test_not_inside_words_handles_or_compounds() -> None:
    known = people("Jean Dupont")
    text = "jean.dupont@example.org and @jean differ, and so does the Dupont-Sommer Prize."
    assert redacted(text, known, Kind.PERSON) == []


def test_common_word_parts_opening_a_sentence() -> None:
    known = people("Grace Park")
    assert redacted("Park rangers came. Grace Park left.", known, Kind.PERSON) == ["Grace Park"]
    assert redacted("The car park. Then Park called.", known, Kind.PERSON) == ["Park"]


def test_a_blank_name_matches_nothing() -> None:
    assert redacted("Anything at all.", people("", "  "), Kind.PERSON) == []


def test_lower_case_and_end_of_text() -> None:
    known = people("Claire Moreau")
    assert redacted("claire moreau wrote", known, Kind.PERSON) == []
    assert redacted("Written by Claire Moreau", known, Kind.PERSON) == ["Claire Moreau"]


def test_a_title_typed_into_the_name_field_stays_outside() -> None:
    known = people("Dr. Claire Moreau")
    text = "Dr. Claire Moreau wrote; Dr. Moreau agreed."
    assert redacted(text, known, Kind.PERSON) == ["Claire Moreau", "Moreau"]
