"""The public API: redact() for drafts, findings() for the approval guard."""

from __future__ import annotations

from incidents.public.redaction import (
    Finding,
    Kind,
    KnownNames,
    Redaction,
    findings,
    prepare,
    redact,
)

TEXT = (
    "Dr. Moreau told Acme Ltd that Ada, built by Orbital, leaked claire@example.org "
    "on 10 Aug 2026 (RPT-2026-48408)."
)
NAMES = KnownNames(
    people=("Claire Moreau",),
    organisations=("Acme Ltd",),
    systems=("Ada",),
    developers=("Orbital",),
    deployers=("Acme Ltd",),
)


def test_redact_replaces_personal_data_with_placeholders() -> None:
    result = redact(TEXT, NAMES)
    assert isinstance(result, Redaction)
    assert result.text == (
        "Dr. [person] told Acme Ltd that Ada, built by Orbital, leaked [email] "
        "on 10 Aug 2026 (RPT-2026-48408)."
    )
    assert [(s.kind, s.text, s.reason) for s in result.spans] == [
        (Kind.PERSON, "Moreau", "structured person name"),
        (Kind.EMAIL, "claire@example.org", "e-mail address"),
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in result.spans)


def test_findings_lists_personal_data_and_structured_names_not_cleared() -> None:
    found = findings(TEXT, NAMES)
    assert [(f.kind, f.text) for f in found] == [
        (Kind.PERSON, "Moreau"),
        (Kind.ORGANISATION, "Acme Ltd"),
        (Kind.SYSTEM, "Ada"),
        (Kind.ORGANISATION, "Orbital"),
        (Kind.EMAIL, "claire@example.org"),
    ]
    assert all(isinstance(f, Finding) for f in found)


def test_cleared_names_are_no_longer_findings_but_people_always_are() -> None:
    cleared = frozenset({"acme ltd", "ADA", "Orbital", "Claire Moreau", "Moreau"})
    assert [(f.kind, f.text) for f in findings(TEXT, NAMES, cleared)] == [
        (Kind.PERSON, "Moreau"),
        (Kind.EMAIL, "claire@example.org"),
    ]


def test_a_clean_final_text_has_no_findings() -> None:
    final = redact(TEXT, NAMES).text
    cleared = frozenset({"Acme Ltd", "Ada", "Orbital"})
    assert findings(final, NAMES, cleared) == []


def test_known_names_are_cleaned() -> None:
    names = KnownNames(people=(" Claire  Moreau ", "", "Claire Moreau"), systems=("  ",))
    assert names.people == ("Claire Moreau",)
    assert names.systems == ()
    assert redact("", names) == Redaction("", ())


def test_prepare_loads_once_and_changes_nothing() -> None:
    prepare()
    prepare()
    assert redact(TEXT, NAMES).text.startswith("Dr. [person] told Acme Ltd")
