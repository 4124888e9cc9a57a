"""Exports: JSON, CSV, form choices, and a JSON Schema that agrees with validate()."""

from __future__ import annotations

import csv
import functools
import io
import json
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import taxonomy
from taxonomy import Taxonomy
from taxonomy._jsonschema import DIALECT, condition_schema
from taxonomy.conditions import AllOf, AnyOf, Condition, Equals, HasAnyOf, Not, Present, holds
from taxonomy.export import CSV_COLUMNS, choices, json_schema, to_csv, to_json
from taxonomy.model import Field

from .conftest import FIXTURE_ROOT, VALID_FINAL, VALID_INITIAL, Editor


def test_json_export_lists_the_whole_taxonomy(shipped: Taxonomy) -> None:
    data: Any = to_json(shipped)
    assert json.loads(json.dumps(data)) == data
    assert data["version"] == "1.0.0"
    assert data["released_on"] == "2025-12-01"
    dimensions = data["dimensions"]
    assert isinstance(dimensions, list)
    assert len(dimensions) >= 30
    by_id = {each["id"]: each for each in dimensions}
    harm = by_id["harm_type"]
    assert harm["mappings"] == {
        "oecd": {"criterion": 11},
        "oecd_aim": {"field": "harm_types"},
        "eu_ai_act": {"field": "Art. 3(49) limbs (a)-(d)"},
    }
    assert harm["values"][0]["mappings"]["eu_ai_act"] == {"value": "a_death"}
    assert harm["required"] == "initial"
    assert harm["value_format"] == "lower_snake_case"
    assert by_id["near_miss"]["required_when"] == {
        "dimension": "event_class",
        "any_of": ["ai_hazard", "serious_ai_hazard"],
    }
    assert by_id["aware_at"]["format"] == "date-time"
    assert by_id["occurred_on"]["format"] == "date"
    assert by_id["harm_deaths"]["integer"] is True
    assert by_id["root_cause"]["max_length"] == 20000
    assert by_id["ai_system"]["fields"][0]["required"] is True
    mapped = [each for each in dimensions if not each["mappings"]["oecd"].get("no_equivalent")]
    assert len(mapped) >= 20
    regimes = {each["id"]: each for each in data["regimes"]}
    assert regimes["gdpr_art33"]["rules"][0]["period"] == "PT72H"
    assert regimes["eu_ai_act_art73"]["rules"][1]["when"] == {
        "dimension": "widespread_infringement",
        "equals": True,
    }
    assert {"id": "oecd"}.items() <= data["frameworks"][0].items()


def test_csv_export_has_one_row_per_value(shipped: Taxonomy) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(shipped))))
    assert list(rows[0])[: len(CSV_COLUMNS)] == list(CSV_COLUMNS)
    expected = sum(
        max(len(field.values), 1) for each in shipped.dimensions for field in (each, *each.fields)
    )
    assert len(rows) == expected
    death = next(row for row in rows if row["value"] == "physical_death")
    assert death["dimension"] == "harm_type"
    assert death["oecd"] == "value physical"
    assert death["eu_ai_act"] == "value a_death"
    assert death["deprecated"] == "false"
    deaths = next(row for row in rows if row["dimension"] == "harm_deaths")
    assert deaths["value"] == ""
    assert deaths["oecd"] == "criterion 12; field deaths"
    hazard = next(row for row in rows if row["value"] == "ai_hazard")
    assert hazard["eu_ai_act"] == "no equivalent"
    autonomy = next(row for row in rows if row["value"] == "high_action")
    assert autonomy["csetv1"] == "value Autonomy1; (unverified)"
    access = next(row for row in rows if row["value"] == "open_weights")
    assert access["dimension"] == "ai_system.access"
    assert access["oecd"] == "criterion 23; (unverified)"
    assert access["isic"] == ""


def test_form_choices_leave_out_retired_values() -> None:
    tax = taxonomy.load("1.1.0", root=FIXTURE_ROOT)
    harm = [each.id for each in choices(tax)["harm_type"]]
    assert harm == [
        "physical_death",
        "economic_loss",
        "property_damage",
        "psychological",
        "reputational",
        "other",
    ]
    assert [each.label for each in tax.dimension("ai_task").choices()] == [
        "Interaction support",
        "Content generation",
    ]


def test_schema_is_valid_draft_2020_12(shipped: Taxonomy) -> None:
    for stage in taxonomy.STAGES:
        schema = json_schema(shipped, stage)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    with pytest.raises(ValueError, match="unknown report stage"):
        json_schema(shipped, "draft")


def test_schema_without_requirements_has_no_empty_all_of(mini_root: Editor) -> None:
    root = mini_root()
    path = root / "1.0.0" / "dimensions.toml"
    text = path.read_text().replace('required = "initial"\n', "").replace("required = true\n", "")
    path.write_text(text)
    schema = json_schema(taxonomy.load("1.0.0", root=root), "final")
    Draft202012Validator.check_schema(schema)
    assert "allOf" not in schema
    properties: Any = schema["properties"]
    assert "allOf" not in properties["ai_system"]
    assert Draft202012Validator(schema).is_valid({})


def test_complete_classifications_are_schema_valid(shipped: Taxonomy) -> None:
    assert Draft202012Validator(json_schema(shipped, "initial")).is_valid(VALID_INITIAL)
    assert Draft202012Validator(json_schema(shipped, "final")).is_valid(VALID_FINAL)
    assert not Draft202012Validator(json_schema(shipped, "final")).is_valid(VALID_INITIAL)


