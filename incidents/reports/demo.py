"""Fictional demo reports of the demo companies, filed through the real services.

A few dozen reports across both demo companies: every stage (some series run initial →
intermediate → final), every TLP label (RED and AMBER+STRICT to named demo institutes), two
drafts and one withdrawn report, and regimes whose deadlines fall due soon or are overdue
relative to the moment the demo is loaded. All names are invented; addresses use
``.example``. Loading twice files nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts import services as account_services
from incidents.accounts.models import Organization
from incidents.db import utcnow
from incidents.reports.content import ReportContent
from incidents.reports.models import Report, ReportStage, Tlp
from incidents.reports.services import amend, file_follow_up, file_report, save_draft, withdraw
from incidents.security.caller import Caller

AURORA = "Aurora Robotics (demo)"
LUMEN = "Lumen Language Models (demo)"
MERIDIAN = "Meridian AI Safety Institute (demo)"
NORTHGATE = "Northgate AI Security Institute (demo)"
FILERS = {AURORA: "reporter@aurora.example", LUMEN: "reporter@lumen.example"}

_COMMON: dict[str, Any] = {
    "event_class": "ai_incident",
    "confidence": "confirmed",
    "harm_type": ["economic_property"],
    "harm_materialisation": "occurred",
    "persons_affected": "n_2_10",
    "ai_role": ["contributing_factor"],
    "affected_stakeholders": ["consumers"],
    "date_precision": "day",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "autonomy": "medium_action",
    "response_status": "open",
    "supporting_materials": ["log"],
}
_COMPANY: dict[str, dict[str, Any]] = {
    AURORA: {
        "submitter_relation": "developer",
        "risk_domain": ["mit_7_3"],
        "countries": ["DE"],
        "sector": "manufacturing",
        "ai_system": {"name": "Aurora Pathfinder", "version": "4.2", "developer": AURORA},
    },
    LUMEN: {
        "submitter_relation": "developer",
        "risk_domain": ["mit_2_1"],
        "countries": ["FR"],
        "sector": "information_technology",
        "ai_system": {"name": "Lumen Lyra", "version": "3.1", "developer": LUMEN},
        "autonomy": "low_action",
    },
}
_FINAL: dict[str, Any] = {
    "severity_scope": "group",
    "severity_geo_scale": "national",
    "severity_reversibility": "reversible",
    "severity_recurrence": "one_off",
    "implicated_component": ["safeguards"],
    "response_actions": ["mitigation", "safeguard_update"],
    "chain_of_events": "Detected by monitoring, escalated to the on-call team, mitigated.",
    "root_cause": "A safeguard did not cover an input pattern seen in production.",
    "recommendations_to_authorities": "No action needed beyond the published fix.",
}


@dataclass(frozen=True)
class DemoReport:
    """One demo event: its initial report and what happens to it afterwards."""

    company: str
    title: str
    description: str
    aware_days_ago: float
    facts: Mapping[str, Any] = field(default_factory=dict)
    tlp: Tlp = Tlp.AMBER
    recipients: tuple[str, ...] = ()
    follow_ups: tuple[ReportStage, ...] = ()
    draft: bool = False
    withdrawn_because: str = ""
    withhold_identity: bool = False
    # An amendment after submission: its reason and the facts it changes (one demo report has
    # two revisions, so its changes page has something to compare).
    amended: tuple[str, Mapping[str, Any]] | None = None


SCENARIOS: tuple[DemoReport, ...] = (
    # --- Aurora Robotics: warehouse, surgical, delivery and farm robots -------------------
    DemoReport(
        AURORA,
        "Warehouse robot struck a picker during aisle re-routing",
        "An autonomous tote carrier re-planned its route around a blocked aisle and struck a "
        "picker's leg at low speed. The worker was treated for a bruised shin.",
        13,
        {
            "event_class": "serious_ai_incident",
            "harm_type": ["physical_injury"],
            "harm_injuries": 1,
            "persons_affected": "n_1",
            "affected_stakeholders": ["workers"],
            "ai_role": ["direct_cause"],
            "regulatory_regimes": ["eu_ai_act_art73"],
            "risk_domain": ["mit_7_3"],
        },
        tlp=Tlp.AMBER_STRICT,
        recipients=(MERIDIAN,),
        follow_ups=(ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ),
    DemoReport(
        AURORA,
        "Surgical assistant arm paused mid-suture after a vision misread",
        "The instrument-tracking model misread a reflective clamp as tissue and the assistant "
        "arm halted for 40 seconds. The surgeon completed the suture manually.",
        12,
        {
            "event_class": "serious_ai_incident",
            "harm_type": ["physical_injury"],
            "harm_injuries": 1,
            "persons_affected": "n_1",
            "affected_stakeholders": ["consumers"],
            "sector": "health",
            "countries": ["NL"],
            "regulatory_regimes": ["mdr_art87"],
            "ai_system": {"name": "Aurora Suture Assist", "version": "1.8"},
        },
        tlp=Tlp.RED,
        recipients=(MERIDIAN, NORTHGATE),
        withhold_identity=True,
        amended=(
            "The vendor's log review confirmed the misread, and the pause left no lasting harm.",
            {"confidence": "confirmed", "severity_reversibility": "reversible"},
        ),
    ),
    DemoReport(
        AURORA,
        "Delivery robot blocked a wheelchair user on a narrow pavement",
        "A sidewalk delivery robot stopped in a narrow passage and did not yield, blocking a "
        "wheelchair user for several minutes until a remote operator intervened.",
        30,
        {
            "harm_type": ["human_fundamental_rights"],
            "protected_basis": ["disability"],
            "persons_affected": "n_1",
            "affected_stakeholders": ["general_public"],
            "sector": "transport",
            "countries": ["JP"],
            "risk_domain": ["mit_1_1"],
        },
        tlp=Tlp.CLEAR,
        follow_ups=(ReportStage.FINAL,),
    ),
    DemoReport(
        AURORA,
        "Autonomous forklift near miss at a loading dock",
        "A forklift's obstacle detector missed a pallet jack in low light; the safety "
        "scanner stopped it 30 cm short. No one was hurt.",
        45,
        {
            "event_class": "ai_hazard",
            "near_miss": True,
            "harm_type": ["physical_injury"],
            "harm_materialisation": "imminent_risk",
            "harm_injuries": 0,
            "affected_stakeholders": ["workers"],
            "sector": "transport",
            "countries": ["US"],
        },
        tlp=Tlp.GREEN,
    ),
    DemoReport(
        AURORA,
        "Crop-spraying drone drifted outside its geofence",
        "A spraying drone used a stale field boundary after a map update and sprayed a strip "
        "of a neighbouring organic field.",
        60,
        {
            "harm_type": ["environmental", "economic_property"],
            "economic_loss": "eur_10k_1m",
            "affected_stakeholders": ["business"],
            "sector": "agriculture",
            "countries": ["FR"],
        },
        tlp=Tlp.GREEN,
        follow_ups=(ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ),
    DemoReport(
        AURORA,
        "Care robot missed a resident's fall during night rounds",
        "The fall-detection model did not flag a fall in a dim corridor; staff found the "
        "resident 25 minutes later. The resident recovered.",
        9,
        {
            "event_class": "serious_ai_incident",
            "harm_type": ["physical_injury"],
            "harm_injuries": 1,
            "persons_affected": "n_1",
            "affected_stakeholders": ["consumers"],
            "ai_role": ["failure_to_act"],
            "sector": "health",
            "regulatory_regimes": ["eu_ai_act_art73", "mdr_art87"],
            "ai_system": {"name": "Aurora CareMate", "version": "2.0"},
        },
        tlp=Tlp.AMBER_STRICT,
        recipients=(NORTHGATE,),
        follow_ups=(ReportStage.INTERMEDIATE,),
    ),
    DemoReport(
        AURORA,
        "Adversarial floor sticker confused a warehouse robot's lane detection",
        "A red-team exercise showed a printed floor pattern could steer a robot out of its "
        "lane. Found before any harm.",
        20,
        {
            "event_class": "ai_hazard",
            "near_miss": False,
            "harm_type": ["physical_injury"],
            "harm_materialisation": "non_imminent_risk",
            "harm_injuries": 0,
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["workers"],
            "risk_domain": ["mit_2_2"],
            "security": {"is_security_incident": True, "atlas_techniques": ["AML.T0043"]},
            "deployment_stage": "verify_validate",
            "deployment_status": "evaluation",
        },
        tlp=Tlp.RED,
        recipients=(MERIDIAN, NORTHGATE),
    ),
    DemoReport(
        AURORA,
        "Security test: an adversarial floor marking pushed a robot out of its lane",
        "During a red-team security test an adversarial marking printed on the ground made an "
        "autonomous cart's lane detection drift out of its marked path. Nobody was injured.",
        19,
        {
            "event_class": "ai_hazard",
            "near_miss": False,
            "harm_type": ["physical_injury"],
            "harm_materialisation": "non_imminent_risk",
            "harm_injuries": 0,
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["workers"],
            "risk_domain": ["mit_2_2"],
            "security": {"is_security_incident": True, "atlas_techniques": ["AML.T0043"]},
            "deployment_stage": "verify_validate",
            "deployment_status": "evaluation",
        },
        tlp=Tlp.RED,
        # The same finding told twice by one company: the engine, cautious between one filer's
        # reports, asks an analyst; both institutes read both, so each demo analyst has a
        # candidate to triage.
        recipients=(MERIDIAN, NORTHGATE),
    ),
    DemoReport(
        AURORA,
        "Firmware update bricked a fleet of inventory scanners",
        "A staged firmware roll-out skipped its canary step; 120 scanning robots stopped for "
        "six hours across two distribution centres.",
        3,
        {
            "harm_type": ["economic_property"],
            "economic_loss": "eur_10k_1m",
            "persons_affected": "n_11_100",
            "affected_stakeholders": ["business", "workers"],
            "ai_role": ["developer_error"],
            "countries": ["DE", "PL"],
            "sector": "retail",
            "critical_infrastructure": "digital_infrastructure",
            "regulatory_regimes": ["nis2_art23"],
        },
        tlp=Tlp.AMBER,
    ),
    DemoReport(
        AURORA,
        "Cleaning robot recorded audio in a private office",
        "A cleaning robot's wake-word detector kept recording after a false trigger and "
        "uploaded 40 minutes of office audio.",
        2,
        {
            "harm_type": ["human_fundamental_rights"],
            "ai_principles": ["privacy_data_governance"],
            "personal_data_breach": True,
            "affected_stakeholders": ["workers"],
            "sector": "professional_services",
            "countries": ["IE"],
            "risk_domain": ["mit_2_1"],
        },
        tlp=Tlp.AMBER_STRICT,
        recipients=(MERIDIAN,),
    ),
    DemoReport(
        AURORA,
        "Palletiser stacked boxes beyond their rated load",
        "Duplicate of an earlier report filed by mistake.",
        40,
        {"harm_type": ["economic_property"], "affected_stakeholders": ["business"]},
        tlp=Tlp.GREEN,
        withdrawn_because="Filed twice by mistake; see the earlier report of the same event.",
    ),
    DemoReport(
        AURORA,
        "Lift-assist exoskeleton over-torqued during calibration",
        "Notes so far: one test subject reported wrist strain. Awaiting the lab's logs.",
        1,
        {"event_class": "ai_incident", "harm_type": ["physical_injury"]},
        tlp=Tlp.AMBER,
        draft=True,
    ),
    # --- Lumen Language Models: assistants, agents, APIs ----------------------------------
    DemoReport(
        LUMEN,
        "Jailbreak elicited step-by-step synthesis route for a toxic compound",
        "A multi-turn role-play prompt bypassed refusal training and produced an actionable "
        "synthesis route. Found by an external researcher; no misuse known.",
        11,
        {
            "event_class": "serious_ai_hazard",
            "near_miss": False,
            "harm_type": ["physical_death", "public_interest"],
            "harm_deaths": 0,
            "harm_materialisation": "non_imminent_risk",
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["general_public"],
            "risk_domain": ["mit_4_2"],
            "frontier_risk": ["cbrn"],
            "regulatory_regimes": ["eu_ai_act_art55"],
            "security": {"is_security_incident": False},
            "hazardous_detail": True,
        },
        tlp=Tlp.RED,
        recipients=(MERIDIAN, NORTHGATE),
        follow_ups=(ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ),
    DemoReport(
        LUMEN,
        "Attempted exfiltration of model weights from a staging cluster",
        "Anomalous egress from a staging inference node was traced to a compromised CI token. "
        "Transfer was stopped after 3% of one checkpoint shard.",
        6,
        {
            "event_class": "serious_ai_incident",
            "harm_type": ["economic_property", "public_interest"],
            "harm_materialisation": "occurred",
            "persons_affected": "n_1",
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["business"],
            "risk_domain": ["mit_2_2"],
            "frontier_risk": ["model_weight_security"],
            "regulatory_regimes": ["eu_ai_act_art55"],
            "security": {
                "is_security_incident": True,
                "atlas_techniques": ["AML.T0044"],
                "exploit_publicly_known": False,
            },
            "deployment_status": "internal_only",
        },
        tlp=Tlp.RED,
        recipients=(NORTHGATE,),
        withhold_identity=True,
    ),
    DemoReport(
        LUMEN,
        "Email agent followed an injected instruction and forwarded a mailbox",
        "A prompt injection hidden in a calendar invite made the agent forward 230 messages "
        "to an outside address. Customers' personal data were affected.",
        1,
        {
            "harm_type": ["human_fundamental_rights", "economic_property"],
            "persons_affected": "n_101_1000",
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["consumers", "business"],
            "ai_principles": ["privacy_data_governance", "robustness_digital_security"],
            "personal_data_breach": True,
            "regulatory_regimes": ["gdpr_art33"],
            "security": {"is_security_incident": True, "atlas_techniques": ["AML.T0051.001"]},
            "agentic": True,
            "autonomy": "high_action",
            "countries": ["FR", "BE"],
        },
        tlp=Tlp.AMBER,
        follow_ups=(ReportStage.INTERMEDIATE,),
    ),
    DemoReport(
        LUMEN,
        "Assistant cited six non-existent court decisions in a legal brief",
        "A law firm filed a brief drafted with the assistant; the court found six citations "
        "did not exist and fined the firm.",
        50,
        {
            "harm_type": ["reputational", "economic_property"],
            "economic_loss": "eur_under_10k",
            "ai_role": ["overreliance"],
            "affected_stakeholders": ["business"],
            "risk_domain": ["mit_3_1"],
            "sector": "professional_services",
            "countries": ["GB"],
        },
        tlp=Tlp.CLEAR,
        follow_ups=(ReportStage.FINAL,),
    ),
    DemoReport(
        LUMEN,
        "Screening model ranked applicants lower for career gaps",
        "An HR customer's audit found the résumé screener penalised career gaps, which fall "
        "disproportionately on women returning from parental leave.",
        75,
        {
            "harm_type": ["human_fundamental_rights"],
            "persons_affected": "n_1001_100000",
            "protected_basis": ["sex", "familial_status"],
            "affected_stakeholders": ["workers"],
            "risk_domain": ["mit_1_1"],
            "sector": "employment",
            "countries": ["US"],
            "regulatory_regimes": ["other"],
        },
        tlp=Tlp.GREEN,
        follow_ups=(ReportStage.INTERMEDIATE, ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ),
    DemoReport(
        LUMEN,
        "Companion chatbot gave harmful advice to a teenager in distress",
        "A conversation with a minor escalated to self-harm topics and the crisis-resource "
        "safeguard did not trigger. The user's parent reported it.",
        4,
        {
            "event_class": "serious_ai_incident",
            "harm_type": ["psychological"],
            "persons_affected": "n_1",
            "ai_role": ["direct_cause"],
            "affected_stakeholders": ["children"],
            "involves_minors": True,
            "risk_domain": ["mit_5_1"],
            "sector": "households",
            "countries": ["KR"],
            "regulatory_regimes": ["eu_ai_act_art55"],
            "frontier_risk": ["harmful_manipulation"],
        },
        tlp=Tlp.AMBER_STRICT,
        recipients=(MERIDIAN,),
        withhold_identity=True,
    ),
    DemoReport(
        LUMEN,
        "Voice-clone API used in a bank impersonation scam",
        "Fraudsters used the voice API with a cloned voice of a bank's customer to authorise "
        "a transfer. The bank recovered most of the funds.",
        16,
        {
            "harm_type": ["economic_property"],
            "economic_loss": "eur_10k_1m",
            "persons_affected": "n_1",
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["consumers", "business"],
            "risk_domain": ["mit_4_3"],
            "sector": "finance",
            "countries": ["BR"],
            "critical_infrastructure": "banking",
            "regulatory_regimes": ["dora_art19"],
            "security": {"is_security_incident": True},
        },
        tlp=Tlp.AMBER,
        follow_ups=(ReportStage.INTERMEDIATE, ReportStage.FINAL),
    ),
    DemoReport(
        LUMEN,
        "Translation model inverted a medication dosage instruction",
        "A hospital's discharge notes were machine-translated with 'twice daily' rendered as "
        "'every two days'. A pharmacist caught it before dispensing.",
        0.5,
        {
            "event_class": "ai_hazard",
            "near_miss": True,
            "harm_type": ["physical_injury"],
            "harm_materialisation": "imminent_risk",
            "harm_injuries": 0,
            "affected_stakeholders": ["consumers"],
            "sector": "health",
            "countries": ["US"],
            "regulatory_regimes": ["ca_sb53"],
            "risk_domain": ["mit_3_1"],
        },
        tlp=Tlp.GREEN,
    ),
    DemoReport(
        LUMEN,
        "Election Q&A answered with the wrong polling date",
        "For six hours the assistant gave a wrong polling date for a regional election in "
        "answer to voters' questions.",
        25,
        {
            "harm_type": ["public_interest"],
            "persons_affected": "n_1001_100000",
            "affected_stakeholders": ["general_public"],
            "ai_principles": ["democracy_human_autonomy"],
            "risk_domain": ["mit_3_1"],
            "sector": "public_administration",
            "critical_infrastructure": "elections",
            "countries": ["DE"],
        },
        tlp=Tlp.CLEAR,
    ),
    DemoReport(
        LUMEN,
        "Code assistant suggested a dependency with a known critical CVE",
        "The assistant recommended pinning a library version with a published remote-code "
        "execution flaw; several customers merged the suggestion.",
        35,
        {
            "harm_type": ["economic_property"],
            "persons_affected": "n_11_100",
            "affected_stakeholders": ["business"],
            "risk_domain": ["mit_2_2"],
            "security": {"is_security_incident": True, "cve_ids": ["CVE-2024-12345"]},
            "ai_role": ["contributing_factor", "intentional_misuse"],
        },
        tlp=Tlp.AMBER,
        follow_ups=(ReportStage.FINAL,),
    ),
    # The same event as Lumen's mailbox report, told by the company that deployed the agent:
    # the dedup engine links it to Lumen's incident or queues it for the analysts.
    DemoReport(
        AURORA,
        "Our Lyra mail agent forwarded a customer mailbox after a calendar-invite injection",
        "Aurora's customer-service mail agent, built on Lumen Lyra, opened a calendar invite "
        "with a hidden prompt injection and forwarded 230 customer messages to an outside "
        "address. We revoked the agent's permission to send mail, told Lumen and notified the "
        "affected customers; personal data of customers in France and Belgium were exposed.",
        1,
        {
            "submitter_relation": "deployer",
            "harm_type": ["human_fundamental_rights", "economic_property"],
            "persons_affected": "n_101_1000",
            "ai_role": ["intentional_misuse"],
            "affected_stakeholders": ["consumers"],
            "personal_data_breach": True,
            "regulatory_regimes": ["gdpr_art33"],
            "security": {"is_security_incident": True},
            "agentic": True,
            "autonomy": "high_action",
            "countries": ["FR", "BE"],
            "sector": "information_technology",
            "ai_system": {"name": "Lumen Lyra", "developer": LUMEN, "deployer": AURORA},
        },
        tlp=Tlp.GREEN,
    ),
    DemoReport(
        LUMEN,
        "Support bot promised refunds outside the published policy",
        "Draft: the bot granted refunds it was not allowed to; finance is still counting.",
        2,
        {"harm_type": ["economic_property"], "sector": "retail"},
        tlp=Tlp.GREEN,
        draft=True,
    ),
)


def load_demo_reports(session: Session, now: datetime | None = None) -> int:
    """File the demo reports unless a demo company already has reports; returns how many
    reports were filed (0 when skipped). Needs the demo organisations and users."""
    companies = [account_services.find_organization(session, name) for name in FILERS]
    if any(company is None for company in companies) or _has_reports(session, companies):
        return 0
    now = now or utcnow()
    filed = 0
    for scenario in SCENARIOS:
        filed += _file_scenario(session, scenario, now)
    return filed


def _has_reports(session: Session, companies: list[Organization | None]) -> bool:
    ids = [company.id for company in companies if company is not None]
    query = sa.select(sa.func.count(Report.id)).where(Report.organization_id.in_(ids))
    return bool(session.scalar(query))


def _file_scenario(session: Session, scenario: DemoReport, now: datetime) -> int:
    user = account_services.find_user(session, FILERS[scenario.company])
    assert user is not None, "load the demo users before the demo reports"
    caller = Caller(principal=user, channel="cli")
    aware_at = now - timedelta(days=scenario.aware_days_ago)
    classification = classification_for(scenario, aware_at)
    if scenario.draft:
        save_draft(session, caller, _content(scenario, scenario.facts))
        return 1
    report = file_report(session, caller, _content(scenario, classification))
    if scenario.withdrawn_because:
        withdraw(session, caller, report, reason=scenario.withdrawn_because)
    if scenario.amended is not None:
        reason, changed = scenario.amended
        amended = {**classification, **changed}
        amend(session, caller, report, _content(scenario, amended), reason=reason)
    for number, stage in enumerate(scenario.follow_ups, start=1):
        facts = _follow_up_facts(classification, stage, aware_at, number)
        content = _content(scenario, facts, suffix=f" ({stage.value} report)")
        report = file_follow_up(session, caller, report, content, stage=stage)
    return 1 + len(scenario.follow_ups)


def classification_for(scenario: DemoReport, aware_at: datetime) -> dict[str, Any]:
    """The initial classification of ``scenario``'s event, aware ``aware_at``."""
    occurred_on = (aware_at - timedelta(days=1)).date()
    return {
        **_COMMON,
        **_COMPANY[scenario.company],
        "occurred_on": occurred_on.isoformat(),
        "aware_at": _moment(aware_at),
        **scenario.facts,
    }


def _follow_up_facts(
    classification: Mapping[str, Any], stage: ReportStage, aware_at: datetime, number: int
) -> dict[str, Any]:
    if stage is ReportStage.INTERMEDIATE:
        return {**classification, "response_status": "contained", "confidence": "confirmed"}
    resolved_at = aware_at + timedelta(hours=6 * number)
    return {
        **classification,
        **_FINAL,
        "response_status": "resolved",
        "resolved_at": _moment(resolved_at),
    }


def _content(scenario: DemoReport, facts: Mapping[str, Any], suffix: str = "") -> ReportContent:
    return ReportContent(
        title=scenario.title + suffix,
        description=scenario.description,
        tlp=scenario.tlp.value,
        recipients=scenario.recipients,
        withhold_identity=scenario.withhold_identity,
        classification=dict(facts),
        references=(f"https://status.{scenario.company.split()[0].lower()}.example/incidents",),
    )


def _moment(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
