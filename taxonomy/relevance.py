"""When a dimension is worth asking: the one rule set behind the guided report form.

A dimension is *relevant* when its ``shown_when`` condition holds for the answers given so far
(no condition: always). The report form renders only relevant dimensions, its script shows and
hides them with the same conditions (sent as data attributes), and the server refuses an answer
to a dimension that is not relevant, on the web and in the API alike.

The conditions come from the taxonomy itself: a dimension that is required only under a
condition (``required_when``) is asked exactly when it may be required, widened by a few
rules for optional details below (harm details when harm occurred, regime details when a
regime is chosen). By construction a hidden dimension is never required.
"""

from __future__ import annotations

from collections.abc import Mapping

from taxonomy.conditions import AnyOf, Condition, HasAnyOf, Present, holds, is_given
from taxonomy.model import Taxonomy

_HARM_HAPPENED = HasAnyOf(
    "harm_materialisation", ("occurred", "imminent_risk", "non_imminent_risk")
)

#: Optional details asked only when an earlier answer makes them relevant.
DETAILS: Mapping[str, Condition] = {
    "economic_loss": HasAnyOf("harm_type", ("economic_property",)),
    "harm_estimated": AnyOf(
        (
            HasAnyOf("harm_type", ("physical_death", "physical_injury", "economic_property")),
            HasAnyOf("harm_materialisation", ("occurred",)),
        )
    ),
    "protected_basis": HasAnyOf("harm_type", ("human_fundamental_rights",)),
    "involves_minors": _HARM_HAPPENED,
    "ended_on": Present("occurred_on"),
    "causal_link_at": Present("regulatory_regimes"),
    "widespread_infringement": HasAnyOf("regulatory_regimes", ("eu_ai_act_art73",)),
    "serious_public_health_threat": HasAnyOf("regulatory_regimes", ("mdr_art87",)),
    "hazardous_detail": Present("reproduction_steps"),
    # The security details also feed the GPAI Code of Practice's cybersecurity clock.
    "security": HasAnyOf("regulatory_regimes", ("eu_ai_act_art55",)),
}
#: Conditionally required dimensions asked always: they are worth answering in any report.
ALWAYS = frozenset({"frontier_risk"})


def shown_when(tax: Taxonomy, dimension_id: str) -> Condition | None:
    """The condition under which ``dimension_id`` is asked, or ``None`` when it always is.

    Raises ``KeyError`` for a dimension ``tax`` does not have."""
    dimension = tax.dimension(dimension_id)
    if dimension_id in ALWAYS:
        return None
    if dimension.required is not None and dimension.required_when is None:
        return None  # required unconditionally: always asked
    found = [
        each
        for each in (
            dimension.required_when if dimension.required is not None else None,
            DETAILS.get(dimension_id),
        )
        if each is not None
    ]
    if not found:
        return None
    return found[0] if len(found) == 1 else AnyOf(tuple(found))


def is_relevant(tax: Taxonomy, dimension_id: str, classification: Mapping[str, object]) -> bool:
    """Whether ``dimension_id`` is asked given the answers in ``classification``."""
    condition = shown_when(tax, dimension_id)
    return condition is None or holds(condition, classification)


def irrelevant_answers(tax: Taxonomy, classification: Mapping[str, object]) -> list[str]:
    """The dimensions answered in ``classification`` that its other answers do not ask for."""
    return [
        dimension.id
        for dimension in tax.dimensions
        if is_given(classification.get(dimension.id))
        and not is_relevant(tax, dimension.id, classification)
    ]


def relevant_only(tax: Taxonomy, classification: Mapping[str, object]) -> dict[str, object]:
    """``classification`` without the answers its other answers do not ask for."""
    dropped = set(irrelevant_answers(tax, classification))
    return {key: value for key, value in classification.items() if key not in dropped}
