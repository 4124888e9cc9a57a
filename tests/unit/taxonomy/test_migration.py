"""Migrating classifications between versions, and diffing versions (fixture 1.0.0-1.2.0)."""

from __future__ import annotations

import copy

import pytest

import taxonomy
from taxonomy.diff import Change

from .conftest import FIXTURE_ROOT, Editor

OLD = {
    "event_class": "ai_incident",
    "harm_type": ["economic_property", "economic_loss_typo"],
    "ai_role": ["human_error", "direct_cause"],
    "confidence": "probable",
    "harm_materialisation": "occurred",
    "ai_task": ["personalisation", "interaction_support", "content_generation"],
    "ai_system": {"name": "A", "access": "proprietary"},
    "impact_notes": "kept aside",
}


def test_migration_applies_every_kind_of_change() -> None:
    result = taxonomy.migrate(OLD, "1.0.0", "1.1.0", root=FIXTURE_ROOT)
    assert result.classification == {
        "event_class": "ai_incident",
        "harm_type": ["economic_loss", "property_damage", "economic_loss_typo"],
        "ai_role": ["operator_mistake", "direct_cause"],
        "confidence": "likely",
        "harm_realisation": "occurred",
        "ai_task": ["interaction_support", "content_generation"],
        "ai_system": {"name": "A", "access": "proprietary_hosted"},
    }
    assert result.dropped == {"impact_notes": "kept aside"}
    assert result.needs_attention
    messages = [(note.path, note.message, note.needs_attention) for note in result.notes]
    assert messages == [
        ("harm_realisation", "Dimension 'harm_materialisation' is now 'harm_realisation'.", False),
        ("ai_role", "'human_error' is now 'operator_mistake'.", False),
        ("ai_system.access", "'proprietary' is now 'proprietary_hosted'.", False),
        (
            "harm_type",
            "'economic_property' was split into 'economic_loss', 'property_damage'; all were "
            "kept. Check that this fits.",
            True,
        ),
        ("confidence", "'probable' was merged into 'likely'.", False),
        (
            "ai_task",
            "'personalisation' was retired; replaced by 'interaction_support'. "
            "Check that this fits.",
            True,
        ),
        (
            "impact_notes",
            "'impact_notes' is not a dimension of 1.1.0; its value was set aside.",
            True,
        ),
    ]
    assert taxonomy.validate(result.classification, "initial", "1.1.0", root=FIXTURE_ROOT) == [
        taxonomy.Problem(
            "harm_type[2]",
            "unknown_value",
            result_message := taxonomy.validate(
                result.classification, "initial", "1.1.0", root=FIXTURE_ROOT
            )[0].message,
        )
    ]
    assert "economic_loss_typo" in result_message


def test_migration_chains_through_versions_and_leaves_the_input_alone() -> None:
    before = copy.deepcopy(OLD)
    result = taxonomy.migrate(OLD, "1.0.0", "1.2.0", root=FIXTURE_ROOT)
    assert before == OLD
    assert result.classification["ai_role"] == ["operator_error", "direct_cause"]
    assert result.classification["harm_outcome"] == "occurred"
    assert "harm_realisation" not in result.classification
    retired = [note for note in result.notes if note.version == "1.2.0" and note.needs_attention]
    assert [note.message for note in retired] == [
        "'content_generation' is retired in 1.2.0; choose another value."
    ]


def test_split_of_a_single_value_takes_the_default() -> None:
    root = FIXTURE_ROOT
    result = taxonomy.migrate({"harm_type": "economic_property"}, "1.0.0", "1.1.0", root=root)
    assert result.classification == {"harm_type": "economic_loss"}
    assert result.notes[0].message == (
        "'economic_property' was split into 'economic_loss', 'property_damage'; 'economic_loss' "
        "was chosen. Check that this fits."
    )


def test_values_of_the_wrong_shape_are_left_alone() -> None:
    odd = {"harm_type": 3, "ai_system": "A", "confidence": "confirmed", "ai_task": [None]}
    result = taxonomy.migrate(odd, "1.0.0", "1.1.0", root=FIXTURE_ROOT)
    assert result.classification == odd
    assert result.notes == ()
    assert not result.needs_attention


def test_migrating_to_the_same_version_changes_nothing() -> None:
    result = taxonomy.migrate(OLD, "1.1.0", "1.1.0", root=FIXTURE_ROOT)
    assert result.classification == OLD
    assert result.notes == ()


