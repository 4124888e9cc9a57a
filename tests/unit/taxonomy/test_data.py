"""The released 1.0.0 data: the dimensions, ids and mappings other parts of the project use."""

from __future__ import annotations

import pytest

from taxonomy import Taxonomy

REQUIRED_DIMENSIONS = {
    "event_class": "single",
    "near_miss": "boolean",
    "harm_type": "multi",
    "harm_materialisation": "single",
    "ai_role": "multi",
    "risk_domain": "multi",
    "causal_entity": "single",
    "causal_intent": "single",
    "causal_timing": "single",
    "frontier_risk": "multi",
    "severity_scope": "single",
    "severity_geo_scale": "single",
    "severity_reversibility": "single",
    "severity_recurrence": "single",
    "harm_deaths": "number",
    "harm_injuries": "number",
    "persons_affected": "single",
    "harm_estimated": "boolean",
    "affected_stakeholders": "multi",
    "involves_minors": "boolean",
    "protected_basis": "multi",
    "ai_principles": "multi",
    "occurred_on": "date",
    "date_precision": "single",
    "aware_at": "date",
    "causal_link_at": "date",
    "resolved_at": "date",
    "countries": "multi",
    "sector": "single",
    "public_sector": "boolean",
    "business_function": "multi",
    "critical_infrastructure": "single",
    "deployment_stage": "single",
    "deployment_status": "single",
    "ai_system": "structured",
    "ai_task": "multi",
    "autonomy": "single",
    "agentic": "boolean",
    "multi_system": "boolean",
    "implicated_component": "multi",
    "security": "structured",
    "response_status": "single",
    "response_actions": "multi",
    "chain_of_events": "text",
    "root_cause": "text",
    "recommendations_to_authorities": "text",
    "supporting_materials": "multi",
    "regulatory_regimes": "multi",
    "widespread_infringement": "boolean",
    "personal_data_breach": "boolean",
    "confidence": "single",
    "submitter_relation": "single",
}


def ids(tax: Taxonomy, path: str) -> list[str]:
    field = tax.field_at(path)
    assert field is not None
    return [value.id for value in field.values]


def test_at_least_30_dimensions_with_the_required_ids_and_kinds(shipped: Taxonomy) -> None:
    assert len(shipped.dimensions) >= 30
    kinds = {dimension.id: dimension.kind for dimension in shipped.dimensions}
    assert {key: kinds.get(key) for key in REQUIRED_DIMENSIONS} == REQUIRED_DIMENSIONS


def test_sector_ids_used_elsewhere_exist_with_their_isic_sections(shipped: Taxonomy) -> None:
    expected = {
        "health": "Q",
        "media": "J",
        "telecom": "J",
        "finance": "K",
        "public_administration": "O",
        "defence": "O",
        "employment": "N",
        "energy": "D",
        "transport": "H",
        "retail": "G",
        "education": "P",
    }
    sector = shipped.dimension("sector")
    for value_id, section in expected.items():
        value = sector.value(value_id)
        assert value is not None, value_id
        assert value.mappings["isic"].value == section
    other = sector.value("other")
    assert other is not None
    assert other.mappings["isic"].no_equivalent
    sections = {value.mappings["isic"].value for value in sector.values} - {None}
    assert sections == set("ABCDEFGHIJKLMNOPQRSTU")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "harm_type",
            [
                "physical_death",
                "physical_injury",
                "psychological",
                "economic_property",
                "reputational",
                "environmental",
                "public_interest",
                "human_fundamental_rights",
                "other",
            ],
        ),
        (
            "event_class",
            ["ai_hazard", "serious_ai_hazard", "ai_incident", "serious_ai_incident", "ai_disaster"],
        ),
        (
            "regulatory_regimes",
            [
                "eu_ai_act_art73",
                "eu_ai_act_art55",
                "gdpr_art33",
                "nis2_art23",
                "dora_art19",
                "mdr_art87",
                "ca_sb53",
                "other",
            ],
        ),
        ("date_precision", ["day", "month", "year"]),
        ("ai_system.artifact", ["model", "system", "dataset"]),
    ],
)
def test_value_ids_are_exactly_these(shipped: Taxonomy, path: str, expected: list[str]) -> None:
    assert ids(shipped, path) == expected


