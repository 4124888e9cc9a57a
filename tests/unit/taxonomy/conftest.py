"""Fixtures for the taxonomy tests: the shipped taxonomy and small editable copies."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import taxonomy
from taxonomy import Taxonomy
from tests.reports_data import MINIMAL_INITIAL

FIXTURE_ROOT = Path(__file__).parent / "fixtures" / "root"
"""A small taxonomy in 1.0.0, 1.1.0 and 1.2.0 that moves ids around."""

Editor = Callable[..., Path]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Loads are cached per root; tests that edit files in tmp_path must not see stale data."""
    yield
    taxonomy.clear_cache()


@pytest.fixture(scope="session")
def shipped() -> Taxonomy:
    """The latest released taxonomy."""
    return taxonomy.load()


@pytest.fixture
def mini_root(tmp_path: Path) -> Editor:
    """Return ``edit(file, old=..., new=..., append=..., versions=(...))``: copy the small
    fixture versions into ``tmp_path``, change one file, and return the root."""

    def edit(
        file: str = "1.0.0/dimensions.toml",
        *,
        old: str = "",
        new: str = "",
        append: str = "",
        versions: tuple[str, ...] = ("1.0.0",),
    ) -> Path:
        root = tmp_path / "root"
        for version in versions:
            shutil.copytree(FIXTURE_ROOT / version, root / version)
        path = root / file
        text = path.read_text(encoding="utf-8")
        if old:
            assert old in text, f"{old!r} not in {file}"
            text = text.replace(old, new, 1)
        path.write_text(text + append, encoding="utf-8")
        return root

    return edit


VALID_INITIAL: dict[str, object] = MINIMAL_INITIAL
"""A complete initial classification for the shipped 1.0.0."""

VALID_FINAL: dict[str, object] = {
    **VALID_INITIAL,
    "severity_scope": "group",
    "severity_geo_scale": "national",
    "severity_reversibility": "reversible",
    "severity_recurrence": "one_off",
    "implicated_component": ["safeguards"],
    "response_actions": ["mitigation", "safeguard_update"],
    "chain_of_events": "The assistant gave unsafe advice to several users.",
    "root_cause": "A safety classifier was disabled by a configuration change.",
    "recommendations_to_authorities": "None beyond the safeguard update.",
}
"""A complete final classification for the shipped 1.0.0."""
