"""Reports of two events for registry tests: three voices on one sepsis-alert failure, and a
different event of the same system in the same month (a hard negative)."""

from __future__ import annotations

from typing import Any

from incidents.reports.content import ReportContent
from tests.reports_data import INITIAL, MINIMAL_INITIAL


def _classification(**changes: Any) -> dict[str, Any]:
    return {
        **INITIAL,
        "occurred_on": "2025-09-12",
        "aware_at": "2025-09-19T09:00:00Z",
        "countries": ["GB"],
        "ai_system": {"name": "SepsiGuard", "developer": "Clarion Health Analytics"},
        **changes,
    }


SEPSIS_DEPLOYER = ReportContent(
    title="Serious incident: sepsis early-warning alerts not generated after EPR upgrade",
    description=(
        "Northmoor NHS Foundation Trust. Serious incident declared 19/09/2025. After the "
        "electronic patient record upgrade on 08/09/2025 the SepsiGuard early-warning tool "
        "stopped generating alerts for a subset of adult inpatients because blood lactate "
        "results were no longer mapped into the model. Alert volume fell by 61%, unnoticed "
        "because the dashboard showed running. One patient admitted 10/09 with a urinary "
        "infection deteriorated on Ward 22 and died on 12/09 of septic shock. Tool suspended "
        "19/09; manual screening reinstated."
    ),
    tlp="amber",
    classification=_classification(),
    references=("https://www.northmoor.example/news/sepsis-alerts?utm_source=feed",),
)

SEPSIS_DEVELOPER = ReportContent(
    title="Silent model degradation after customer EPR upgrade changed lactate coding",
    description=(
        "Clarion Health Analytics was informed on 18 September 2025 that SepsiGuard alert "
        "volumes at one NHS customer had fallen sharply since 8 September. The customer's EPR "
        "upgrade changed the code used for point-of-care lactate results. Our interface treated "
        "the unknown code as not measured and the model imputed a normal value, lowering risk "
        "scores for patients whose deterioration was driven mainly by lactate. A patient on "
        "Ward 22 died of septic shock. Corrective actions: the interface now alerts on any "
        "unmapped laboratory code; an input-drift monitor compares weekly feature distributions."
    ),
    tlp="green",
    classification=_classification(
        occurred_on="2025-09-08",
        ai_system={"name": "SepsiGuard", "version": "3.2.4", "developer": "Clarion Health"},
        submitter_relation="developer",
    ),
    references=("http://northmoor.example/news/sepsis-alerts/",),
)

SEPSIS_FAMILY = ReportContent(
    title="My father died of sepsis while the hospital's alert system was not working",
    description=(
        "My father was 67 and went into Northmoor General on 10 September with a urine "
        "infection. He was put on Ward 22. By the Thursday he was confused and breathing fast, "
        "and he died of septic shock on 12 September. The trust later told us the SepsiGuard "
        "sepsis alert had stopped working after a computer upgrade because lactate results "
        "were not reaching it, so no alarm was raised for nine hours."
    ),
    tlp="clear",
    classification=_classification(submitter_relation="affected_party"),
)

# Same system, same hospital group, same month: a different event (a false alarm storm).
SEPSIS_FALSE_ALARMS = ReportContent(
    title="SepsiGuard alert storm in paediatric unit after threshold misconfiguration",
    description=(
        "At Westbury Children's Hospital the SepsiGuard tool raised hundreds of false sepsis "
        "alerts over a weekend after an adult threshold profile was applied to the paediatric "
        "ward. Nurses reported alarm fatigue; two children had unnecessary blood cultures and "
        "antibiotics. No deaths. The paediatric profile was restored on Monday."
    ),
    tlp="amber",
    classification=_classification(
        occurred_on="2025-09-20",
        harm_type=["physical_injury"],
        event_class="ai_incident",
        harm_deaths=0,
    ),
)

# A different event altogether: it opens an incident of its own.
CHATBOT = ReportContent(
    title="Banking chatbot told customers their accounts were closed",
    description=(
        "For two hours a retail bank's support chatbot answered balance questions by telling "
        "customers that their accounts had been closed for fraud. Several customers were "
        "distressed; the vendor rolled back a prompt change."
    ),
    tlp="green",
    classification={**MINIMAL_INITIAL, "countries": ["FR"], "sector": "finance"},
)
