"""Check a classification against a taxonomy and say, for the reporter, what is wrong.

A classification is a flat object: dimension id -> value. By kind:

- ``single``: a value id (``"ai_incident"``); ``multi``: a list of distinct value ids;
- ``boolean``: ``true``/``false``; ``number``: an integer or decimal within the dimension's
  range (never a boolean, never NaN);
- ``date``: ``"YYYY-MM-DD"`` for ids ending ``_on``; an RFC 3339 timestamp with seconds and a
  UTC offset (``"2025-03-01T09:30:00Z"``) for ids ending ``_at``; years 1900 to 2199 (dates
  in the future are allowed);
- ``text``: a string (a list of strings where the dimension says ``multiple``);
- ``structured``: an object of its declared sub-fields, each checked by its own kind.

``null`` (``None``) means "not given", like a missing key. Blank strings, empty lists and
empty objects do not answer a required dimension.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from taxonomy.conditions import holds, is_given
from taxonomy.describe import describe
from taxonomy.model import STAGES
from taxonomy.patterns import DATE, FIRST_YEAR, LAST_YEAR, TIMESTAMP
from taxonomy.problems import Problem

if TYPE_CHECKING:
    from taxonomy.model import Dimension, Field, Taxonomy

_MAX_LISTED_CHOICES = 12


def validate_classification(
    taxonomy: Taxonomy, classification: object, stage: str
) -> list[Problem]:
    """Return every problem of ``classification`` for a report at ``stage``.

    Raises ``ValueError`` only for an unknown ``stage``; a bad classification gives problems.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown report stage {stage!r}; use one of {', '.join(STAGES)}")
    if not isinstance(classification, Mapping):
        message = "The classification must be an object mapping dimension ids to values."
        return [Problem("", "wrong_type", message)]
    problems: list[Problem] = []
    for dimension in taxonomy.dimensions:
        found = classification.get(dimension.id)
        if found is not None:
            problems.extend(_check_value(taxonomy, dimension, found, dimension.id))
        if not is_given(found) and _required(dimension, classification, stage):
            problems.append(_required_problem(taxonomy, dimension, stage))
    for key in classification:
        if not isinstance(key, str) or not taxonomy.has_dimension(key):
            problems.append(_unknown_dimension(taxonomy, key))
    return problems


def _required(dimension: Dimension, classification: Mapping[str, object], stage: str) -> bool:
    if not dimension.required_at(stage):
        return False
    return dimension.required_when is None or holds(dimension.required_when, classification)


def _required_problem(taxonomy: Taxonomy, dimension: Dimension, stage: str) -> Problem:
    message = f"Required in the {stage} report: {dimension.label}"
    if dimension.required_when is not None:
        message += f" (because {describe(taxonomy, dimension.required_when)})"
    return Problem(dimension.id, "required", message)


def _unknown_dimension(taxonomy: Taxonomy, key: object) -> Problem:
    ids = [each.id for each in taxonomy.dimensions]
    message = f"'{key}' is not a dimension of taxonomy {taxonomy.version}."
    close = difflib.get_close_matches(str(key), ids, n=1)
    if close:
        message += f" Did you mean '{close[0]}' ({taxonomy.dimension(close[0]).label})?"
    return Problem(str(key), "unknown_dimension", message)


def _check_value(taxonomy: Taxonomy, field: Field, found: object, path: str) -> list[Problem]:
    """Check one given (non-null) value against its field's kind."""
    match field.kind:
        case "single":
            if isinstance(found, str):
                return _check_choice(taxonomy, field, found, path)
            return [_wrong_type(field, path, "one choice (a value id as a string)")]
        case "multi":
            return _check_multi(taxonomy, field, found, path)
        case "boolean":
            ok = isinstance(found, bool)
            return [] if ok else [_wrong_type(field, path, "true or false")]
        case "number":
            return _check_number(field, found, path)
        case "date":
            return _check_date(field, found, path)
        case "text":
            return _check_text(field, found, path)
        case _:
            return _check_structured(taxonomy, field, found, path)


def _wrong_type(field: Field, path: str, expected: str) -> Problem:
    return Problem(path, "wrong_type", f"{field.label}: expected {expected}.")


def _check_choice(taxonomy: Taxonomy, field: Field, found: str, path: str) -> list[Problem]:
    value = field.value(found)
    if value is None:
        return [_unknown_value(taxonomy, field, found, path)]
    if not value.deprecated:
        return []
    message = f"'{found}' has been retired in taxonomy {taxonomy.version}; "
    successor = field.value(value.replaced_by) if value.replaced_by else None
    if successor is not None:
        message += f"use '{successor.id}' ({successor.label}) instead."
    else:
        message += f"choose another {field.label} value."
    return [Problem(path, "deprecated_value", message)]


