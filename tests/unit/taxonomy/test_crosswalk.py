"""Crosswalks to the OECD reporting framework and the EU AI Act's serious-incident limbs."""

from __future__ import annotations

import pytest

import taxonomy

from .conftest import FIXTURE_ROOT, VALID_FINAL


def test_oecd_criteria_from_a_classification() -> None:
    classification = {
        **VALID_FINAL,
        "event_class": "serious_ai_incident",
        "harm_type": ["physical_death", "physical_injury", "other"],
        "ai_role": ["developer_error", "operator_error", "direct_cause"],
        "harm_deaths": 2,
        "harm_injuries": 0,
        "ai_system": {"name": "Assistant", "developer": "Lab", "access": "open_weights", "x": 1},
        "implicated_component": ["model", "safeguards"],
        "ai_task": ["nope"],
    }
    oecd = taxonomy.to_oecd(classification)
    assert list(oecd) == sorted(oecd)
    assert oecd["c03_ai_relation"] == ["developer or operator error", "direct cause"]
    assert oecd["c05_first_occurrence"] == {"date": "2025-02-01", "precision": "day"}
    assert oecd["c06_countries"] == ["NO"]
    assert oecd["c07_supporting_materials"] == ["transcript"]
    assert oecd["c08_ai_system"] == {"name": "Assistant"}
    assert oecd["c09_organisations"] == {"developer": "Lab"}
    assert oecd["c10_severity"] == "serious incident"
    assert oecd["c11_harm_type"] == ["physical"]
    assert oecd["c12_harm_quantification"] == {
        "deaths": 2,
        "injuries": 0,
        "people_affected": "n_2_10",
    }
    assert oecd["c22_ai_model"] == ["yes"]
    assert oecd["c23_usage_rights"] == "open_weights"
    assert oecd["c27_actions_taken"] == {"status": "open", "actions": ["mitigation", "prevention"]}
    assert oecd["c29_additional_information"] == {
        "root_cause": VALID_FINAL["root_cause"],
        "recommendations_to_authorities": VALID_FINAL["recommendations_to_authorities"],
    }
    assert "c25_ai_tasks" not in oecd
    assert "c21_training_data" not in oecd


def test_oecd_skips_empty_and_unmapped_answers() -> None:
    assert taxonomy.to_oecd({"event_class": None, "ai_role": [], "confidence": "confirmed"}) == {}
    assert taxonomy.to_oecd({"ai_system": {"version": ""}}) == {}


def test_oecd_severity_of_the_fixture_version() -> None:
    oecd = taxonomy.to_oecd({"event_class": "ai_hazard"}, "1.0.0", root=FIXTURE_ROOT)
    assert oecd == {"c10_severity": "hazard"}


@pytest.mark.parametrize(
    ("classification", "limbs"),
    [
        ({"event_class": "serious_ai_incident", "harm_type": ["physical_death"]}, ("a_death",)),
        (
            {
                "event_class": "ai_disaster",
                "harm_type": ["environmental", "psychological", "human_fundamental_rights"],
                "critical_infrastructure": "energy",
            },
            (
                "a_health",
                "b_critical_infrastructure",
                "c_fundamental_rights",
                "d_property_environment",
            ),
        ),
        (
            {
                "event_class": "serious_ai_incident",
                "harm_type": ["reputational"],
                "critical_infrastructure": "none",
            },
            (),
        ),
        ({"event_class": "ai_incident", "harm_type": ["physical_death"]}, ()),
        ({"event_class": "serious_ai_hazard", "harm_type": ["physical_death"]}, ()),
        ({"harm_type": "physical_death", "event_class": ["serious_ai_incident", 3]}, ("a_death",)),
        ({}, ()),
    ],
)
def test_eu_ai_act_limbs(classification: dict[str, object], limbs: tuple[str, ...]) -> None:
    assert taxonomy.eu_ai_act_limb(classification) == limbs
