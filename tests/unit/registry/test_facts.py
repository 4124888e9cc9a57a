"""What the dedup engine sees of a stored report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from incidents.dedup import AISystem
from incidents.placement.facts import facts_of
from incidents.reports.models import Report
from tests.reports_data import INITIAL


def report(**classification: Any) -> Report:
    return Report(
        id=7,
        organization_id=3,
        series_id=11,
        title="Alerts stopped",
        description="No alerts for three days.",
        classification={**INITIAL, **classification},
        references=["https://example.org/a"],
        occurred_on=dt.date(2026, 11, 1),
    )


def test_a_report_becomes_the_engines_facts() -> None:
    facts = facts_of(report(ai_system={"name": "TriageAssist", "developer": "Example AI"}))
    assert facts.report_id == "7"
    assert (facts.organisation_id, facts.series_key) == ("3", "11")
    assert (facts.title, facts.description) == ("Alerts stopped", "No alerts for three days.")
    assert facts.occurred_on == dt.date(2026, 11, 1)
    assert facts.countries == ("DE",)
    assert (facts.sector, facts.harm_types) == ("health", ("physical_death",))
    assert facts.event_class == "serious_ai_incident"
    assert facts.ai_system == AISystem("TriageAssist", None, "Example AI", None)
    assert facts.references == ("https://example.org/a",)


@pytest.mark.parametrize("name", ["unknown", "Not stated", "N/A", "  none ", ""])
def test_names_that_mean_not_known_are_left_out(name: str) -> None:
    facts = facts_of(report(ai_system={"name": name, "deployer": "n/a", "version": 3}))
    assert facts.ai_system == AISystem()


def test_other_sector_and_harm_say_nothing() -> None:
    facts = facts_of(report(sector="other", harm_type=["other", "psychological"]))
    assert facts.sector is None
    assert facts.harm_types == ("psychological",)


@pytest.mark.parametrize(("precision", "kept"), [("day", True), ("month", False), ("year", False)])
def test_only_a_date_known_to_the_day_is_used(precision: str, kept: bool) -> None:
    facts = facts_of(report(date_precision=precision))
    assert (facts.occurred_on is not None) is kept
