"""Helpers for the hand-written company-streams set: each report is written out in full by hand.

Only the bookkeeping (report keys, dropping empty fields) is done here; no text is generated.
"""

from __future__ import annotations

from typing import Any

Report = dict[str, Any]


def system(
    name: str | None = None,
    version: str | None = None,
    developer: str | None = None,
    deployer: str | None = None,
) -> dict[str, str]:
    """An ``ai_system`` object with only the parts the reporter gave."""
    parts = {"name": name, "version": version, "developer": developer, "deployer": deployer}
    return {k: v for k, v in parts.items() if v}


def rep(
    kind: str,
    occurred: str | None,
    aware: str | None,
    ai: dict[str, str],
    countries: list[str],
    sector: str | None,
    harms: list[str] | None,
    title: str,
    description: str,
    event_class: str | None = "ai_incident",
    references: list[str] | None = None,
) -> Report:
    """One report of the JSON format; fields given as None are left out."""
    out: Report = {
        "submitter_kind": kind,
        "title": title,
        "description": " ".join(description.split()),
        "occurred_on": occurred,
        "aware_on": aware,
        "ai_system": ai,
        "countries": countries,
        "sector": sector,
        "harm_types": harms,
        "event_class": event_class,
    }
    if references:
        out["references"] = references
    return {k: v for k, v in out.items() if v is not None}