# Property: schema-valid exactly when validate() finds no problem.

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.text(max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
)


def plausible(field: Field) -> st.SearchStrategy[object]:
    """Values of the right kind, valid or nearly so."""
    ids = [value.id for value in field.values] + ["nope"]
    match field.kind:
        case "single":
            return st.sampled_from(ids)
        case "multi":
            return st.lists(st.sampled_from(ids), max_size=3)
        case "boolean":
            return st.booleans()
        case "number":
            return st.one_of(st.integers(-2, 50), st.floats(-2, 50, allow_nan=False), st.just(3.0))
        case "date" if field.is_timestamp:
            moments = st.datetimes(timezones=st.just(UTC)).map(lambda each: each.isoformat())
            return st.one_of(moments, st.sampled_from(["2025-01-01", "2025-02-30T00:00:00Z"]))
        case "date":
            return st.one_of(st.dates().map(str), st.sampled_from(["2025-02-30", "2025-1-1"]))
        case "text":
            one = st.text(max_size=8)
            if field.pattern is not None:
                one = st.one_of(one, st.from_regex(field.pattern, fullmatch=True))
            return st.lists(one, max_size=3) if field.multiple else one
        case _:
            subfields = {each.id: st.one_of(plausible(each), JUNK) for each in field.fields}
            return st.fixed_dictionaries({}, optional={**subfields, "extra": JUNK})


def classifications(
    tax: Taxonomy, bases: list[dict[str, object]]
) -> st.SearchStrategy[dict[str, object]]:
    """A base classification with up to three dimensions changed and up to two removed, so
    that examples hold few problems and many hold none."""

    def changed(chosen: list[Field]) -> st.SearchStrategy[dict[str, object]]:
        values = {each.id: st.one_of(plausible(each), plausible(each), JUNK) for each in chosen}
        return st.fixed_dictionaries(values)

    dimensions: list[Field] = list(tax.dimensions)
    changes = st.lists(st.sampled_from(dimensions), max_size=3, unique_by=lambda each: each.id)
    unknown = st.one_of(st.just({}), st.fixed_dictionaries({"unknown_dimension": JUNK}))
    removals = st.lists(st.sampled_from([each.id for each in dimensions]), max_size=1)
    extra: st.SearchStrategy[dict[str, object]] = st.one_of(
        st.just({}), st.just({}), st.just({}), unknown
    )

    def build(
        base: dict[str, object],
        changes: dict[str, object],
        extra: dict[str, object],
        removed: list[str],
    ) -> dict[str, object]:
        result = {**base, **changes, **extra}
        for key in removed:
            result.pop(key, None)
        return result

    return st.builds(build, st.sampled_from(bases), changes.flatmap(changed), extra, removals)


@functools.cache
def validator(tax: Taxonomy, stage: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(tax, stage))


def agree(tax: Taxonomy, classification: dict[str, object]) -> None:
    for stage in taxonomy.STAGES:
        problems = tax.validate(classification, stage)
        schema_valid = validator(tax, stage).is_valid(classification)
        assert schema_valid == (problems == []), (stage, problems)


SHIPPED = taxonomy.load()
FIXTURE = taxonomy.load("1.1.0", root=FIXTURE_ROOT)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classifications(SHIPPED, [VALID_FINAL, VALID_INITIAL, VALID_FINAL, {}]))
def test_schema_agrees_with_validate(classification: dict[str, object]) -> None:
    agree(SHIPPED, classification)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classifications(FIXTURE, [{}, {"event_class": "ai_incident", "harm_type": ["other"]}]))
def test_schema_agrees_with_validate_on_retired_values(classification: dict[str, object]) -> None:
    agree(FIXTURE, classification)


# Property: a condition's schema matches exactly when the condition holds.

LEAVES = [
    HasAnyOf("event_class", ("ai_hazard", "ai_incident")),
    HasAnyOf("harm_type", ("other",)),
    Equals("near_miss", True),
    Equals("event_class", "ai_hazard"),
    Equals("security.is_security_incident", False),
    Present("ai_system"),
    Present("security.is_security_incident", present=False),
]


def conditions() -> st.SearchStrategy[Condition]:
    def extend(inner: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
        parts = st.lists(inner, min_size=1, max_size=3).map(tuple)
        return st.one_of(parts.map(AllOf), parts.map(AnyOf), inner.map(Not))

    return st.recursive(st.sampled_from(LEAVES), extend, max_leaves=6)


ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "event_class": st.one_of(st.sampled_from(["ai_hazard", "ai_incident", "x"]), JUNK),
        "harm_type": st.one_of(st.lists(st.sampled_from(["other", "x"]), max_size=2), JUNK),
        "near_miss": st.one_of(st.booleans(), JUNK),
        "ai_system": st.one_of(st.fixed_dictionaries({"name": st.text(max_size=2)}), JUNK),
        "security": st.one_of(
            st.fixed_dictionaries(
                {}, optional={"is_security_incident": st.one_of(st.booleans(), JUNK)}
            ),
            JUNK,
        ),
    },
)


@settings(max_examples=300, deadline=None)
@given(conditions(), ANSWERS)
def test_condition_schema_agrees_with_holds(
    condition: Condition, answers: dict[str, object]
) -> None:
    schema = {"$schema": DIALECT, **condition_schema(condition)}
    assert Draft202012Validator(schema).is_valid(answers) == holds(condition, answers)
