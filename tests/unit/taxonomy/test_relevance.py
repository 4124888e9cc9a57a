"""The guided form's rule set: a question is asked when the answers so far make it relevant,
and a question that may be required is always asked when it is."""

from __future__ import annotations

import pytest

import taxonomy
from taxonomy.conditions import AnyOf, holds, leaves
from taxonomy.relevance import (
    ALWAYS,
    DETAILS,
    irrelevant_answers,
    is_relevant,
    relevant_only,
    shown_when,
)

TAX = taxonomy.load()


def test_unconditionally_required_and_always_asked_dimensions_have_no_condition() -> None:
    assert shown_when(TAX, "event_class") is None  # required in every initial report
    assert shown_when(TAX, "frontier_risk") is None  # required under Art. 55, asked always
    assert shown_when(TAX, "agentic") is None  # optional, asked always
    with pytest.raises(KeyError):
        shown_when(TAX, "no_such_dimension")


def test_a_conditionally_required_dimension_is_asked_exactly_when_it_may_be_required() -> None:
    assert shown_when(TAX, "harm_deaths") == TAX.dimension("harm_deaths").required_when
    assert shown_when(TAX, "economic_loss") == DETAILS["economic_loss"]
    both = shown_when(TAX, "security")
    assert isinstance(both, AnyOf)
    assert both.conditions == (TAX.dimension("security").required_when, DETAILS["security"])


def test_a_hidden_question_is_never_required() -> None:
    """Whenever a dimension's ``required_when`` holds, the dimension is asked."""
    for dimension in TAX.dimensions:
        condition = shown_when(TAX, dimension.id)
        if dimension.required is None or condition is None:
            continue
        assert dimension.required_when is not None, dimension.id
        assert dimension.id not in ALWAYS
        # Each leaf of required_when, made true alone, makes the dimension relevant.
        for leaf in leaves(dimension.required_when):
            answers = _answer_making_true(leaf)
            if holds(dimension.required_when, answers):
                assert is_relevant(TAX, dimension.id, answers), dimension.id


def _answer_making_true(leaf: object) -> dict[str, object]:
    path = getattr(leaf, "path")  # noqa: B009 - every leaf names a path
    if hasattr(leaf, "values"):
        value: object = [leaf.values[0]] if TAX.field_at(path).kind == "multi" else leaf.values[0]  # type: ignore[union-attr]
    elif hasattr(leaf, "value"):
        value = leaf.value
    else:
        value = "2025-01-01"
    head, _, sub = path.partition(".")
    return {head: {sub: value}} if sub else {head: value}


def test_answers_decide_what_is_relevant() -> None:
    none_yet: dict[str, object] = {}
    assert not is_relevant(TAX, "harm_deaths", none_yet)
    assert is_relevant(TAX, "harm_deaths", {"harm_type": ["physical_death"]})
    assert is_relevant(TAX, "date_precision", {"occurred_on": "2025-02-01"})
    assert not is_relevant(TAX, "widespread_infringement", {"regulatory_regimes": ["gdpr_art33"]})
    assert is_relevant(TAX, "widespread_infringement", {"regulatory_regimes": ["eu_ai_act_art73"]})


def test_stale_answers_are_found_and_dropped() -> None:
    answers = {
        "event_class": "ai_incident",
        "near_miss": False,  # asked for hazards only
        "harm_type": ["physical_death"],
        "harm_deaths": 1,
        "harm_injuries": 0,  # no injury among the harm types
        "hazardous_detail": None,  # not given: nothing to drop
    }
    assert irrelevant_answers(TAX, answers) == ["near_miss", "harm_injuries"]
    assert relevant_only(TAX, answers) == {
        "event_class": "ai_incident",
        "harm_type": ["physical_death"],
        "harm_deaths": 1,
        "hazardous_detail": None,
    }
