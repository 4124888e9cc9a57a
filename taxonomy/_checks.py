"""Checks of what loaded data means: id formats, kinds, values, mappings and coverage.

References between parts (related values, conditions, regimes, OECD criteria) are checked in
``_check_refs``. Every check records problems and goes on, so one run reports them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from taxonomy._reader import Problems, Where
from taxonomy.model import (
    KINDS,
    REQUIRED_STAGES,
    VISIBILITIES,
    Dimension,
    Field,
    Framework,
    FrameworkMapping,
    Value,
)
from taxonomy.patterns import ID, VALUE_FORMATS

_CHOICE_KINDS = ("single", "multi")


def check_id(text: str, where: Where, problems: Problems, what: str = "ids") -> None:
    """Record a problem unless ``text`` is a lower_snake_case id."""
    if not ID.fullmatch(text):
        problems.add(where, f"{what} must be lower_snake_case")


def check_unique(ids: Sequence[str], where: Where, what: str, problems: Problems) -> None:
    """Record a problem for every id that appears more than once."""
    seen: set[str] = set()
    for each in ids:
        if each in seen:
            problems.add(where, f"{what} '{each}' is defined more than once")
        seen.add(each)


def check_dimension(
    dimension: Dimension,
    where: Where,
    frameworks: Mapping[str, Framework],
    problems: Problems,
) -> None:
    """Check one dimension, its sub-fields and its values."""
    _check_field(dimension, where, frameworks, problems)
    if dimension.required is not None and dimension.required not in REQUIRED_STAGES:
        problems.add(where, f"'required' must be one of {', '.join(REQUIRED_STAGES)}")
    if dimension.required_when is not None and dimension.required is None:
        problems.add(where, "'required_when' needs 'required' (the stage it applies from)")
    if dimension.visibility not in VISIBILITIES:
        problems.add(where, f"'visibility' must be one of {', '.join(VISIBILITIES)}")
    for framework in frameworks.values():
        if framework.required and framework.id not in dimension.mappings:
            problems.add(
                where, f"needs a '{framework.id}' mapping, or '{framework.id}' no_equivalent"
            )
    check_unique([each.id for each in dimension.fields], where, "field", problems)
    for subfield in dimension.fields:
        here = where.child("field", subfield.id)
        _check_field(subfield, here, frameworks, problems)
        if subfield.kind == "structured":
            problems.add(here, "a sub-field cannot be structured")


def _check_field(
    field: Field, where: Where, frameworks: Mapping[str, Framework], problems: Problems
) -> None:
    check_id(field.id, where, problems)
    if not field.label or not field.definition:
        problems.add(where, "needs a label and a definition")
    if field.kind not in KINDS:
        problems.add(where, f"unknown kind '{field.kind}'; use one of {', '.join(KINDS)}")
    _check_kind_settings(field, where, problems)
    for framework_id, mapping in field.mappings.items():
        check_mapping(mapping, where.child("mapping", framework_id), frameworks, problems)
    _check_values(field, where, frameworks, problems)
    _check_note(field.unverified, field.note, where, problems)


def _check_kind_settings(field: Field, where: Where, problems: Problems) -> None:
    """Settings must suit the kind: values on choices, sub-fields on structured, etc."""
    if field.kind in _CHOICE_KINDS and not field.values:
        problems.add(where, f"a {field.kind} dimension needs values")
    if field.values and field.kind not in _CHOICE_KINDS:
        problems.add(where, "only single and multi dimensions have values")
    if field.kind == "structured" and not field.fields:
        problems.add(where, "a structured dimension needs fields")
    if field.fields and field.kind != "structured":
        problems.add(where, "only structured dimensions have fields")
    number_set = field.integer or field.minimum is not None or field.maximum is not None
    if number_set and field.kind != "number":
        problems.add(where, "'integer', 'minimum' and 'maximum' apply to numbers only")
    text_set = field.max_length is not None or field.pattern is not None or field.multiple
    if text_set and field.kind != "text":
        problems.add(where, "'max_length', 'pattern' and 'multiple' apply to text only")
    if field.max_length is not None and field.max_length < 1:
        problems.add(where, "'max_length' must be at least 1")
    if field.pattern is not None:
        try:
            re.compile(field.pattern)
        except re.error as error:
            problems.add(where, f"'pattern' is not a regular expression: {error}")
    if field.kind == "date" and not field.id.endswith(("_on", "_at")):
        problems.add(where, "date ids end in '_on' (a date) or '_at' (a UTC timestamp)")


def _check_values(
    field: Field, where: Where, frameworks: Mapping[str, Framework], problems: Problems
) -> None:
    id_format = VALUE_FORMATS.get(field.value_format)
    if id_format is None:
        known = ", ".join(VALUE_FORMATS)
        problems.add(where, f"unknown value_format '{field.value_format}'; use one of {known}")
    check_unique([each.id for each in field.values], where, "value", problems)
    for value in field.values:
        here = where.child("value", value.id)
        if id_format is not None and not id_format.fullmatch(value.id):
            problems.add(here, f"ids must be {field.value_format}")
        if field.value_format == "lower_snake_case" and not (value.label and value.definition):
            problems.add(here, "needs a label and a definition")
        if value.exclusive and field.kind != "multi":
            problems.add(here, "only values of multi dimensions can be exclusive")
        for framework_id, mapping in value.mappings.items():
            check_mapping(mapping, here.child("mapping", framework_id), frameworks, problems)
        _check_note(value.unverified, value.note, here, problems)
    _check_value_coverage(field.values, where, problems)


def _check_value_coverage(values: Sequence[Value], where: Where, problems: Problems) -> None:
    """A framework mapped on one value must be mapped, or no_equivalent, on every value."""
    used = {framework for value in values for framework in value.mappings}
    for framework in sorted(used):
        for value in values:
            if framework not in value.mappings:
                problems.add(
                    where.child("value", value.id),
                    f"needs a '{framework}' mapping (or no_equivalent) like the other values",
                )


def check_mapping(
    mapping: FrameworkMapping,
    where: Where,
    frameworks: Mapping[str, Framework],
    problems: Problems,
) -> None:
    """Check one mapping against the framework it names."""
    framework = frameworks.get(mapping.framework)
    if framework is None:
        problems.add(where, f"unknown framework; use one of {', '.join(frameworks)}")
        return
    has_target = (mapping.criterion, mapping.field, mapping.value) != (None, None, None)
    if mapping.no_equivalent and has_target:
        problems.add(where, "no_equivalent excludes 'criterion', 'field' and 'value'")
    if not mapping.no_equivalent and not has_target:
        problems.add(where, "needs 'criterion', 'field' or 'value', or no_equivalent = true")
    if mapping.criterion is not None and mapping.criterion not in framework.criteria:
        problems.add(where, f"criterion {mapping.criterion} is not a criterion of this framework")
    if mapping.value is not None and framework.values and mapping.value not in framework.values:
        problems.add(where, f"'{mapping.value}' is not one of {', '.join(framework.values)}")
    _check_note(mapping.unverified, mapping.note, where, problems)


def _check_note(unverified: bool, note: str, where: Where, problems: Problems) -> None:
    if unverified and not note:
        problems.add(where, "unverified needs a note saying what to verify")


def check_frameworks(frameworks: Mapping[str, Framework], where: Where, problems: Problems) -> None:
    """Check the framework declarations of ``taxonomy.toml``."""
    for framework in frameworks.values():
        here = where.child("framework", framework.id)
        check_id(framework.id, here, problems)
        _check_note(framework.unverified, framework.note, here, problems)
