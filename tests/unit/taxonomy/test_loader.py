"""Loading versions: discovery, caching, and the data problems the loader reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import taxonomy
from taxonomy import TaxonomyDataError, loader

from .conftest import FIXTURE_ROOT, Editor


def test_versions_are_sorted_semantically(tmp_path: Path) -> None:
    for name in ("1.10.0", "1.2.0", "1.9.3", "not-a-version", "2.0"):
        (tmp_path / name).mkdir()
    (tmp_path / "3.0.0").write_text("a file, not a version directory")
    assert taxonomy.versions(tmp_path) == ("1.2.0", "1.9.3", "1.10.0")


def test_shipped_data_holds_only_1_0_0_and_loads_as_latest() -> None:
    assert taxonomy.versions() == ("1.0.0",)
    tax = taxonomy.load()
    assert tax.version == "1.0.0"
    assert tax.released_on.isoformat() == "2025-12-01"
    assert tax.changes is None


def test_loads_are_cached_per_version_and_root() -> None:
    assert taxonomy.load("1.0.0") is taxonomy.load()
    fixture = taxonomy.load("1.0.0", root=FIXTURE_ROOT)
    assert fixture is not taxonomy.load("1.0.0")
    assert fixture is taxonomy.load("1.0.0", root=FIXTURE_ROOT)
    taxonomy.clear_cache()
    assert fixture is not taxonomy.load("1.0.0", root=FIXTURE_ROOT)


def test_latest_version_of_a_root_is_loaded_by_default() -> None:
    assert taxonomy.load(root=FIXTURE_ROOT).version == "1.2.0"


def test_unknown_version_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"unknown taxonomy version '9\.9\.9'; available: 1\.0\.0"):
        taxonomy.load("9.9.9")


def test_empty_root_has_no_versions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no taxonomy versions found"):
        taxonomy.load(root=tmp_path)
    with pytest.raises(ValueError, match="available: none"):
        taxonomy.load("1.0.0", root=tmp_path)
    assert taxonomy.check(tmp_path) == [f"{tmp_path.resolve()}: no taxonomy versions found"]


def test_check_finds_no_problem_in_the_shipped_and_fixture_data() -> None:
    assert taxonomy.check() == []
    assert taxonomy.check(FIXTURE_ROOT) == []


def test_model_is_immutable(shipped: taxonomy.Taxonomy) -> None:
    # Writes mypy forbids on purpose: the test proves they fail at run time too.
    with pytest.raises(AttributeError):
        shipped.version = "2.0.0"  # type: ignore[misc]
    with pytest.raises(TypeError):
        shipped.frameworks["x"] = shipped.frameworks["oecd"]  # type: ignore[index]
    assert isinstance(shipped.dimensions, tuple)


def test_error_names_file_dimension_and_value(mini_root: Editor) -> None:
    root = mini_root(old='id = "reputational"', new='id = "Reputational"')
    with pytest.raises(TaxonomyDataError) as caught:
        taxonomy.load("1.0.0", root=root)
    expected = (
        "1.0.0/dimensions.toml: dimension 'harm_type', value 'Reputational': "
        "ids must be lower_snake_case"
    )
    assert expected in str(caught.value)
    assert caught.value.problems[0].endswith(expected)


def test_check_reports_every_problem_of_every_version(mini_root: Editor) -> None:
    root = mini_root(old='label = "Harm type"', new='label = 1\nrequird = "final"')
    problems = taxonomy.check(root)
    assert [each.split("dimension 'harm_type': ")[1] for each in problems] == [
        "'label' must be a string",
        "unknown key 'requird'",
        "needs a label and a definition",
    ]


def test_shipped_files_are_shown_relative_to_the_package(tmp_path: Path) -> None:
    assert loader._display(loader.DATA_ROOT / "1.0.0" / "harm.toml") == (
        "taxonomy/data/1.0.0/harm.toml"
    )
    assert loader._display(tmp_path / "x.toml") == str(tmp_path / "x.toml")


def test_frameworks_must_be_a_table(mini_root: Editor) -> None:
    root = mini_root("1.0.0/taxonomy.toml")
    path = root / "1.0.0" / "taxonomy.toml"
    path.write_text(path.read_text().split("[frameworks.oecd]")[0] + "frameworks = 1\n")
    assert "taxonomy.toml: 'frameworks' must be a table" in taxonomy.check(root)[0]


def test_regimes_must_be_an_array_of_tables(mini_root: Editor) -> None:
    root = mini_root()
    (root / "1.0.0" / "regimes.toml").write_text("regime = 1\n")
    assert taxonomy.check(root) == [
        f"{root.resolve()}/1.0.0/regimes.toml: 'regime' must be an array of tables"
    ]


EXTRA = """
[[dimension]]
id = "extra"
label = "Extra"
definition = "An extra dimension."
visibility = "public"
mappings.oecd = { no_equivalent = true }
"""
"""A dimension appended to the fixture; each case adds the settings under test."""

VALUE = """
[[dimension.values]]
id = "one"
label = "One"
definition = "The first."
"""

DIMENSION_CASES = [
    # Shapes and types
    ('kind = "single"\nvalues = 3', "'values' must be an array of tables"),
    ('kind = "single"\nvalues = [1]', "dimension 'extra': expected a table"),
    ('kind = "boolean"\nfacet = "yes"', "'facet' must be true or false"),
    ('kind = "text"\nmax_length = "x"', "'max_length' must be an integer"),
    ('kind = "text"\nmax_length = true', "'max_length' must be an integer"),
    ('kind = "number"\nminimum = "x"', "'minimum' must be a number"),
    ('kind = "single"' + VALUE + "related = [1]", "'related' must be a list of strings"),
    ('kind = "single"' + VALUE + 'related = "one"', "'related' must be a list of strings"),
    ('kind = "boolean"\nmappings = 1', "'mappings' must be a table of frameworks"),
    ('kind = "boolean"\nrequird = "final"', "dimension 'extra': unknown key 'requird'"),
    # Kinds and their settings
    ('kind = "many"', "unknown kind 'many'"),
    ('kind = "single"', "a single dimension needs values"),
    ('kind = "boolean"' + VALUE, "only single and multi dimensions have values"),
    ('kind = "structured"', "a structured dimension needs fields"),
    (
        'kind = "boolean"\n[[dimension.fields]]\nid = "x"\nlabel = "X"\ndefinition = "X."\n'
        'kind = "text"',
        "only structured dimensions have fields",
    ),
    ('kind = "text"\ninteger = true', "'integer', 'minimum' and 'maximum' apply to numbers"),
    ('kind = "number"\nmultiple = true', "'max_length', 'pattern' and 'multiple' apply to text"),
    ('kind = "text"\nmax_length = 0', "'max_length' must be at least 1"),
    ('kind = "text"\npattern = "("', "'pattern' is not a regular expression"),
    ('kind = "date"', "date ids end in '_on' (a date) or '_at' (a UTC timestamp)"),
    ('kind = "boolean"\nlabel = ""', "needs a label and a definition"),
    # Stages and visibility
    ('kind = "boolean"\nrequired = "intermediate"', "'required' must be one of initial, final"),
    (
        'kind = "boolean"\nrequired_when = { dimension = "event_class", present = true }',
        "'required_when' needs 'required'",
    ),
    ('kind = "boolean"\nvisibility = "everyone"', "'visibility' must be one of public"),
    # Values
    ('kind = "single"' + VALUE + VALUE, "value 'one' is defined more than once"),
    ('kind = "single"\nvalue_format = "upper"' + VALUE, "unknown value_format 'upper'"),
    (
        'kind = "single"\nvalue_format = "iso_3166_1_alpha_2"\n'
        'values = [{ id = "no", label = "N" }]',
        "value 'no': ids must be iso_3166_1_alpha_2",
    ),
    ('kind = "single"\nvalues = [{ id = "one", label = "One" }]', "value 'one': needs a label"),
    ('kind = "single"' + VALUE + "exclusive = true", "only values of multi dimensions can be"),
    ('kind = "single"' + VALUE + "unverified = true", "value 'one': unverified needs a note"),
    ('kind = "boolean"\nunverified = true', "dimension 'extra': unverified needs a note"),
    (
        'kind = "single"' + VALUE + 'mappings.oecd = { value = "x" }' + VALUE.replace("one", "two"),
        "value 'two': needs a 'oecd' mapping (or no_equivalent) like the other values",
    ),
    ('kind = "single"' + VALUE + 'related = ["nope"]', "related 'nope' names no value"),
    ('kind = "single"' + VALUE + 'related = ["harm_type.nope"]', "related 'harm_type.nope'"),
    ('kind = "single"' + VALUE + 'related = ["nope.one"]', "related 'nope.one'"),
    # Sub-fields
    (
        'kind = "structured"\n[[dimension.fields]]\nid = "x"\nlabel = "X"\ndefinition = "X."\n'
        'kind = "structured"',
        "field 'x': a sub-field cannot be structured",
    ),
    (
        'kind = "structured"\n[[dimension.fields]]\nid = "x"\nlabel = "X"\ndefinition = "X."\n'
        'kind = "text"\n[[dimension.fields]]\nid = "x"\nlabel = "X"\ndefinition = "X."\n'
        'kind = "text"',
        "dimension 'extra': field 'x' is defined more than once",
    ),
    # Mappings
    ('kind = "boolean"\nmappings.cset = { field = "X" }', "mapping 'cset': unknown framework"),
    (
        'kind = "boolean"\nmappings.eu_ai_act = { field = "X", no_equivalent = true }',
        "no_equivalent excludes 'criterion', 'field' and 'value'",
    ),
    ('kind = "boolean"\nmappings.eu_ai_act = { note = "X" }', "needs 'criterion', 'field' or"),
    ('kind = "boolean"\nmappings.eu_ai_act = { criterion = 3 }', "criterion 3 is not a criterion"),
    ('kind = "boolean"\nmappings.eu_ai_act = { value = "e_other" }', "'e_other' is not one of"),
    (
        'kind = "boolean"\nmappings.eu_ai_act = { field = "X", unverified = true }',
        "mapping 'eu_ai_act': unverified needs a note",
    ),
    ('kind = "boolean"\nmappings.oecd = { criterion = true }', "'criterion' must be an integer"),
    # Conditions
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "nope", present = true }',
        "setting 'required_when': condition names unknown dimension 'nope'",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\nrequired_when = { all = [] }',
        "'all' needs at least one condition",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\nrequired_when = { not = 1 }',
        "setting 'required_when': expected a table",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\nrequired_when = { dimension = "event_class" }',
        "a condition needs 'any_of', 'equals', 'present', 'all', 'any' or 'not'",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "event_class", equals = 1 }',
        "'equals' must be a value id or true or false",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "event_class", any_of = ["nope"] }',
        "'nope' is not a value of 'event_class'",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "event_class", equals = true }',
        "'event_class' is not boolean; use any_of",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "impact_notes", equals = "x" }',
        "'impact_notes' has no values to compare with",
    ),
    (
        'kind = "boolean"\nrequired = "initial"\n'
        'required_when = { dimension = "ai_system.access", any_of = ["nope"] }',
        "'nope' is not a value of 'ai_system.access'",
    ),
    # Criteria shared by two dimensions
    (
        'kind = "boolean"\nmappings.oecd = { criterion = 10 }',
        "'extra' shares oecd criterion 10 with other dimensions",
    ),
]


def _key(line: str) -> str:
    """The top-level key a TOML line sets (``mappings`` for ``mappings.oecd = ...``)."""
    return line.split("=")[0].strip().split(".")[0]


@pytest.mark.parametrize(("settings", "expected"), DIMENSION_CASES)
def test_dimension_problems_are_reported(mini_root: Editor, settings: str, expected: str) -> None:
    overridden = {_key(line) for line in settings.split("[[")[0].splitlines()}
    block = "\n".join(line for line in EXTRA.splitlines() if _key(line) not in overridden)
    root = mini_root(append=block + "\n" + settings + "\n")
    with pytest.raises(TaxonomyDataError) as caught:
        taxonomy.load("1.0.0", root=root)
    assert expected in str(caught.value)
    assert "dimensions.toml: dimension 'extra'" in str(caught.value)


FILE_CASES = [
    ("1.0.0/taxonomy.toml", 'version = "1.0.0"', 'version = "1.0.1"', "'version' is '1.0.1'"),
    ("1.0.0/taxonomy.toml", "released_on = 2025-01-01", 'released_on = "x"', "must be a date"),
    ("1.0.0/taxonomy.toml", "released_on = 2025-01-01", "", "'released_on' is missing"),
    ("1.0.0/taxonomy.toml", '"dimensions.toml"]', '"dimensions.toml", "gone.toml"]', "not found"),
    ("1.0.0/taxonomy.toml", "files = [", "files = 3\nx = [", "'files' must be a list of strings"),
    ("1.0.0/taxonomy.toml", "[frameworks.oecd]", "[frameworks.OECD]", "must be lower_snake_case"),
    ("1.0.0/taxonomy.toml", "criteria = {", "criteria = 3\nx = {", "'criteria' must be a table"),
    ("1.0.0/taxonomy.toml", "3 = ", "x = ", "criterion 'x' must be a number naming a string"),
    ("1.0.0/taxonomy.toml", 'title = "EU AI Act"', "unverified = true", "'title' is missing"),
    ("1.0.0/taxonomy.toml", 'title = "EU AI Act"', 'title="E"\nunverified=true', "needs a note"),
    ("1.0.0/dimensions.toml", "[[dimension]]", "[[dimension]", "not valid TOML"),
    ("1.0.0/dimensions.toml", 'id = "ai_role"', 'id = "harm_type"', "'harm_type' is defined more"),
    ("1.0.0/dimensions.toml", 'id = "ai_role"', 'id = "AiRole"', "'AiRole': ids must be lower"),
    ("1.0.0/dimensions.toml", "mappings.oecd = { criterion = 3 }\n", "", "needs a 'oecd' mapping"),
    ("1.0.0/dimensions.toml", "[[dimension]]", "unknown = 1\n[[dimension]]", "unknown key 'unk"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), FILE_CASES)
def test_file_problems_are_reported(
    mini_root: Editor, file: str, old: str, new: str, expected: str
) -> None:
    root = mini_root(file, old=old, new=new)
    with pytest.raises(TaxonomyDataError) as caught:
        taxonomy.load("1.0.0", root=root)
    assert expected in str(caught.value)


def test_toml_files_not_listed_are_reported(mini_root: Editor) -> None:
    root = mini_root()
    (root / "1.0.0" / "forgotten.toml").write_text("")
    assert taxonomy.check(root)[0].endswith(
        "forgotten.toml: not listed in 'files' of taxonomy.toml"
    )


def test_missing_metadata_file_is_reported(mini_root: Editor) -> None:
    root = mini_root()
    (root / "1.0.0" / "taxonomy.toml").unlink()
    problems = taxonomy.check(root)
    assert problems[0].endswith("1.0.0/taxonomy.toml: file not found")
