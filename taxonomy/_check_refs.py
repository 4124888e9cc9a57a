"""Checks of references between parts of one version: related values, conditions, regimes and
OECD criteria shared by several dimensions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from taxonomy._checks import check_id, check_unique
from taxonomy._reader import Problems, Where
from taxonomy.conditions import Condition, Equals, HasAnyOf, leaves
from taxonomy.model import ANCHORS, OBLIGATIONS, Dimension, Field, Framework, Regime

FieldAt = Callable[[str], Field | None]
"""Finds the dimension (``id``) or sub-field (``id.field``) at a path."""


def check_related(field: Field, where: Where, field_at: FieldAt, problems: Problems) -> None:
    """Every ``related`` entry must name a value of the same field (``value``), a dimension or
    sub-field (``dimension``, ``dimension.field``) or a value elsewhere (``dimension.value``)."""
    for value in field.values:
        for ref in value.related:
            if not _resolves(ref, field, field_at):
                problems.add(
                    where.child("value", value.id), f"related '{ref}' names no value or dimension"
                )


def _resolves(ref: str, field: Field, field_at: FieldAt) -> bool:
    if field.value(ref) is not None or field_at(ref) is not None:
        return True
    owner_path, _, value_id = ref.rpartition(".")
    owner = field_at(owner_path) if owner_path else None
    return owner is not None and owner.value(value_id) is not None


def check_condition(
    condition: Condition, where: Where, field_at: FieldAt, problems: Problems
) -> None:
    """Every test of ``condition`` must name an existing dimension and suitable values."""
    for test in leaves(condition):
        field = field_at(test.path)
        if field is None:
            problems.add(where, f"condition names unknown dimension '{test.path}'")
        elif isinstance(test, HasAnyOf):
            _check_values_named(field, test.values, where, problems)
        elif isinstance(test, Equals):
            if isinstance(test.value, bool):
                if field.kind != "boolean":
                    problems.add(where, f"'{test.path}' is not boolean; use any_of")
            else:
                _check_values_named(field, (test.value,), where, problems)


def _check_values_named(
    field: Field, values: Sequence[str], where: Where, problems: Problems
) -> None:
    if not field.values:
        problems.add(where, f"'{field.path}' has no values to compare with")
        return
    for value_id in values:
        if field.value(value_id) is None:
            problems.add(where, f"'{value_id}' is not a value of '{field.path}'")


def check_regimes(
    regimes: Sequence[Regime], where: Where, field_at: FieldAt, problems: Problems
) -> None:
    """Check regime and rule ids, obligations, anchors and conditions."""
    check_unique([each.id for each in regimes], where, "regime", problems)
    check_unique([rule.id for each in regimes for rule in each.rules], where, "rule", problems)
    for regime in regimes:
        here = where.child("regime", regime.id)
        check_id(regime.id, here, problems)
        check_condition(
            regime.applies_when, here.child("setting", "applies_when"), field_at, problems
        )
        if regime.unverified and not regime.note:
            problems.add(here, "unverified needs a note saying what to verify")
        for rule in regime.rules:
            _check_rule_settings(rule.id, rule.obligation, rule.anchor, here, problems)
            there = here.child("rule", rule.id)
            if rule.when is not None:
                check_condition(rule.when, there.child("setting", "when"), field_at, problems)
            if rule.unverified and not rule.note:
                problems.add(there, "unverified needs a note saying what to verify")


def _check_rule_settings(
    rule_id: str, obligation: str, anchor: str, where: Where, problems: Problems
) -> None:
    here = where.child("rule", rule_id)
    check_id(rule_id, here, problems)
    if obligation not in OBLIGATIONS:
        problems.add(here, f"'obligation' must be one of {', '.join(OBLIGATIONS)}")
    if anchor not in ANCHORS:
        problems.add(here, f"'anchor' must be one of {', '.join(ANCHORS)}")


def check_criteria(
    placed: Sequence[tuple[Where, Dimension]],
    frameworks: Mapping[str, Framework],
    problems: Problems,
) -> None:
    """Dimensions sharing a numbered criterion must each name a distinct ``field`` of it, so
    that the crosswalk output has one place per dimension."""
    for framework in frameworks.values():
        if not framework.criteria:
            continue
        targets: dict[int, list[tuple[str, str | None, Where]]] = defaultdict(list)
        for where, dimension in placed:
            for owner in dimension.fields or (dimension,):
                mapping = owner.mappings.get(framework.id)
                if mapping is None or mapping.criterion is None:
                    continue
                criteria = {mapping.criterion}
                for value in owner.values:
                    override = value.mappings.get(framework.id)
                    if override is not None and override.criterion is not None:
                        criteria.add(override.criterion)
                for criterion in sorted(criteria):
                    targets[criterion].append((owner.path, mapping.field, where))
        for criterion, owners in sorted(targets.items()):
            _check_shared_criterion(framework.id, criterion, owners, problems)


def _check_shared_criterion(
    framework_id: str,
    criterion: int,
    owners: Sequence[tuple[str, str | None, Where]],
    problems: Problems,
) -> None:
    if len(owners) < 2:
        return
    seen: set[str | None] = set()
    for path, field, where in owners:
        if field is None or field in seen:
            problems.add(
                where,
                f"'{path}' shares {framework_id} criterion {criterion} with other dimensions: "
                "give each a distinct 'field'",
            )
        seen.add(field)
