"""Classifications that pass the taxonomy, for tests that file reports."""

from __future__ import annotations

from typing import Any

INITIAL: dict[str, Any] = {
    "event_class": "serious_ai_incident",
    "confidence": "confirmed",
    "submitter_relation": "deployer",
    "harm_type": ["physical_death"],
    "harm_materialisation": "occurred",
    "ai_role": ["contributing_factor"],
    "harm_deaths": 1,
    "harm_injuries": 0,
    "persons_affected": "n_1",
    "affected_stakeholders": ["consumers"],
    "risk_domain": ["mit_7_3"],
    "frontier_risk": ["none"],
    "occurred_on": "2026-11-01",
    "date_precision": "day",
    "aware_at": "2026-11-03T10:00:00Z",
    "countries": ["DE"],
    "sector": "health",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "ai_system": {"name": "TriageAssist", "developer": "Example Health AI"},
    "autonomy": "low_action",
    "security": {"is_security_incident": False},
    "response_status": "open",
    "supporting_materials": ["none_yet"],
    "regulatory_regimes": ["eu_ai_act_art73"],
}

FINAL_ADDITIONS: dict[str, Any] = {
    "severity_scope": "individual",
    "severity_geo_scale": "single_entity",
    "severity_reversibility": "irreversible",
    "severity_recurrence": "one_off",
    "implicated_component": ["model"],
    "response_actions": ["suspension"],
    "chain_of_events": "The model under-scored a deteriorating patient.",
    "root_cause": "An input field was silently dropped after an upgrade.",
    "recommendations_to_authorities": "Require input-drift monitoring.",
    "response_status": "resolved",
    "resolved_at": "2026-11-20T12:00:00Z",
}

# A plain AI incident (psychological harm) with nothing beyond the initial requirements.
MINIMAL_INITIAL: dict[str, Any] = {
    "event_class": "ai_incident",
    "confidence": "confirmed",
    "submitter_relation": "developer",
    "harm_type": ["psychological"],
    "harm_materialisation": "occurred",
    "persons_affected": "n_2_10",
    "ai_role": ["direct_cause"],
    "affected_stakeholders": ["consumers"],
    "risk_domain": ["mit_5_1"],
    "occurred_on": "2025-02-01",
    "date_precision": "day",
    "aware_at": "2025-02-03T10:00:00Z",
    "countries": ["NO"],
    "sector": "health",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "ai_system": {"name": "Assistant", "version": "2"},
    "autonomy": "low_action",
    "response_status": "open",
    "supporting_materials": ["transcript"],
}