def test_submitter_relations_cover_every_kind_of_reporter(shipped: Taxonomy) -> None:
    expected = {"developer", "deployer", "user", "affected_party", "journalist", "researcher"}
    assert expected | {"institute", "other"} <= set(ids(shipped, "submitter_relation"))


def test_risk_domain_has_7_mit_domains_and_24_subdomains(shipped: Taxonomy) -> None:
    values = ids(shipped, "risk_domain")
    assert [each for each in values if each.count("_") == 1] == [f"mit_{n}" for n in range(1, 8)]
    subdomains = [each for each in values if each.count("_") == 2]
    assert len(subdomains) == 24
    assert {"mit_1_1", "mit_7_3", "mit_7_6"} <= set(subdomains)
    for subdomain in subdomains:
        value = shipped.dimension("risk_domain").value(subdomain)
        assert value is not None
        assert value.related == (subdomain.rsplit("_", 1)[0],)


def test_countries_are_the_iso_3166_alpha_2_codes(shipped: Taxonomy) -> None:
    countries = ids(shipped, "countries")
    assert len(countries) == 249
    assert {"NO", "DE", "FR", "GB", "US", "KR", "JP", "NA"} <= set(countries)
    assert all(len(code) == 2 and code.isupper() for code in countries)


def test_timestamps_end_in_at_and_dates_in_on(shipped: Taxonomy) -> None:
    dates = [each for each in shipped.dimensions if each.kind == "date"]
    assert {each.id for each in dates if each.is_timestamp} == {
        "aware_at",
        "causal_link_at",
        "resolved_at",
    }
    assert {each.id for each in dates if not each.is_timestamp} == {"occurred_on", "ended_on"}


def test_every_dimension_maps_to_oecd_and_eu_ai_act_or_says_no_equivalent(
    shipped: Taxonomy,
) -> None:
    for dimension in shipped.dimensions:
        assert {"oecd", "eu_ai_act"} <= set(dimension.mappings), dimension.id


def test_every_value_of_a_mapped_dimension_has_a_mapping_or_no_equivalent(
    shipped: Taxonomy,
) -> None:
    checked = 0
    for dimension in shipped.dimensions:
        for field in (dimension, *dimension.fields):
            frameworks = {name for value in field.values for name in value.mappings}
            for framework in frameworks:
                for value in field.values:
                    mapping = value.mappings.get(framework)
                    assert mapping is not None, (field.path, value.id, framework)
                    has_target = mapping.value is not None or mapping.criterion is not None
                    assert mapping.no_equivalent or has_target
                    checked += 1
    assert checked > 100


def test_oecd_mandatory_criteria_are_covered(shipped: Taxonomy) -> None:
    criteria = {
        mapping.criterion
        for dimension in shipped.dimensions
        for field in (dimension, *dimension.fields)
        for mapping in [field.mappings.get("oecd")]
        if mapping is not None
    }
    assert {3, 4, 7, 10, 11} <= criteria  # 1 and 2 (title, description) are report fields


def test_facts_marked_from_memory_are_flagged_unverified(shipped: Taxonomy) -> None:
    retire = shipped.dimension("deployment_stage").value("retire")
    assert retire is not None
    assert retire.unverified
    assert "[M]" in retire.note
    autonomy = shipped.dimension("autonomy").value("high_action")
    assert autonomy is not None
    assert autonomy.mappings["csetv1"].unverified
    sb53 = shipped.regime("ca_sb53")
    assert sb53.unverified
    assert all(rule.unverified and rule.note for rule in sb53.rules)


def test_unknown_ids_raise_key_error(shipped: Taxonomy) -> None:
    with pytest.raises(KeyError, match="no dimension 'nope'"):
        shipped.dimension("nope")
    with pytest.raises(KeyError, match="no regime 'nope'"):
        shipped.regime("nope")
    assert shipped.field_at("nope") is None
    assert shipped.field_at("ai_system.nope") is None
    assert shipped.has_dimension("harm_type")


def test_choices_exclude_deprecated_values(shipped: Taxonomy) -> None:
    choices = shipped.choices()
    assert choices["harm_type"][0].id == "physical_death"
    assert choices["harm_type"][0].label == "Death"
    assert "ai_system.access" in choices
    assert "near_miss" not in choices
