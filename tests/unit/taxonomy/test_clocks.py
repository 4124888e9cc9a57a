"""Regulatory deadlines from the rules in regimes.toml (the worked examples of the brief)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

import taxonomy
from taxonomy import Deadline
from taxonomy.durations import parse_duration

AWARE = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)

SERIOUS = {"event_class": "serious_ai_incident", "harm_type": ["physical_injury"]}


def binding(deadlines: list[Deadline], regime: str, obligation: str = "initial") -> Deadline:
    [found] = [
        each
        for each in deadlines
        if each.regime == regime and each.obligation == obligation and each.binding
    ]
    return found


def test_art73_death_is_due_in_10_days() -> None:
    classification = {
        **SERIOUS,
        "harm_type": ["physical_death"],
        "regulatory_regimes": ["eu_ai_act_art73"],
    }
    found = taxonomy.deadlines(classification, AWARE)
    assert [(each.rule, each.due_at, each.binding) for each in found] == [
        ("art73_death", AWARE + timedelta(days=10), True),
        ("art73_general", AWARE + timedelta(days=15), False),
    ]
    death = found[0]
    assert death.citation.startswith("Art. 73(4)")
    assert death.period == "P10D"
    assert death.anchor == "aware_at"
    assert death.obligation == "initial"
    assert "causal link" in death.note


def test_art73_critical_infrastructure_disruption_is_due_in_2_days() -> None:
    classification = {
        **SERIOUS,
        "critical_infrastructure": "energy",
        "regulatory_regimes": ["eu_ai_act_art73"],
    }
    deadline = binding(taxonomy.deadlines(classification, AWARE), "eu_ai_act_art73")
    assert deadline.rule == "art73_critical_infrastructure"
    assert deadline.due_at == AWARE + timedelta(days=2)
    reversible = {**classification, "severity_reversibility": "reversible"}
    deadline = binding(taxonomy.deadlines(reversible, AWARE), "eu_ai_act_art73")
    assert deadline.rule == "art73_general"


def test_art73_widespread_infringement_is_due_in_2_days() -> None:
    classification = {
        **SERIOUS,
        "widespread_infringement": True,
        "regulatory_regimes": ["eu_ai_act_art73"],
    }
    deadline = binding(taxonomy.deadlines(classification, AWARE), "eu_ai_act_art73")
    assert (deadline.rule, deadline.due_at) == (
        "art73_widespread_infringement",
        AWARE + timedelta(days=2),
    )


def test_art73_needs_a_serious_incident() -> None:
    classification = {
        **SERIOUS,
        "event_class": "ai_incident",
        "regulatory_regimes": ["eu_ai_act_art73"],
    }
    assert taxonomy.deadlines(classification, AWARE) == []


def test_personal_data_breach_is_due_in_72_hours_under_gdpr() -> None:
    found = taxonomy.deadlines({"event_class": "ai_incident", "personal_data_breach": True}, AWARE)
    assert [(each.regime, each.due_at) for each in found] == [
        ("gdpr_art33", AWARE + timedelta(hours=72))
    ]


def test_gpai_cyber_breach_is_due_in_5_days_then_every_4_weeks_then_60_days_after_resolution() -> (
    None
):
    classification = {
        **SERIOUS,
        "regulatory_regimes": ["eu_ai_act_art55"],
        "frontier_risk": ["model_weight_security"],
    }
    found = taxonomy.deadlines(classification, AWARE)
    initial = binding(found, "eu_ai_act_art55")
    assert (initial.rule, initial.due_at) == ("cop_cybersecurity_breach", AWARE + timedelta(days=5))
    intermediate = binding(found, "eu_ai_act_art55", "intermediate")
    assert (intermediate.due_at, intermediate.recurring) == (None, True)
    final = binding(found, "eu_ai_act_art55", "final")
    assert final.due_at is None
    reported = AWARE + timedelta(days=4)
    resolved = AWARE + timedelta(days=40)
    later = taxonomy.deadlines(classification, AWARE, last_report_at=reported, resolved_at=resolved)
    assert binding(later, "eu_ai_act_art55", "intermediate").due_at == reported + timedelta(weeks=4)
    assert binding(later, "eu_ai_act_art55", "final").due_at == resolved + timedelta(days=60)


def test_gpai_security_incident_flag_also_counts_as_a_cyber_breach() -> None:
    classification = {
        **SERIOUS,
        "regulatory_regimes": ["eu_ai_act_art55"],
        "security": {"is_security_incident": True},
    }
    assert binding(taxonomy.deadlines(classification, AWARE), "eu_ai_act_art55").rule == (
        "cop_cybersecurity_breach"
    )


def test_nis2_early_warning_in_24_hours_and_notification_in_72() -> None:
    found = taxonomy.deadlines({"regulatory_regimes": ["nis2_art23"]}, AWARE)
    assert [(each.rule, each.obligation, each.due_at) for each in found] == [
        ("nis2_early_warning", "initial", AWARE + timedelta(hours=24)),
        ("nis2_notification", "intermediate", AWARE + timedelta(hours=72)),
        ("nis2_final", "final", None),
    ]
    notified = AWARE + timedelta(hours=70)
    later = taxonomy.deadlines(
        {"regulatory_regimes": ["nis2_art23"]}, AWARE, last_report_at=notified
    )
    assert later[-1].due_at == datetime(2026, 10, 4, 7, 30, tzinfo=UTC)


def test_dora_runs_from_awareness_then_from_each_report() -> None:
    reported = AWARE + timedelta(hours=20)
    found = taxonomy.deadlines(
        {"regulatory_regimes": ["dora_art19"]}, AWARE, last_report_at=reported
    )
    assert [(each.rule, each.due_at) for each in found] == [
        ("dora_initial", AWARE + timedelta(hours=24)),
        ("dora_intermediate", reported + timedelta(hours=72)),
        ("dora_final", datetime(2026, 10, 2, 5, 30, tzinfo=UTC)),
    ]


def test_mdr_and_sb53_follow_section_6() -> None:
    classification = {
        **SERIOUS,
        "harm_materialisation": "imminent_risk",
        "serious_public_health_threat": True,
        "regulatory_regimes": ["mdr_art87", "ca_sb53"],
    }
    found = taxonomy.deadlines(classification, AWARE)
    assert [(each.rule, each.binding) for each in found] == [
        ("mdr_public_health_threat", True),
        ("mdr_death_or_deterioration", False),
        ("mdr_general", False),
        ("sb53_imminent_risk", True),
        ("sb53_general", False),
    ]
    assert all(each.unverified for each in found if each.regime == "ca_sb53")
    assert not any(each.unverified for each in found if each.regime == "mdr_art87")


def test_times_must_be_timezone_aware_and_come_back_in_utc() -> None:
    with pytest.raises(ValueError, match="aware_at must be a timezone-aware datetime"):
        taxonomy.deadlines({}, datetime(2026, 9, 1))  # noqa: DTZ001 (the point of the test)
    with pytest.raises(ValueError, match="resolved_at must be"):
        taxonomy.deadlines({}, AWARE, resolved_at=datetime(2026, 9, 1))  # noqa: DTZ001
    paris = timezone(timedelta(hours=2))
    found = taxonomy.deadlines(
        {"personal_data_breach": True}, datetime(2026, 9, 1, 11, 30, tzinfo=paris)
    )
    assert found[0].due_at == AWARE + timedelta(hours=72)
    assert found[0].due_at is not None
    assert found[0].due_at.tzinfo is UTC


def test_no_regime_no_deadline() -> None:
    assert taxonomy.deadlines({"event_class": "serious_ai_incident"}, AWARE) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("P10D", "10 days"),
        ("PT72H", "72 hours"),
        ("P4W", "4 weeks"),
        ("P1M", "1 month"),
        ("P1Y", "1 year"),
        ("P1M2D", "1 month and 2 days"),
        ("P1DT1H30M", "1 day, 1 hour and 30 minutes"),
        ("PT1S", "1 second"),
        ("P0DT24H", "24 hours"),
    ],
)
def test_a_period_reads_in_words(text: str, words: str) -> None:
    assert parse_duration(text).words == words


def test_every_rule_says_what_its_period_is_counted_from() -> None:
    for regime in taxonomy.load().regimes:
        for rule in regime.rules:
            assert rule.counted_from.startswith("after "), rule.id
