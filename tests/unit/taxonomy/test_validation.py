"""Validating classifications: every problem at once, in words a reporter understands."""

from __future__ import annotations

import math
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import taxonomy
from taxonomy import Problem, Taxonomy
from taxonomy.export import json_schema

from .conftest import FIXTURE_ROOT, VALID_FINAL, VALID_INITIAL, Editor


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.path, problem.code) for problem in problems]


def with_(**changes: object) -> dict[str, object]:
    return {**VALID_INITIAL, **changes}


def test_complete_classifications_have_no_problem(shipped: Taxonomy) -> None:
    assert shipped.validate(VALID_INITIAL, "initial") == []
    assert shipped.validate(VALID_INITIAL, "intermediate") == []
    assert shipped.validate(VALID_FINAL, "final") == []
    assert taxonomy.validate(VALID_FINAL, "final", "1.0.0") == []


def test_final_report_requires_the_analysis(shipped: Taxonomy) -> None:
    problems = shipped.validate(VALID_INITIAL, "final")
    assert Problem("root_cause", "required", "Required in the final report: Root cause") in problems
    assert {problem.path for problem in problems} == set(VALID_FINAL) - set(VALID_INITIAL)


def test_intermediate_report_requires_what_initial_requires(shipped: Taxonomy) -> None:
    problems = shipped.validate({}, "intermediate")
    assert Problem(
        "event_class", "required", "Required in the intermediate report: Event class"
    ) in (problems)
    assert "root_cause" not in {problem.path for problem in problems}


def test_unknown_stage_is_a_programming_error(shipped: Taxonomy) -> None:
    with pytest.raises(ValueError, match="unknown report stage 'draft'"):
        shipped.validate(VALID_INITIAL, "draft")


def test_all_problems_are_returned_at_once(shipped: Taxonomy) -> None:
    problems = shipped.validate(
        with_(harm_type=["physcal_death", "energy"], event_class=3, harm_typo=1), "initial"
    )
    assert codes(problems) == [
        ("event_class", "wrong_type"),
        ("harm_type[0]", "unknown_value"),
        ("harm_type[1]", "wrong_dimension"),
        ("harm_typo", "unknown_dimension"),
    ]


def test_unknown_value_message_suggests_and_lists_choices(shipped: Taxonomy) -> None:
    [problem] = shipped.validate(with_(harm_type=["physcal_death"]), "initial")
    assert problem.message.startswith(
        "'physcal_death' is not a choice for Harm type. Did you mean 'physical_death' (Death)? "
        "Choose one of: Death (physical_death), Injury or harm to physical health"
    )


def test_value_of_another_dimension_is_named(shipped: Taxonomy) -> None:
    [problem] = shipped.validate(with_(harm_type=["energy"]), "initial")
    assert "It is a value of Sector of deployment, Critical infrastructure affected." in (
        problem.message
    )


def test_long_choice_lists_are_not_spelled_out(shipped: Taxonomy) -> None:
    [problem] = shipped.validate(with_(countries=["XX"]), "initial")
    assert problem == Problem(
        "countries[0]",
        "unknown_value",
        "'XX' is not a choice for Countries. See the 249 choices in taxonomy 1.0.0.",
    )


def test_country_codes_keep_their_case(shipped: Taxonomy) -> None:
    assert shipped.validate(with_(countries=["NO", "SE"]), "initial") == []
    assert codes(shipped.validate(with_(countries=["no"]), "initial")) == [
        ("countries[0]", "unknown_value")
    ]


def test_unknown_dimension_suggests_a_close_one(shipped: Taxonomy) -> None:
    problems = shipped.validate(with_(harm_types=["physical_death"], zzz=1, **{"": 2}), "initial")
    assert problems[0].message == (
        "'harm_types' is not a dimension of taxonomy 1.0.0. Did you mean 'harm_type' (Harm type)?"
    )
    assert problems[1].message == "'zzz' is not a dimension of taxonomy 1.0.0."
    assert problems[2].path == ""


def test_non_string_keys_are_unknown_dimensions(shipped: Taxonomy) -> None:
    # Ill-typed on purpose: JSON from outside may carry what the signature rules out.
    problems = shipped.validate({**VALID_INITIAL, 1: "x"}, "initial")  # type: ignore[dict-item]
    assert codes(problems) == [("1", "unknown_dimension")]