def test_migration_goes_forward_between_known_versions() -> None:
    with pytest.raises(ValueError, match=r"cannot migrate back from 1\.1\.0 to 1\.0\.0"):
        taxonomy.migrate(OLD, "1.1.0", "1.0.0", root=FIXTURE_ROOT)
    with pytest.raises(ValueError, match=r"unknown taxonomy version '0\.1\.0'"):
        taxonomy.migrate(OLD, "0.1.0", "1.0.0", root=FIXTURE_ROOT)


def test_diff_lists_every_kind_of_change() -> None:
    result = taxonomy.diff("1.0.0", "1.1.0", root=FIXTURE_ROOT)
    assert result.of_kind("dimension_renamed") == (
        Change("dimension_renamed", "harm_realisation", "harm_materialisation", "harm_realisation"),
    )
    assert result.of_kind("dimension_added") == (Change("dimension_added", "near_miss"),)
    assert result.of_kind("dimension_removed") == (Change("dimension_removed", "impact_notes"),)
    assert result.of_kind("value_added") == (Change("value_added", "harm_type.psychological"),)
    assert result.of_kind("value_split") == (
        Change("value_split", "harm_type", "economic_property", "economic_loss, property_damage"),
    )
    assert result.of_kind("value_merged") == (
        Change("value_merged", "confidence", "probable, suspected", "likely"),
    )
    assert result.of_kind("value_deprecated") == (
        Change(
            "value_deprecated", "harm_type.economic_property", "economic_property", "economic_loss"
        ),
        Change(
            "value_deprecated", "ai_task.personalisation", "personalisation", "interaction_support"
        ),
    )
    assert Change("changed", "event_class", "Event class", "Event classification", "label") in (
        result.of_kind("changed")
    )


def test_diff_finds_added_removed_and_changed_fields_and_values(mini_root: Editor) -> None:
    root = mini_root(
        "1.1.0/changes.toml",
        old='[[renamed_value]]\ndimension = "ai_system.access"\nfrom = "proprietary"\n'
        'to = "proprietary_hosted"\n',
        versions=("1.0.0", "1.1.0"),
    )
    dimensions = root / "1.1.0" / "dimensions.toml"
    text = dimensions.read_text()
    text = text.replace(
        '[[dimension.fields]]\nid = "access"', '[[dimension.fields]]\nid = "licence"'
    )
    text = text.replace('definition = "Chatting."', 'definition = "Talking."')
    text = text.replace('id = "content_generation"', 'id = "generation"')
    dimensions.write_text(text)
    text_diff = taxonomy.format_diff(taxonomy.diff("1.0.0", "1.1.0", root=root))
    assert "Fields added:\n  ai_system.licence\n" in text_diff
    assert "Fields removed:\n  ai_system.access\n" in text_diff
    assert "Values added:\n  harm_type.psychological\n  ai_task.generation\n" in text_diff
    assert "Values removed:\n  ai_task.content_generation\n" in text_diff
    assert "ai_task.interaction_support definition: 'Chatting.' -> 'Talking.'" in text_diff


def test_format_diff_reads_well() -> None:
    text = taxonomy.format_diff(taxonomy.diff("1.0.0", "1.2.0", root=FIXTURE_ROOT))
    assert text.startswith("Taxonomy 1.0.0 -> 1.2.0\n\nDimensions added:\n  near_miss\n")
    assert "Dimensions renamed:\n  harm_materialisation -> harm_outcome\n" in text
    assert (
        "  ai_role: human_error -> operator_mistake\n  ai_role: operator_mistake -> operator_error"
        in text
    )
    assert (
        "  ai_task.personalisation (use 'interaction_support')\n  ai_task.content_generation\n"
        in text
    )
    assert "  event_class label: 'Event class' -> 'Event classification'\n" in text


def test_diff_of_a_version_with_itself_is_empty() -> None:
    result = taxonomy.diff("1.0.0", "1.0.0")
    assert result.changes == ()
    assert taxonomy.format_diff(result) == "Taxonomy 1.0.0 -> 1.0.0\nNo changes.\n"


def test_diff_goes_forward_between_known_versions() -> None:
    with pytest.raises(ValueError, match="diff goes forward"):
        taxonomy.diff("1.1.0", "1.0.0", root=FIXTURE_ROOT)
    with pytest.raises(ValueError, match=r"unknown taxonomy version '2\.0\.0'"):
        taxonomy.diff("1.0.0", "2.0.0")
