"""Crosswalks from a classification to external frameworks, driven by the data's mappings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

from taxonomy.conditions import is_given
from taxonomy.loader import load
from taxonomy.model import Field, FrameworkMapping, Taxonomy

EU_LIMBS = (
    "a_death",
    "a_health",
    "b_critical_infrastructure",
    "c_fundamental_rights",
    "d_property_environment",
)
"""The limbs of the EU AI Act's serious-incident definition, Art. 3(49)(a)-(d)."""

_SERIOUS = "serious_incident"


def to_oecd(
    classification: Mapping[str, object], version: str | None = None, *, root: Path | None = None
) -> dict[str, object]:
    """Return the OECD common-reporting-framework criteria a classification answers.

    Keys are ``c<NN>_<name>`` (``c10_severity``, ``c11_harm_type``). Where the data maps a
    dimension to a criterion ``field`` the criterion holds an object of fields
    (``c12_harm_quantification: {"deaths": 2}``). Values are translated with the value
    mappings, and multi dimensions give lists. Dimensions and values without an OECD
    equivalent, and unknown ones, are left out: validate the classification first.
    """
    taxonomy = load(version, root=root)
    framework = taxonomy.frameworks["oecd"]
    criteria: dict[str, object] = {}
    for dimension in taxonomy.dimensions:
        found = classification.get(dimension.id)
        if not is_given(found):
            continue
        if dimension.fields and isinstance(found, Mapping):
            for subfield in dimension.fields:
                _put_field(criteria, framework.criteria, subfield, found.get(subfield.id))
        else:
            _put_field(criteria, framework.criteria, dimension, found)
    return dict(sorted(criteria.items()))


def _put_field(
    criteria: dict[str, object], names: Mapping[int, str], field: Field, found: object
) -> None:
    mapping = field.mappings.get("oecd")
    if mapping is None or mapping.criterion is None or not is_given(found):
        return
    if not field.values:
        _put(criteria, names, mapping.criterion, mapping.field, found)
        return
    chosen = found if isinstance(found, list) else [found]
    grouped: dict[int, list[object]] = {}
    for item in chosen:
        value = field.value(item) if isinstance(item, str) else None
        if value is None:
            continue
        target = value.mappings.get("oecd", FrameworkMapping(framework="oecd"))
        if target.no_equivalent:
            continue
        criterion = target.criterion or mapping.criterion
        translated = target.value or value.id
        bucket = grouped.setdefault(criterion, [])
        if translated not in bucket:
            bucket.append(translated)
    for criterion, translated_values in grouped.items():
        answer = translated_values if field.kind == "multi" else translated_values[0]
        _put(criteria, names, criterion, mapping.field, answer)


def _put(
    criteria: dict[str, object],
    names: Mapping[int, str],
    criterion: int,
    field: str | None,
    answer: object,
) -> None:
    key = f"c{criterion:02d}_{names[criterion]}"
    if field is None:
        criteria[key] = answer
    else:
        # The loader ensures dimensions sharing a criterion each have their own field.
        section = cast(dict[str, object], criteria.setdefault(key, {}))
        section[field] = answer


def eu_ai_act_limb(
    classification: Mapping[str, object], version: str | None = None, *, root: Path | None = None
) -> tuple[str, ...]:
    """Return the EU AI Act Art. 3(49) limbs a classification meets, in limb order.

    Empty unless the event class maps to an EU "serious incident" (serious AI incident, AI
    disaster). The limbs come from the ``eu_ai_act`` mappings of the chosen values (harm types,
    critical infrastructure).
    """
    taxonomy = load(version, root=root)
    codes = _eu_codes(taxonomy, classification)
    if _SERIOUS not in codes:
        return ()
    return tuple(limb for limb in EU_LIMBS if limb in codes)


def _eu_codes(taxonomy: Taxonomy, classification: Mapping[str, object]) -> set[str]:
    codes: set[str] = set()
    for dimension in taxonomy.dimensions:
        found = classification.get(dimension.id)
        chosen = found if isinstance(found, list) else [found]
        for item in chosen:
            value = dimension.value(item) if isinstance(item, str) else None
            mapping = None if value is None else value.mappings.get("eu_ai_act")
            if mapping is not None and mapping.value is not None:
                codes.add(mapping.value)
    return codes
