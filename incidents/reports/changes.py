"""What changed between two revisions of a report, field by field, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import taxonomy
from incidents.classification.display import STAGE_LABELS, TLP_LABELS, in_words, sections
from incidents.reports.models import ReportStage, Tlp


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs: its label and both values in words ("—" when absent)."""

    section: str
    label: str
    before: str
    after: str


ABSENT = "—"


def _words(value: Any) -> str:
    if value is None or value == "" or value == []:
        return ABSENT
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "\n".join(str(each) for each in value)
    return str(value)


def _tlp(value: Any) -> str:
    try:
        return TLP_LABELS[Tlp(value)].split(" — ")[0]
    except ValueError:
        return _words(value)


def _stage(value: Any) -> str:
    try:
        return STAGE_LABELS[ReportStage(value)]
    except ValueError:
        return _words(value)


_CORE = (
    ("stage", "Stage", _stage),
    ("title", "Title", _words),
    ("description", "Description", _words),
    ("tlp", "Distribution", _tlp),
    ("recipients", "Recipient institutes", _words),
    ("withhold_identity", "Identity withheld", _words),
    ("references", "References", _words),
    ("taxonomy_version", "Taxonomy version", _words),
)


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """The fields that differ between two revision snapshots (``ReportContent.snapshot``),
    the report's own fields first, then the classification in the taxonomy's order."""
    found = [
        FieldChange("The report", label, shown(before.get(key)), shown(after.get(key)))
        for key, label, shown in _CORE
        if before.get(key) != after.get(key)
    ]
    old = before.get("classification") or {}
    new = after.get("classification") or {}
    tax = taxonomy.load(after.get("taxonomy_version") or None)
    placed: set[str] = set()
    for section in sections(tax):
        for dimension_id in section.fields:
            placed.add(dimension_id)
            if old.get(dimension_id) != new.get(dimension_id):
                dimension = tax.dimension(dimension_id)
                found.append(
                    FieldChange(
                        section.heading,
                        dimension.label,
                        _in_words(dimension, old.get(dimension_id)),
                        _in_words(dimension, new.get(dimension_id)),
                    )
                )
    # Dimensions of another taxonomy version (after a migration) by id.
    for key in sorted((set(old) | set(new)) - placed):
        if old.get(key) != new.get(key):
            found.append(FieldChange("Other", key, _words(old.get(key)), _words(new.get(key))))
    return found


def _in_words(dimension: taxonomy.Dimension, value: Any) -> str:
    return ABSENT if value is None else in_words(dimension, value)
