"""Showing a classification to people: labels instead of ids, sections in the taxonomy's
order, and the words for distributions and stages."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import taxonomy
from incidents.reports.models import ReportStage, Tlp

TLP_LABELS = {
    Tlp.RED: "TLP:RED — the named recipient institutes only, no further sharing",
    Tlp.AMBER_STRICT: "TLP:AMBER+STRICT — the named recipient institutes only",
    Tlp.AMBER: "TLP:AMBER — analysts of every institute in the network",
    Tlp.GREEN: "TLP:GREEN — every institute in the network",
    Tlp.CLEAR: "TLP:CLEAR — the network, and it may feed a public summary",
}
STAGE_LABELS = {
    ReportStage.INITIAL: "Initial report",
    ReportStage.INTERMEDIATE: "Intermediate report",
    ReportStage.FINAL: "Final report",
}
# Headings of the taxonomy's dimension files, in the order the data lists them.
SECTION_HEADINGS = {
    "event": "The event",
    "harm": "Harm",
    "severity": "Severity",
    "risk": "Risk",
    "occurrence": "When it happened",
    "countries": "Where it happened",
    "context": "Context of deployment",
    "system": "The AI system",
    "security": "Security",
    "response": "Response and analysis",
    "regulatory": "Regulatory reporting",
}


@dataclass(frozen=True)
class Section:
    heading: str
    fields: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def sections(tax: taxonomy.Taxonomy) -> tuple[Section, ...]:
    """The dimensions grouped by the data file that declares them, in the data's order.

    Read once per loaded taxonomy (compared by identity): every report page shows them."""
    placed: set[str] = set()
    sections = []
    if tax.source is not None and (tax.source / "taxonomy.toml").exists():
        with (tax.source / "taxonomy.toml").open("rb") as file:
            files = tomllib.load(file).get("files", [])
        for name in files:
            with (tax.source / name).open("rb") as file:
                ids = [d["id"] for d in tomllib.load(file).get("dimension", [])]
            ids = [each for each in ids if tax.has_dimension(each)]
            stem = name.removesuffix(".toml")
            sections.append(Section(SECTION_HEADINGS.get(stem, stem.title()), tuple(ids)))
            placed.update(ids)
    rest = tuple(d.id for d in tax.dimensions if d.id not in placed)
    if rest:
        sections.append(Section("Further details", rest))
    return tuple(sections)


@dataclass(frozen=True)
class ShownSection:
    heading: str
    facts: tuple[tuple[str, str], ...]  # (label, value in words)


def shown_classification(version: str, classification: Mapping[str, Any]) -> list[ShownSection]:
    """The answered dimensions of ``classification`` in words, by section."""
    tax = taxonomy.load(version)
    shown = []
    for section in sections(tax):
        facts = tuple(
            (tax.dimension(each).label, in_words(tax.dimension(each), classification[each]))
            for each in section.fields
            if classification.get(each) is not None
        )
        if facts:
            shown.append(ShownSection(section.heading, facts))
    return shown


def in_words(field: taxonomy.Dimension | taxonomy.SubField, value: Any) -> str:
    """One classification value as a reader should see it (labels, not ids)."""
    if field.kind == "structured" and isinstance(value, Mapping):
        return "; ".join(
            f"{each.label}: {in_words(each, value[each.id])}"
            for each in field.fields
            if value.get(each.id) is not None
        )
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.kind in ("single", "multi"):
        ids = value if isinstance(value, list) else [value]
        return ", ".join(
            found.label if (found := field.value(str(each))) else str(each) for each in ids
        )
    if field.is_timestamp and isinstance(value, str):
        return value.replace("T", " ").replace("Z", " UTC")
    if isinstance(value, list):
        return ", ".join(str(each) for each in value)
    return str(value)