def _unknown_value(taxonomy: Taxonomy, field: Field, found: str, path: str) -> Problem:
    choices = field.choices()
    message = f"'{found}' is not a choice for {field.label}."
    owners = [each.label for each in taxonomy.dimensions if each.value(found) is not None]
    if owners:
        message += f" It is a value of {', '.join(owners)}."
    labels = {each.id: each.label for each in choices}
    close = difflib.get_close_matches(found, list(labels), n=1)
    if close:
        message += f" Did you mean '{close[0]}' ({labels[close[0]]})?"
    if len(choices) <= _MAX_LISTED_CHOICES:
        message += " Choose one of: " + ", ".join(f"{c.label} ({c.id})" for c in choices) + "."
    else:
        message += f" See the {len(choices)} choices in taxonomy {taxonomy.version}."
    return Problem(path, "wrong_dimension" if owners else "unknown_value", message)


def _check_multi(taxonomy: Taxonomy, field: Field, found: object, path: str) -> list[Problem]:
    if not isinstance(found, list | tuple):
        return [_wrong_type(field, path, "a list of choices (value ids)")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(found):
        here = f"{path}[{index}]"
        if not isinstance(item, str):
            problems.append(_wrong_type(field, here, "a value id as a string"))
        elif item in seen:
            problems.append(Problem(here, "duplicate_value", f"'{item}' is listed twice."))
        else:
            seen.add(item)
            problems.extend(_check_choice(taxonomy, field, item, here))
    exclusive = [each.label for each in field.values if each.exclusive and each.id in seen]
    if exclusive and len(found) > 1:
        message = f"'{exclusive[0]}' cannot be combined with other {field.label} values."
        problems.append(Problem(path, "conflicting_values", message))
    return problems


def _check_number(field: Field, found: object, path: str) -> list[Problem]:
    expected = "a whole number" if field.integer else "a number"
    if isinstance(found, bool) or not isinstance(found, int | float):
        return [_wrong_type(field, path, expected)]
    if isinstance(found, float) and (math.isnan(found) or math.isinf(found)):
        return [_wrong_type(field, path, expected)]
    if field.integer and isinstance(found, float) and not found.is_integer():
        return [_wrong_type(field, path, expected)]
    if field.minimum is not None and found < field.minimum:
        return [
            Problem(path, "out_of_range", f"{field.label}: must be at least {field.minimum:g}.")
        ]
    if field.maximum is not None and found > field.maximum:
        return [Problem(path, "out_of_range", f"{field.label}: must be at most {field.maximum:g}.")]
    return []


def _check_date(field: Field, found: object, path: str) -> list[Problem]:
    pattern, example = (
        (TIMESTAMP, "2025-03-01T09:30:00Z") if field.is_timestamp else (DATE, "2025-03-01")
    )
    if isinstance(found, str) and pattern.search(found):
        return []
    what = "a date and time with a UTC offset" if field.is_timestamp else "a date"
    message = (
        f"{field.label}: expected {what} from {FIRST_YEAR} to {LAST_YEAR} such as {example}; "
        f"got {found!r}."
    )
    code = "bad_format" if isinstance(found, str) else "wrong_type"
    return [Problem(path, code, message)]


def _check_text(field: Field, found: object, path: str) -> list[Problem]:
    if not field.multiple:
        if isinstance(found, str):
            return _check_string(field, found, path)
        return [_wrong_type(field, path, "text")]
    if not isinstance(found, list | tuple):
        return [_wrong_type(field, path, "a list of texts")]
    problems: list[Problem] = []
    for index, item in enumerate(found):
        here = f"{path}[{index}]"
        if not isinstance(item, str):
            problems.append(_wrong_type(field, here, "text"))
        elif item in found[:index]:
            problems.append(Problem(here, "duplicate_value", f"'{item}' is listed twice."))
        else:
            problems.extend(_check_string(field, item, here))
    return problems


def _check_string(field: Field, found: str, path: str) -> list[Problem]:
    if field.max_length is not None and len(found) > field.max_length:
        message = f"{field.label}: at most {field.max_length} characters ({len(found)} given)."
        return [Problem(path, "too_long", message)]
    if field.pattern is not None and re.search(field.pattern, found) is None:
        message = f"{field.label}: '{found}' is not in the expected form. {field.definition}"
        return [Problem(path, "bad_format", message)]
    return []


def _check_structured(taxonomy: Taxonomy, field: Field, found: object, path: str) -> list[Problem]:
    if not isinstance(found, Mapping):
        names = ", ".join(each.id for each in field.fields)
        return [_wrong_type(field, path, f"an object with the fields {names}")]
    problems: list[Problem] = []
    for subfield in field.fields:
        here = f"{path}.{subfield.id}"
        item = found.get(subfield.id)
        if item is not None:
            problems.extend(_check_value(taxonomy, subfield, item, here))
        if subfield.required and not is_given(item):
            message = f"Required: {subfield.label} (part of {field.label})"
            problems.append(Problem(here, "required", message))
    for key in found:
        if not isinstance(key, str) or field.field(key) is None:
            names = ", ".join(each.id for each in field.fields)
            message = f"'{key}' is not a field of {field.label}. Its fields are: {names}."
            problems.append(Problem(f"{path}.{key}", "unknown_field", message))
    return problems
