"""The AI Incident Exchange incident taxonomy: versioned data and a pure loader, validator,
migrator, crosswalks and regulatory clocks.

Standard library only, so other institutes' tools can use it without the web application::

    import taxonomy

    tax = taxonomy.load()                      # the latest shipped version
    problems = tax.validate(classification, "initial")
    taxonomy.deadlines(classification, aware_at=datetime.now(UTC))
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from taxonomy.clocks import Deadline, deadlines
from taxonomy.crosswalk import EU_LIMBS, eu_ai_act_limb, to_oecd
from taxonomy.diff import Change, TaxonomyDiff, diff, format_diff
from taxonomy.errors import TaxonomyDataError
from taxonomy.loader import check, clear_cache, load, versions
from taxonomy.migration import Migration, MigrationNote, migrate
from taxonomy.model import (
    STAGES,
    Choice,
    Dimension,
    Framework,
    FrameworkMapping,
    Regime,
    Rule,
    SubField,
    Taxonomy,
    Value,
)
from taxonomy.problems import Problem

__all__ = [
    "EU_LIMBS",
    "STAGES",
    "Change",
    "Choice",
    "Deadline",
    "Dimension",
    "Framework",
    "FrameworkMapping",
    "Migration",
    "MigrationNote",
    "Problem",
    "Regime",
    "Rule",
    "SubField",
    "Taxonomy",
    "TaxonomyDataError",
    "TaxonomyDiff",
    "Value",
    "check",
    "clear_cache",
    "deadlines",
    "diff",
    "eu_ai_act_limb",
    "format_diff",
    "load",
    "migrate",
    "to_oecd",
    "validate",
    "versions",
]


def validate(
    classification: Mapping[str, object],
    stage: str,
    version: str | None = None,
    *,
    root: Path | None = None,
) -> list[Problem]:
    """Return every problem of ``classification`` for a report at ``stage`` against
    ``version`` (default: the latest). See ``Taxonomy.validate``."""
    return load(version, root=root).validate(classification, stage)
