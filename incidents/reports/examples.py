"""A complete example report: what the OpenAPI document shows and the README files with curl.

A death under EU AI Act Art. 73 (binding 10-day deadline), shared network-wide as TLP:AMBER,
so it names no recipients. It is dated relative to the day it is asked for (the event the
day before yesterday, awareness yesterday), so its deadlines are never months overdue;
``flask reports example`` prints it.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

EXAMPLE_REPORT: dict[str, Any] = {
    "state": "submitted",
    "title": "Symptom checker advised rest at home; the patient died of a heart attack",
    "description": (
        "A 58-year-old user described chest pain radiating to the left arm. The symptom "
        "checker classified it as muscular strain and advised rest. The user died the same "
        "evening. Conversation logs show the escalation rule for cardiac symptoms did not fire."
    ),
    "distribution": {"tlp": "amber", "recipients": []},
    "withhold_identity": False,
    "taxonomy_version": "1.0.0",
    "classification": {
        "event_class": "serious_ai_incident",
        "confidence": "probable",
        "submitter_relation": "developer",
        "harm_materialisation": "occurred",
        "harm_type": ["physical_death"],
        "harm_deaths": 1,
        "persons_affected": "n_1",
        "affected_stakeholders": ["consumers"],
        "ai_role": ["contributing_factor"],
        "risk_domain": ["mit_7_3"],
        "occurred_on": "2026-09-02",
        "date_precision": "day",
        "aware_at": "2026-09-04T09:30:00+00:00",
        "countries": ["DE"],
        "sector": "health",
        "critical_infrastructure": "none",
        "deployment_stage": "operate_monitor",
        "deployment_status": "general_availability",
        "ai_system": {
            "name": "CareCompass symptom checker",
            "version": "3.4.1",
            "developer": "Acme Models",
            "artifact": "system",
            "access": "proprietary_hosted",
        },
        "autonomy": "medium_action",
        "response_status": "contained",
        "supporting_materials": ["log", "transcript"],
        "regulatory_regimes": ["eu_ai_act_art73"],
    },
    "references": ["https://status.example.com/incidents/carecompass-2026-09"],
}


def example_report(today: date | None = None) -> dict[str, Any]:
    """A fresh copy of the example body, dated relative to ``today`` (default: today, UTC)."""
    today = today or datetime.now(UTC).date()
    body = copy.deepcopy(EXAMPLE_REPORT)
    aware = datetime.combine(today - timedelta(days=1), time(9, 30), tzinfo=UTC)
    occurred = today - timedelta(days=2)
    body["classification"]["occurred_on"] = occurred.isoformat()
    body["classification"]["aware_at"] = aware.isoformat()
    body["references"] = [f"https://status.example.com/incidents/carecompass-{occurred:%Y-%m}"]
    return body