def test_a_classification_must_be_an_object(shipped: Taxonomy) -> None:
    # Ill-typed on purpose: a JSON array where an object belongs.
    problems = shipped.validate(["event_class"], "initial")  # type: ignore[arg-type]
    assert codes(problems) == [("", "wrong_type")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"event_class": ["ai_incident"]}, [("event_class", "wrong_type")]),
        ({"harm_type": "psychological"}, [("harm_type", "wrong_type")]),
        ({"harm_type": ["psychological", 3]}, [("harm_type[1]", "wrong_type")]),
        ({"harm_type": ["psychological"] * 2}, [("harm_type[1]", "duplicate_value")]),
        ({"near_miss": "yes"}, [("near_miss", "wrong_type")]),
        ({"near_miss": 1}, [("near_miss", "wrong_type")]),
        ({"harm_deaths": "2"}, [("harm_deaths", "wrong_type")]),
        ({"harm_deaths": True}, [("harm_deaths", "wrong_type")]),
        ({"harm_deaths": 1.5}, [("harm_deaths", "wrong_type")]),
        ({"harm_deaths": math.nan}, [("harm_deaths", "wrong_type")]),
        ({"harm_deaths": math.inf}, [("harm_deaths", "wrong_type")]),
        ({"harm_deaths": -1}, [("harm_deaths", "out_of_range")]),
        ({"harm_deaths": 2.0}, []),
        ({"occurred_on": "2025-02-30"}, [("occurred_on", "bad_format")]),
        ({"occurred_on": "01/02/2025"}, [("occurred_on", "bad_format")]),
        ({"occurred_on": "2025-02-01T10:00:00Z"}, [("occurred_on", "bad_format")]),
        ({"occurred_on": 20250201}, [("occurred_on", "wrong_type")]),
        ({"occurred_on": "2199-12-31"}, []),
        ({"occurred_on": "9999-12-31"}, [("occurred_on", "bad_format")]),
        ({"occurred_on": "1899-12-31"}, [("occurred_on", "bad_format")]),
        ({"aware_at": "2025-02-03"}, [("aware_at", "bad_format")]),
        ({"aware_at": "2025-02-03T10:00:00"}, [("aware_at", "bad_format")]),
        ({"aware_at": "2025-02-03T10:00:00.123+02:00"}, []),
        ({"chain_of_events": 5}, [("chain_of_events", "wrong_type")]),
        ({"chain_of_events": "x" * 20001}, [("chain_of_events", "too_long")]),
        (
            {"supporting_materials": ["none_yet", "log"]},
            [("supporting_materials", "conflicting_values")],
        ),
        ({"supporting_materials": ["none_yet"]}, []),
        ({"ai_system": "Assistant"}, [("ai_system", "wrong_type")]),
        ({"ai_system": {"name": "A", "nam": "B"}}, [("ai_system.nam", "unknown_field")]),
        ({"ai_system": {"version": "2"}}, [("ai_system.name", "required")]),
        ({"ai_system": {"name": " "}}, [("ai_system.name", "required")]),
        ({"ai_system": {"name": "A", "access": "closed"}}, [("ai_system.access", "unknown_value")]),
        ({"ai_system": {"name": "A", 1: "x"}}, [("ai_system.1", "unknown_field")]),
    ],
)
def test_wrong_values_are_reported(
    shipped: Taxonomy, changes: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert codes(shipped.validate(with_(**changes), "initial")) == expected


def test_null_means_not_given(shipped: Taxonomy) -> None:
    assert shipped.validate(with_(ended_on=None, harm_deaths=None), "initial") == []
    assert codes(shipped.validate(with_(event_class=None), "initial")) == [
        ("event_class", "required")
    ]


@pytest.mark.parametrize("empty", ["", "  ", [], {}])
def test_empty_answers_do_not_meet_a_requirement(shipped: Taxonomy, empty: object) -> None:
    problems = shipped.validate(with_(ai_system={"name": "A"}, root_cause=empty), "final")
    assert ("root_cause", "required") in codes(problems)


def test_empty_answers_to_optional_dimensions_are_fine(shipped: Taxonomy) -> None:
    assert shipped.validate(with_(ai_task=[], reproduction_steps=""), "initial") == []


def test_conditional_requirements_say_why(shipped: Taxonomy) -> None:
    problems = shipped.validate(with_(event_class="ai_hazard"), "initial")
    assert problems == [
        Problem(
            "near_miss",
            "required",
            "Required in the initial report: Near miss "
            "(because Event class is AI hazard or Serious AI hazard)",
        )
    ]
    assert shipped.validate(with_(event_class="ai_hazard", near_miss=False), "initial") == []


@pytest.mark.parametrize(
    ("changes", "missing", "because"),
    [
        ({"harm_type": ["physical_death"]}, "harm_deaths", "Harm type includes Death"),
        ({"harm_materialisation": "none", "persons_affected": None}, None, ""),
        ({"persons_affected": None}, "persons_affected", "Harm materialisation is Harm occurred"),
        ({"response_status": "resolved"}, "resolved_at", "Response status is Resolved"),
        ({"occurred_on": None}, "occurred_on", ""),
        (
            {"ai_role": ["intentional_misuse"]},
            "security",
            "How the AI system relates to the event includes Intentional misuse or Intent is "
            "Intentional or Systemic risk includes Cyber offence or Model weight security",
        ),
        (
            {"regulatory_regimes": ["eu_ai_act_art55"]},
            "frontier_risk",
            "Regulatory regimes includes EU AI Act Art. 55 (GPAI models with systemic risk)",
        ),
    ],
)
def test_required_when(
    shipped: Taxonomy, changes: dict[str, object], missing: str | None, because: str
) -> None:
    problems = shipped.validate(with_(**changes), "initial")
    if missing is None:
        assert problems == []
        return
    assert problems[0].path == missing
    assert problems[0].code == "required"
    assert because in problems[0].message


def test_security_details_are_checked_by_their_own_kinds(shipped: Taxonomy) -> None:
    security = {
        "is_security_incident": True,
        "atlas_techniques": ["AML.T0051", "AML.T0051.000"],
        "cve_ids": ["CVE-2024-12345"],
    }
    assert shipped.validate(with_(security=security), "initial") == []
    bad = {
        "is_security_incident": "yes",
        "atlas_techniques": "AML.T0051",
        "cve_ids": ["CVE-24-1", 7, "CVE-2024-12345", "CVE-2024-12345"],
    }
    assert codes(shipped.validate(with_(security=bad), "initial")) == [
        ("security.is_security_incident", "wrong_type"),
        ("security.atlas_techniques", "wrong_type"),
        ("security.cve_ids[0]", "bad_format"),
        ("security.cve_ids[1]", "wrong_type"),
        ("security.cve_ids[3]", "duplicate_value"),
    ]


def test_retired_values_point_to_their_successor() -> None:
    tax = taxonomy.load("1.1.0", root=FIXTURE_ROOT)
    problems = tax.validate(
        {"event_class": "ai_incident", "harm_type": ["economic_property"]}, "initial"
    )
    assert problems == [
        Problem(
            "harm_type[0]",
            "deprecated_value",
            "'economic_property' has been retired in taxonomy 1.1.0; use 'economic_loss' "
            "(Economic loss) instead.",
        )
    ]
    later = taxonomy.load("1.2.0", root=FIXTURE_ROOT)
    [problem] = later.validate(
        {"event_class": "ai_incident", "harm_type": ["other"], "ai_task": ["content_generation"]},
        "initial",
    )
    assert problem.message == (
        "'content_generation' has been retired in taxonomy 1.2.0; choose another AI task value."
    )
    assert later.dimension("harm_type").choices()[1].id == "economic_loss"


def test_retired_in_a_single_dimension_is_reported_too() -> None:
    tax = taxonomy.load("1.1.0", root=FIXTURE_ROOT)
    problems = tax.validate(
        {"event_class": "ai_incident", "harm_type": ["other"], "confidence": "probable"},
        "initial",
    )
    assert codes(problems) == [("confidence", "unknown_value")]


def test_numbers_respect_a_maximum(mini_root: Editor) -> None:
    root = mini_root(
        append='\n[[dimension]]\nid = "share"\nlabel = "Share"\ndefinition = "A percentage."\n'
        'kind = "number"\nminimum = 0\nmaximum = 100\nvisibility = "public"\n'
        "mappings.oecd = { no_equivalent = true }\n"
        '\n[[dimension]]\nid = "offset"\nlabel = "Offset"\ndefinition = "Any number."\n'
        'kind = "number"\nvisibility = "public"\nmappings.oecd = { no_equivalent = true }\n'
    )
    tax = taxonomy.load("1.0.0", root=root)
    properties: Any = json_schema(tax)["properties"]
    assert properties["offset"]["type"] == ["number", "null"]
    assert tax.validate(
        {"event_class": "ai_incident", "harm_type": [], "offset": -5.5}, "initial"
    ) == [Problem("harm_type", "required", "Required in the initial report: Harm type")]
    base = {"event_class": "ai_incident", "harm_type": ["other"]}
    assert tax.validate({**base, "share": 100}, "initial") == []
    assert tax.validate({**base, "share": 100.5}, "initial") == [
        Problem("share", "out_of_range", "Share: must be at most 100.")
    ]
    schema = json_schema(tax)
    properties = schema["properties"]
    assert properties["share"]["maximum"] == 100
    assert not Draft202012Validator(schema).is_valid({**base, "share": 100.5})
