"""Regulatory reporting deadlines of a classified report, from the rules in ``regimes.toml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from taxonomy.conditions import holds
from taxonomy.loader import load
from taxonomy.model import OBLIGATIONS, Regime, Rule


@dataclass(frozen=True)
class Deadline:
    """When a report is due under one rule of one regime.

    ``due_at`` (UTC) is ``None`` while the rule's anchor has not happened: a final report due
    after resolution, or a follow-up due after a report not yet filed. ``binding`` marks the
    earliest deadline of its regime and obligation; the others are listed for the record.
    ``recurring`` rules fall due again after each report (GPAI intermediate reports).
    """

    regime: str
    regime_label: str
    rule: str
    obligation: str
    period: str
    anchor: str
    citation: str
    due_at: datetime | None
    binding: bool
    recurring: bool = False
    unverified: bool = False
    note: str = ""


def deadlines(
    classification: Mapping[str, object],
    aware_at: datetime,
    *,
    resolved_at: datetime | None = None,
    last_report_at: datetime | None = None,
    version: str | None = None,
    root: Path | None = None,
) -> list[Deadline]:
    """Return every deadline that applies to a report with this classification.

    ``aware_at`` is when the reporter became aware of the event; ``resolved_at`` when it was
    resolved and ``last_report_at`` when the latest report was filed, if they have happened.
    Each must be timezone-aware (``ValueError`` otherwise); results are in UTC, grouped by
    regime then obligation (initial, intermediate, final), earliest first.
    """
    anchors = {
        "aware_at": _utc(aware_at, "aware_at"),
        "resolved_at": _utc(resolved_at, "resolved_at"),
        "previous_report": _utc(last_report_at, "last_report_at"),
    }
    taxonomy = load(version, root=root)
    found: list[Deadline] = []
    for regime in taxonomy.regimes:
        if holds(regime.applies_when, classification):
            found.extend(_regime_deadlines(regime, classification, anchors))
    return found


def _utc(moment: datetime | None, name: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC), not {moment!r}")
    return moment.astimezone(UTC)


def _regime_deadlines(
    regime: Regime, classification: Mapping[str, object], anchors: Mapping[str, datetime | None]
) -> list[Deadline]:
    found: list[Deadline] = []
    for obligation in OBLIGATIONS:
        rules = [
            rule
            for rule in regime.rules
            if rule.obligation == obligation
            and (rule.when is None or holds(rule.when, classification))
        ]
        dated = [(rule, _due(rule, anchors)) for rule in rules]
        dated.sort(key=lambda pair: _order(pair[0], pair[1]))
        for index, (rule, due_at) in enumerate(dated):
            found.append(_deadline(regime, rule, due_at, binding=index == 0))
    return found


def _due(rule: Rule, anchors: Mapping[str, datetime | None]) -> datetime | None:
    anchor = anchors[rule.anchor]
    return None if anchor is None else rule.period.after(anchor)


def _order(rule: Rule, due_at: datetime | None) -> tuple[int, datetime, float]:
    """Known deadlines first, earliest first; unknown ones by the length of their period."""
    if due_at is None:
        return (1, datetime.max.replace(tzinfo=UTC), rule.period.nominal().total_seconds())
    return (0, due_at, 0.0)


def _deadline(regime: Regime, rule: Rule, due_at: datetime | None, *, binding: bool) -> Deadline:
    return Deadline(
        regime=regime.id,
        regime_label=regime.label,
        rule=rule.id,
        obligation=rule.obligation,
        period=rule.period.text,
        anchor=rule.anchor,
        citation=rule.citation,
        due_at=due_at,
        binding=binding,
        recurring=rule.recurring,
        unverified=rule.unverified or regime.unverified,
        note=rule.note or regime.note,
    )
