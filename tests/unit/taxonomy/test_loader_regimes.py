"""Loading regimes and changes: the problems the loader reports, and optional files."""

from __future__ import annotations

import shutil

import pytest

import taxonomy
from taxonomy import TaxonomyDataError

from .conftest import FIXTURE_ROOT, Editor

REGIME = """
[[regime]]
id = "other_regime"
label = "Other"
citation = "Other Act"
applies_when = { dimension = "harm_type", any_of = ["physical_death"] }
"""

RULE = """
[[regime.rule]]
id = "other_rule"
obligation = "initial"
period = "P1D"
anchor = "aware_at"
citation = "Art. 2"
"""

REGIME_CASES = [
    (REGIME.replace("other_regime", "test_regime"), "regime 'test_regime' is defined more than"),
    (REGIME.replace("other_regime", "Other"), "regime 'Other': ids must be lower_snake_case"),
    (REGIME.replace("applies_when", "x_when"), "regime 'other_regime': 'applies_when' is missing"),
    (REGIME + "unverified = true", "regime 'other_regime': unverified needs a note"),
    (REGIME + RULE.replace("other_rule", "test_general"), "rule 'test_general' is defined more"),
    (REGIME + RULE.replace("other_rule", "Rule"), "rule 'Rule': ids must be lower_snake_case"),
    (REGIME + RULE.replace('"initial"', '"early"'), "'obligation' must be one of initial"),
    (REGIME + RULE.replace('"aware_at"', '"noticed_at"'), "'anchor' must be one of aware_at"),
    (REGIME + RULE.replace('"P1D"', '"1 day"'), "'1 day' is not an ISO 8601 duration"),
    (REGIME + RULE.replace('"P1D"', '"P0D"'), "'P0D' is a zero-length duration"),
    (REGIME + RULE + "unverified = true", "rule 'other_rule': unverified needs a note"),
    (
        REGIME + RULE + 'when = { dimension = "nope", present = true }',
        "rule 'other_rule', setting 'when': condition names unknown dimension 'nope'",
    ),
    (
        REGIME.replace('any_of = ["physical_death"]', "equals = true"),
        "setting 'applies_when': 'harm_type' is not boolean",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REGIME_CASES)
def test_regime_problems_are_reported(mini_root: Editor, text: str, expected: str) -> None:
    root = mini_root("1.0.0/regimes.toml", append=text)
    with pytest.raises(TaxonomyDataError) as caught:
        taxonomy.load("1.0.0", root=root)
    assert expected in str(caught.value)
    assert "regimes.toml" in str(caught.value)


CHANGES_CASES = [
    ('from = "harm_materialisation"', 'from = "nope"', "'nope' is not a dimension of 1.0.0"),
    ('to = "harm_realisation"', 'to = "nope"', "'nope' is not a dimension of this version"),
    ('from = "harm_materialisation"', 'from = "harm_type"', "'harm_type' is still a dimension"),
    ('dimension = "ai_role"', 'dimension = "nope"', "'nope' is not a dimension in both versions"),
    ('from = "human_error"', 'from = "nope"', "'nope' is not a value of 'ai_role' in the old"),
    ('from = "human_error"', 'from = "direct_cause"', "'direct_cause' is still a current value"),
    ('to = "operator_mistake"', 'to = "nope"', "'nope' is not a current value of 'ai_role'"),
    ('default = "economic_loss"', 'default = "other"', "'default' must be one of 'into'"),
    ('value = "personalisation"', 'value = "content_generation"', "must stay in this version"),
    ('previous = "1.0.0"', 'previous = "0.9.0"', "previous version '0.9.0' does not exist"),
    ("[[split]]", "[[split]]\nmystery = 1", "dimension 'harm_type', section 'split': unknown key"),
    ("[[renamed_dimension]]", "[[renamed_dimension]]\nx = 1", "renamed_dimension '1': unknown"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CHANGES_CASES)
def test_change_problems_are_reported(mini_root: Editor, old: str, new: str, expected: str) -> None:
    root = mini_root("1.1.0/changes.toml", old=old, new=new, versions=("1.0.0", "1.1.0"))
    with pytest.raises(TaxonomyDataError) as caught:
        taxonomy.load("1.1.0", root=root)
    assert expected in str(caught.value)
    assert "1.1.0/changes.toml" in str(caught.value)


def test_changes_need_a_previous_version_without_problems(mini_root: Editor) -> None:
    root = mini_root(
        "1.0.0/dimensions.toml", old="facet = true", new="facet = 1", versions=("1.0.0", "1.1.0")
    )
    problems = taxonomy.check(root)
    assert problems[-1].endswith("previous version '1.0.0' has problems; fix it first")


def test_regimes_are_optional(mini_root: Editor) -> None:
    root = mini_root()
    (root / "1.0.0" / "regimes.toml").unlink()
    assert taxonomy.load("1.0.0", root=root).regimes == ()


def test_a_version_without_changes_moves_no_id(mini_root: Editor) -> None:
    root = mini_root()
    (root / "1.0.0").rename(root / "1.0.1")
    meta = root / "1.0.1" / "taxonomy.toml"
    meta.write_text(meta.read_text().replace('version = "1.0.0"', 'version = "1.0.1"'))
    shutil.copytree(FIXTURE_ROOT / "1.0.0", root / "1.0.0")
    assert taxonomy.load(root=root).changes is None
    assert taxonomy.diff("1.0.0", "1.0.1", root=root).changes == ()
    assert taxonomy.migrate({"confidence": "probable"}, "1.0.0", "1.0.1", root=root).notes == ()


def test_a_retired_value_may_have_no_replacement(mini_root: Editor) -> None:
    root = mini_root(
        "1.1.0/changes.toml",
        old='replacement = "interaction_support"\n',
        versions=("1.0.0", "1.1.0"),
    )
    tax = taxonomy.load("1.1.0", root=root)
    value = tax.dimension("ai_task").value("personalisation")
    assert value is not None
    assert value.deprecated
    assert value.replaced_by is None
    result = taxonomy.migrate({"ai_task": ["personalisation"]}, "1.0.0", "1.1.0", root=root)
    assert result.classification == {"ai_task": ["personalisation"]}
    assert [note.message for note in result.notes] == [
        "'personalisation' is retired in 1.1.0; choose another value."
    ]
