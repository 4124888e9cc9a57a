"""The analysts' registry API: incidents, candidates, the triage queue, triage decisions,
curation, merge, unmerge, split and unlink, through the test client with real tokens.

The world: one sepsis-alert event told by the deploying trust (AMBER) and the developer
(GREEN, auto-linked), and a different event of the same system (AMBER, a pending candidate
of the first incident). Analysts of the network institute may read all three.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from incidents.accounts.models import Organization, User
from incidents.api.openapi import openapi_document
from incidents.audit.models import AuditEvent
from incidents.dedup import Thresholds
from incidents.placement.services import drain
from incidents.registry import curation, queries
from incidents.registry.candidates import pending_candidates
from incidents.registry.models import DedupCandidate, Incident
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.functional.api.conftest import ApiClient, api_client, within_reach
from tests.functional.api.test_schemathesis import CHECKS as CONTRACT_CHECKS
from tests.registry_data import (
    CHATBOT,
    SEPSIS_DEPLOYER,
    SEPSIS_DEVELOPER,
    SEPSIS_FALSE_ALARMS,
)

V1 = "/api/v1"
MISSING_INCIDENT = "INC-1999-99999"
MISSING_REPORT = "RPT-1999-99999"


@dataclass
class Registry:
    """The filed reports (deployer, developer, false alarms) and their incidents."""

    deployer: Report
    developer: Report
    false_alarms: Report
    event: Incident  # the sepsis event: deployer + developer
    other: Incident  # the false alarms, a pending candidate of ``event``
    trust: User
    clarion: User

    def candidate(self, db: Session, report: Report) -> DedupCandidate:
        found = db.scalar(sa.select(DedupCandidate).where(DedupCandidate.report_id == report.id))
        assert found is not None
        return found


def _file(db: Session, user: User, content: ReportContent) -> Report:
    return file_report(db, Caller(user, "web"), content)


def _placed(db: Session, report: Report) -> Incident:
    db.commit()
    drain(db, Thresholds())
    incident = queries.primary_incident(db, report)
    assert incident is not None
    return incident


@pytest.fixture
def registry(db: Session, make_user, company: Organization) -> Registry:
    clarion_org = factories.OrganizationFactory(name="Clarion Health Analytics")
    trust = make_user(Role.REPORTER)
    clarion = make_user(Role.REPORTER, organization=clarion_org)
    deployer = _file(db, trust, SEPSIS_DEPLOYER)
    developer = _file(db, clarion, SEPSIS_DEVELOPER)
    false_alarms = _file(db, clarion, SEPSIS_FALSE_ALARMS)
    event = _placed(db, deployer)
    other = queries.primary_incident(db, false_alarms)
    assert other is not None
    assert queries.primary_incident(db, developer) is event
    assert other is not event
    return Registry(deployer, developer, false_alarms, event, other, trust, clarion)


@pytest.fixture
def analyst(make_user) -> User:
    user: User = make_user(Role.ANALYST)
    return user


@pytest.fixture
def an(app: Flask, db: Session, analyst: User) -> ApiClient:
    """The analyst's API client."""
    return api_client(app, analyst)


def _json(response: Any) -> Any:
    assert response.is_json, response.get_data(as_text=True)
    return response.get_json()


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _refs(rows: list[dict[str, Any]], key: str = "reference") -> list[str]:
    return [row[key] for row in rows]


# --- who may call ---------------------------------------------------------------------------

READS = [
    "/incidents",
    "/incidents/{incident}",
    "/reports/{reference}/candidates",
    "/triage",
    "/triage/reconsider",
    "/reports/{reference}/reconsiderations",
]
WRITES = [
    "/reports/{reference}/triage",
    "/reports/{reference}/reconsider",
    "/incidents/{incident}/curation",
    "/incidents/{incident}/merge",
    "/incidents/{incident}/unmerge",
    "/incidents/{incident}/split",
    "/incidents/{incident}/unlink",
]


def _url(path: str, registry: Registry) -> str:
    return V1 + path.format(
        incident=registry.event.reference, reference=registry.deployer.reference
    )


def _call(client: ApiClient, path: str, url: str) -> Any:
    return client.post(url, {}) if path in WRITES else client.get(url)


@pytest.mark.parametrize("path", READS + WRITES)
def test_anonymous_callers_get_401_and_other_roles_403(
    app: Flask,
    registry: Registry,
    make_user,
    path: str,
) -> None:
    url = _url(path, registry)

    anonymous = _call(api_client(app, None), path, url)

    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    for role in (Role.REPORTER, Role.ORG_ADMIN, Role.ADMIN):
        response = _call(api_client(app, make_user(role)), path, url)
        assert response.status_code == 403, (role, response.json)
        assert _json(response)["error"] == "Forbidden"


@pytest.mark.parametrize(
    "url",
    [
        f"{V1}/incidents/{MISSING_INCIDENT}",
        f"{V1}/incidents/inc-2026-00001",  # references are upper case
        f"{V1}/incidents/INC-2026-00001%00",
        f"{V1}/reports/{MISSING_REPORT}/candidates",
        f"{V1}/reports/draft-1/candidates",
    ],
)
def test_missing_objects_answer_404(an: ApiClient, registry: Registry, url: str) -> None:
    response = an.get(url)

    assert response.status_code == 404
    assert _json(response)["error"] == "Not Found"


def test_writes_refuse_bodies_that_are_not_json(an: ApiClient, registry: Registry) -> None:
    url = f"{V1}/incidents/{registry.event.reference}/merge"

    as_form = an.client.post(
        url, data={"into": "x"}, headers={"Authorization": f"Bearer {an.token}"}
    )
    broken = an.post(url, data="{", headers={"Content-Type": "application/json"})

    assert as_form.status_code == 415
    assert broken.status_code == 400


def test_put_patch_and_delete_are_not_allowed(an: ApiClient, registry: Registry) -> None:
    url = f"{V1}/incidents/{registry.event.reference}"
    for method in ("PUT", "PATCH", "DELETE"):
        response = an.client.open(url, method=method)
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


# --- reading an incident ------------------------------------------------------------------


def test_an_incident_shows_its_reports_and_curation_version(
    an: ApiClient, registry: Registry
) -> None:
    response = an.get(f"{V1}/incidents/{registry.event.reference}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = _json(response)
    assert set(body) == {
        "reference",
        "title",
        "status",
        "classification",
        "narrative",
        "distribution",
        "created_at",
        "updated_at",
        "version",
        "reports",
        "pending_candidates",
        "merged_from",
    }
    assert body["reference"] == registry.event.reference
    assert body["title"] == SEPSIS_DEPLOYER.title  # no curated title yet: the first report's
    assert (body["status"], body["version"]) == ("open", registry.event.lock_version)
    assert body["pending_candidates"] == 1  # the false alarms
    assert body["merged_from"] == []
    deployer, developer = body["reports"]
    assert set(deployer) == {
        "reference",
        "title",
        "stage",
        "tlp",
        "submitted_at",
        "origin",
        "reason",
        "linked_at",
    }
    assert (deployer["reference"], deployer["origin"]) == (registry.deployer.reference, "new")
    assert (developer["reference"], developer["origin"]) == (registry.developer.reference, "auto")
    assert (developer["tlp"], developer["stage"]) == ("green", "initial")


def _second_institute_analyst(app: Flask, make_user) -> ApiClient:
    second = factories.InstituteFactory(name="Second Institute")
    return api_client(app, make_user(Role.ANALYST, organization=second))


def _red(content: ReportContent, title: str) -> ReportContent:
    return replace(content, title=title, tlp="red", recipients=("Second Institute",))


def test_a_red_report_is_hidden_from_analysts_it_does_not_name(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    registry: Registry,
) -> None:
    second = _second_institute_analyst(app, make_user)
    # The same event again, as RED for the second institute only: auto-linked to the event.
    red = _file(db, registry.trust, _red(SEPSIS_DEPLOYER, "Board paper on the sepsis alerts"))
    assert _placed(db, red) is registry.event
    url = f"{V1}/incidents/{registry.event.reference}"

    mine = _json(an.get(url))
    theirs = _json(second.get(url))

    assert _refs(mine["reports"]) == [registry.deployer.reference, registry.developer.reference]
    assert red.reference in _refs(theirs["reports"])
    assert an.get(f"{V1}/reports/{red.reference}/candidates").status_code == 404
    decision = {"decision": "new_incident"}
    assert an.post(f"{V1}/reports/{red.reference}/triage", decision).status_code == 404
    split = an.post(f"{url}/split", {"reports": [red.reference], "reason": "x"})
    assert split.status_code == 404
    assert _json(split)["details"] == {
        "reports[0]": [
            f"{red.reference} is not a report of {registry.event.reference} that you may see."
        ]
    }
    assert second.get(f"{V1}/reports/{red.reference}/candidates").status_code == 200


def test_candidates_and_incidents_built_from_a_hidden_report_stay_hidden(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    company: Organization,
) -> None:
    second = _second_institute_analyst(app, make_user)
    trust = make_user(Role.REPORTER)
    clarion = make_user(Role.REPORTER, organization=factories.OrganizationFactory(name="Clarion"))
    # The sepsis event, both reports RED for the second institute.
    red = _file(db, trust, _red(SEPSIS_DEPLOYER, SEPSIS_DEPLOYER.title))
    _file(db, clarion, _red(SEPSIS_DEVELOPER, SEPSIS_DEVELOPER.title))
    hidden = _placed(db, red)
    # An AMBER report of another event, compared with the RED ones: a pending candidate.
    amber = _file(db, clarion, SEPSIS_FALSE_ALARMS)
    _placed(db, amber)
    [pending] = pending_candidates(db, amber)
    assert (pending.incident, pending.evidence_report) == (hidden, red)

    assert an.get(f"{V1}/incidents/{hidden.reference}").status_code == 404
    assert _json(an.get(f"{V1}/reports/{amber.reference}/candidates"))["candidates"] == []
    assert _json(an.get(f"{V1}/triage"))["total"] == 0
    listed = _refs(_json(an.get(f"{V1}/incidents"))["incidents"])
    assert hidden.reference not in listed
    not_visible = an.post(
        f"{V1}/reports/{amber.reference}/triage",
        {"decision": "confirm", "incident": hidden.reference},
    )
    assert not_visible.status_code == 404
    # The named institute's analyst sees all of it.
    assert second.get(f"{V1}/incidents/{hidden.reference}").status_code == 200
    [candidate] = _json(second.get(f"{V1}/reports/{amber.reference}/candidates"))["candidates"]
    assert (candidate["incident"], candidate["evidence_report"]) == (
        hidden.reference,
        red.reference,
    )
    assert _json(second.get(f"{V1}/triage"))["total"] == 1


def test_a_merged_incident_redirects_to_the_incident_that_absorbed_it(
    an: ApiClient, registry: Registry
) -> None:
    merged = an.post(
        f"{V1}/incidents/{registry.other.reference}/merge",
        {"into": registry.event.reference, "reason": "the same ward, the same week"},
    )
    assert merged.status_code == 200, merged.json

    response = an.get(f"{V1}/incidents/{registry.other.reference}")

    assert response.status_code == 301
    assert response.headers["Location"] == f"{V1}/incidents/{registry.event.reference}"
    assert _json(response) == {
        "error": f"{registry.other.reference} was merged into {registry.event.reference}.",
        "merged_into": registry.event.reference,
    }
    target = _json(an.get(response.headers["Location"]))
    assert target["merged_from"] == [registry.other.reference]
    assert registry.false_alarms.reference in _refs(target["reports"])


# --- the incident list ----------------------------------------------------------------------


def test_the_list_pages_through_visible_incidents_and_searches_them(
    an: ApiClient, registry: Registry
) -> None:
    first = _json(an.get(f"{V1}/incidents?per_page=1"))
    second = _json(an.get(first["links"]["next"]))

    assert (first["total"], first["pages"], first["page"]) == (2, 2, 1)
    newest_first = [registry.other.reference, registry.event.reference]
    assert _refs(first["incidents"] + second["incidents"]) == newest_first
    assert first["incidents"][0] == {
        "reference": registry.other.reference,
        "title": SEPSIS_FALSE_ALARMS.title,
        "status": "open",
        "reports": 1,
        "updated_at": first["incidents"][0]["updated_at"],
    }
    assert second["links"]["next"] is None
    assert first["links"]["prev"] is None
    found = _json(an.get(f"{V1}/incidents?q=EPR upgrade"))
    assert _refs(found["incidents"]) == [registry.event.reference]
    by_reference = _json(an.get(f"{V1}/incidents?q={registry.other.reference.lower()}"))
    assert _refs(by_reference["incidents"]) == [registry.other.reference]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=0", "per_page"),
        ("page=x", "page"),
        ("sort=title", "sort"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_the_list_refuses_bad_parameters(
    an: ApiClient, registry: Registry, query: str, field: str
) -> None:
    response = an.get(f"{V1}/incidents?{query}")

    assert response.status_code == 422
    assert field in _json(response)["details"]


# --- candidates and the triage queue ---------------------------------------------------------


def test_a_reports_candidates_explain_themselves_and_the_read_is_audited(
    db: Session, an: ApiClient, analyst: User, registry: Registry
) -> None:
    response = an.get(f"{V1}/reports/{registry.false_alarms.reference}/candidates")

    assert response.status_code == 200
    body = _json(response)
    assert body["report"]["reference"] == registry.false_alarms.reference
    assert body["incidents"] == [
        {
            "reference": registry.other.reference,
            "title": SEPSIS_FALSE_ALARMS.title,
            "status": "open",
        }
    ]
    [candidate] = body["candidates"]
    assert set(candidate) == {
        "incident",
        "incident_title",
        "rank",
        "score",
        "decision",
        "reason",
        "decided_at",
        "evidence_report",
        "signals",
    }
    assert candidate["incident"] == registry.event.reference
    assert candidate["incident_title"] == SEPSIS_DEPLOYER.title
    assert (candidate["rank"], candidate["decision"], candidate["decided_at"]) == (
        1,
        "pending",
        None,
    )
    assert candidate["evidence_report"] == registry.deployer.reference
    assert 0.3 <= candidate["score"] < 0.85
    stored = registry.candidate(db, registry.false_alarms).signals
    assert candidate["signals"] == [
        {key: signal[key] for key in ("name", "value", "agrees", "explanation")}
        for signal in stored
    ]
    [read] = _events(db, "report.read")
    assert (read.subject_ref, read.actor_user_id, read.channel) == (
        registry.false_alarms.reference,
        analyst.id,
        "api",
    )


def test_the_candidates_route_lives_beside_the_reports_api(
    app: Flask, an: ApiClient, registry: Registry
) -> None:
    reporter = api_client(app, registry.clarion)
    reference = registry.false_alarms.reference

    own = reporter.get(f"{V1}/reports/{reference}")
    candidates = an.get(f"{V1}/reports/{reference}/candidates")
    forbidden = reporter.get(f"{V1}/reports/{reference}/candidates")

    assert own.status_code == 200
    assert _json(own)["reference"] == reference
    assert candidates.status_code == 200
    assert forbidden.status_code == 403


def test_the_triage_queue_lists_pending_candidates_with_their_reports(
    an: ApiClient, registry: Registry
) -> None:
    response = an.get(f"{V1}/triage?per_page=10")

    assert response.status_code == 200
    body = _json(response)
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (1, 1, 10, 1)
    [item] = body["candidates"]
    assert item["report"] == {
        "reference": registry.false_alarms.reference,
        "title": SEPSIS_FALSE_ALARMS.title,
        "stage": "initial",
        "tlp": "amber",
        "submitted_at": item["report"]["submitted_at"],
    }
    assert (item["incident"], item["decision"], item["severity"]) == (
        registry.event.reference,
        "pending",
        2,  # an AI incident
    )
    assert item["signals"]
    assert an.get(f"{V1}/triage?per_page=101").status_code == 422


# --- triage decisions -----------------------------------------------------------------------


def _triage(an: ApiClient, report: Report, **body: Any) -> Any:
    return an.post(f"{V1}/reports/{report.reference}/triage", body)


def test_confirming_a_candidate_moves_the_report_and_a_second_decision_conflicts(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    response = _triage(
        an, registry.false_alarms, decision="confirm", incident=registry.event.reference
    )

    assert response.status_code == 200, response.json
    body = _json(response)
    assert _refs(body["incidents"]) == [registry.event.reference]
    [candidate] = body["candidates"]
    assert candidate["decision"] == "confirmed"
    assert candidate["decided_at"] is not None
    assert _events(db, "candidate.confirmed")
    again = _triage(an, registry.false_alarms, decision="reject", incident=registry.event.reference)
    assert again.status_code == 409
    assert "already decided" in _json(again)["details"]


def test_rejecting_a_candidate_keeps_the_report_where_it_is(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    response = _triage(
        an,
        registry.false_alarms,
        decision="reject",
        incident=registry.event.reference,
        reason="another hospital",
    )

    assert response.status_code == 200, response.json
    body = _json(response)
    assert _refs(body["incidents"]) == [registry.other.reference]
    assert (body["candidates"][0]["decision"], body["candidates"][0]["reason"]) == (
        "rejected",
        "another hospital",
    )
    [event] = _events(db, "candidate.rejected")
    assert event.details["reason"] == "another hospital"


def test_rejecting_an_automatic_link_needs_a_reason_and_moves_the_report_out(
    an: ApiClient, registry: Registry
) -> None:
    without = _triage(an, registry.developer, decision="reject", incident=registry.event.reference)
    assert without.status_code == 422
    assert list(_json(without)["details"]) == ["reason"]

    response = _triage(
        an,
        registry.developer,
        decision="reject",
        incident=registry.event.reference,
        reason="a different deployment",
    )

    assert response.status_code == 200, response.json
    [incident] = _json(response)["incidents"]
    assert incident["reference"] not in (registry.event.reference, registry.other.reference)


def test_linking_elsewhere_and_opening_a_new_incident(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    linked = _triage(an, registry.false_alarms, decision="link", incident=registry.event.reference)
    assert linked.status_code == 200, linked.json
    assert _refs(_json(linked)["incidents"]) == [registry.event.reference]

    separate = _triage(an, registry.false_alarms, decision="new_incident", reason="not the same")

    assert separate.status_code == 200, separate.json
    [incident] = _json(separate)["incidents"]
    assert incident["reference"] != registry.event.reference
    assert incident["title"] == SEPSIS_FALSE_ALARMS.title
    assert _events(db, "incident.split")


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {"decision": ["Missing data for required field."]}),
        (
            {"decision": "maybe"},
            {"decision": ["Must be one of: confirm, reject, link, new_incident."]},
        ),
        ({"decision": "confirm"}, {"incident": ["Name the incident to confirm."]}),
        (
            {"decision": "new_incident", "incident": "INC-2026-00001"},
            {"incident": ["Leave the incident out to open a new incident."]},
        ),
        (
            {"decision": "link", "incident": "42"},
            {"incident": ["Give an incident reference (INC-…)."]},
        ),
        (
            {"decision": "confirm", "note": "x"},
            {
                "incident": ["Name the incident to confirm."],
                "note": ["Unknown field; accepted: decision, incident, reason."],
            },
        ),
        ({"decision": "new_incident", "reason": 7}, {"reason": ["Not a valid string."]}),
    ],
)
def test_a_bad_triage_decision_is_refused_with_field_paths(
    an: ApiClient, registry: Registry, body: dict[str, Any], details: dict[str, list[str]]
) -> None:
    response = an.post(f"{V1}/reports/{registry.false_alarms.reference}/triage", body)

    assert response.status_code == 422
    assert _json(response) == {"error": "Unprocessable Entity", "details": details}


def test_deciding_on_an_incident_that_is_no_candidate_is_refused(
    an: ApiClient, registry: Registry
) -> None:
    not_a_candidate = _triage(
        an, registry.false_alarms, decision="confirm", incident=registry.other.reference
    )
    missing_target = _triage(an, registry.false_alarms, decision="link", incident=MISSING_INCIDENT)

    assert not_a_candidate.status_code == 404
    assert _json(not_a_candidate)["details"] == {
        "incident": [
            f"{registry.other.reference} is not a candidate for "
            f"{registry.false_alarms.reference} that you may see."
        ]
    }
    assert missing_target.status_code == 404
    assert _json(missing_target)["details"] == {
        "incident": [f"There is no incident {MISSING_INCIDENT} that you may see."]
    }


def test_a_retried_decision_with_the_same_key_is_answered_once(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    body = {"decision": "confirm", "incident": registry.event.reference}
    url = f"{V1}/reports/{registry.false_alarms.reference}/triage"

    first = an.post(url, body, key="decision-1")
    second = an.post(url, body, key="decision-1")

    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json == first.json
    assert len(_events(db, "candidate.confirmed")) == 1


# --- curation -------------------------------------------------------------------------------


def _curate(an: ApiClient, incident: Incident, **body: Any) -> Any:
    return an.post(f"{V1}/incidents/{incident.reference}/curation", body)


def test_curating_an_incident_sets_title_status_and_classification(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    version = _json(an.get(f"{V1}/incidents/{registry.event.reference}"))["version"]

    response = _curate(
        an,
        registry.event,
        version=version,
        title="Sepsis alerts silenced by an EPR upgrade at Northmoor",
        status="confirmed",
        classification={"sector": "health", "harm_type": ["physical_death"]},
    )

    assert response.status_code == 200, response.json
    body = _json(response)
    assert body["title"] == "Sepsis alerts silenced by an EPR upgrade at Northmoor"
    assert (body["status"], body["version"]) == ("confirmed", version + 1)
    assert body["classification"] == {"sector": "health", "harm_type": ["physical_death"]}
    [event] = _events(db, "incident.curate")
    assert event.details["after"]["status"] == "confirmed"
    # An omitted field keeps its value.
    kept = _curate(an, registry.event, version=version + 1, status="closed")
    assert kept.status_code == 200, kept.json
    assert _json(kept)["title"] == body["title"]
    assert _json(kept)["classification"] == body["classification"]


def test_a_stale_version_is_refused_and_nothing_is_saved(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    version = registry.event.lock_version
    assert _curate(an, registry.event, version=version, title="First analyst").status_code == 200

    late = _curate(an, registry.event, version=version, title="Second analyst")

    assert late.status_code == 409
    assert "not saved" in _json(late)["details"]
    current = _json(an.get(f"{V1}/incidents/{registry.event.reference}"))
    assert current["title"] == "First analyst"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "version"),
        ({"version": True}, "version"),
        ({"version": "1"}, "version"),
        ({"version": 1, "status": "merged"}, "status"),
        ({"version": 1, "title": "x" * 301}, "title"),
        ({"version": 1, "classification": []}, "classification"),
        ({"version": 1, "owner": "me"}, "owner"),
    ],
)
def test_bad_curation_fields_are_refused_by_the_schema(
    an: ApiClient, registry: Registry, body: dict[str, Any], field: str
) -> None:
    response = an.post(f"{V1}/incidents/{registry.event.reference}/curation", body)

    assert response.status_code == 422
    assert field in _json(response)["details"]


def test_a_bad_classification_is_refused_with_its_paths(an: ApiClient, registry: Registry) -> None:
    response = _curate(
        an,
        registry.event,
        version=registry.event.lock_version,
        classification={"sector": "nonsense", "ai_system": {"name": 3}},
    )

    assert response.status_code == 422
    details = _json(response)["details"]
    assert set(details) == {"classification.sector", "classification.ai_system.name"}
    assert "is not a choice" in details["classification.sector"][0]


# --- merge, unmerge, split, unlink ------------------------------------------------------------


def test_merge_and_unmerge_through_the_tombstones_url(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    url = f"{V1}/incidents/{registry.other.reference}"
    merged = an.post(f"{url}/merge", {"into": registry.event.reference, "reason": "same event"})

    assert merged.status_code == 200, merged.json
    target = _json(merged)
    assert target["reference"] == registry.event.reference
    assert registry.false_alarms.reference in _refs(target["reports"])
    assert _events(db, "incident.merge")
    again = an.post(f"{url}/merge", {"into": registry.event.reference, "reason": "again"})
    assert again.status_code == 409
    assert "was merged into" in _json(again)["details"]

    restored = an.post(f"{url}/unmerge", {"reason": "different hospitals after all"})

    assert restored.status_code == 200, restored.json
    body = _json(restored)
    assert (body["reference"], body["status"]) == (registry.other.reference, "open")
    assert _refs(body["reports"]) == [registry.false_alarms.reference]
    assert _events(db, "incident.unmerge")
    assert an.get(url).status_code == 200
    not_merged = an.post(f"{url}/unmerge", {"reason": "once more"})
    assert not_merged.status_code == 409


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {},
            {
                "into": ["Missing data for required field."],
                "reason": ["Missing data for required field."],
            },
        ),
        (
            {"into": "INC-2026-00001", "reason": ""},
            {"reason": ["Length must be between 1 and 2000."]},
        ),
        (
            {"into": MISSING_INCIDENT, "reason": "x"},
            {"into": [f"There is no incident {MISSING_INCIDENT} that you may see."]},
        ),
    ],
)
def test_a_bad_merge_is_refused(
    an: ApiClient, registry: Registry, body: dict[str, Any], details: dict[str, list[str]]
) -> None:
    response = an.post(f"{V1}/incidents/{registry.other.reference}/merge", body)

    # An incident the analyst may not see is not found, like a missing one; the rest is 422.
    assert response.status_code == (404 if body.get("into") == MISSING_INCIDENT else 422)
    assert _json(response)["details"] == details


def test_an_incident_cannot_be_merged_into_itself(an: ApiClient, registry: Registry) -> None:
    reference = registry.event.reference
    response = an.post(f"{V1}/incidents/{reference}/merge", {"into": reference, "reason": "x"})

    assert response.status_code == 422
    assert _json(response)["details"] == {"into": ["An incident cannot be merged into itself."]}


def test_splitting_moves_reports_to_a_new_incident(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    response = an.post(
        f"{V1}/incidents/{registry.event.reference}/split",
        {"reports": [registry.developer.reference], "reason": "another event", "title": "Lab"},
    )

    assert response.status_code == 201, response.json
    body = _json(response)
    assert response.headers["Location"] == f"{V1}/incidents/{body['reference']}"
    assert (body["title"], _refs(body["reports"])) == ("Lab", [registry.developer.reference])
    assert body["reports"][0]["origin"] == "split"
    assert _events(db, "incident.split")
    left = _json(an.get(f"{V1}/incidents/{registry.event.reference}"))
    assert _refs(left["reports"]) == [registry.deployer.reference]


@pytest.mark.parametrize(
    ("reports", "details"),
    [
        (
            ["RPT-2026-00003"],
            {"reports[0]": ["RPT-2026-00003 is not a report of {event} that you may see."]},
        ),
        (
            ["RPT-2026-00001", "RPT-2026-00002"],
            {"reports": ["Leave at least one report in the incident."]},
        ),
        ([], {"reports": ["Length must be between 1 and 500."]}),
        (["nope"], {"reports[0]": ["Give a report reference."]}),
    ],
)
def test_a_bad_split_is_refused(
    an: ApiClient, registry: Registry, reports: list[str], details: dict[str, list[str]]
) -> None:
    assert registry.false_alarms.reference == "RPT-2026-00003"
    event = registry.event.reference
    response = an.post(f"{V1}/incidents/{event}/split", {"reports": reports, "reason": "x"})

    # A report the analyst may not see in the incident is not found; the rest is 422.
    assert response.status_code == (404 if reports == ["RPT-2026-00003"] else 422)
    expected = {path: [m.format(event=event) for m in ms] for path, ms in details.items()}
    assert _json(response)["details"] == expected


def test_unlinking_a_report_gives_it_an_incident_of_its_own(
    db: Session, an: ApiClient, registry: Registry
) -> None:
    url = f"{V1}/incidents/{registry.event.reference}/unlink"
    refused = an.post(url, {"report": registry.false_alarms.reference, "reason": "x"})
    assert refused.status_code == 404
    assert list(_json(refused)["details"]) == ["report"]

    response = an.post(url, {"report": registry.developer.reference, "reason": "not this one"})

    assert response.status_code == 200, response.json
    [incident] = _json(response)["incidents"]
    assert incident["reference"] not in (registry.event.reference, registry.other.reference)
    assert _events(db, "incident.unlink")


def test_tombstones_cannot_be_split_unlinked_or_curated(an: ApiClient, registry: Registry) -> None:
    other = f"{V1}/incidents/{registry.other.reference}"
    merged = an.post(f"{other}/merge", {"into": registry.event.reference, "reason": "same"})
    assert merged.status_code == 200

    for action, body in (
        ("split", {"reports": [registry.false_alarms.reference], "reason": "x"}),
        ("unlink", {"report": registry.false_alarms.reference, "reason": "x"}),
        ("curation", {"version": registry.other.lock_version, "title": "x"}),
    ):
        response = an.post(f"{other}/{action}", body)
        assert response.status_code == 409, (action, response.json)
        assert f"merged into {registry.event.reference}" in _json(response)["details"]


# --- the contract, as an analyst --------------------------------------------------------------

REGISTRY_OPERATIONS = [
    (path, method.upper())
    for path, item in openapi_document()["paths"].items()
    for method in item
    if method != "parameters"
    and (
        path.startswith(("/api/v1/incidents", "/api/v1/triage"))
        or path.endswith(("/candidates", "/triage"))
    )
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), REGISTRY_OPERATIONS)
def test_the_registry_api_keeps_its_contract_for_analysts(
    app: Flask, an: ApiClient, registry: Registry, path: str, method: str, mode: GenerationMode
) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {an.token}"}
    # Valid cases aim at real objects, so bodies are checked against them too.
    real = {"incident": registry.event.reference, "reference": registry.false_alarms.reference}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=20, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def keeps_contract(case: schemathesis.Case[Any]) -> None:
        assume(mode is GenerationMode.NEGATIVE or within_reach(case.query))
        if mode is GenerationMode.POSITIVE and case.path_parameters:
            case.path_parameters.update(
                {k: v for k, v in real.items() if k in case.path_parameters}
            )
        case.call_and_validate(headers=headers, checks=CONTRACT_CHECKS)

    keeps_contract()


def test_a_candidate_of_an_incident_left_with_hidden_reports_is_named_by_reference_only(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    registry: Registry,
) -> None:
    _second_institute_analyst(app, make_user)
    red = _file(db, registry.trust, _red(SEPSIS_DEPLOYER, "Board paper on the sepsis alerts"))
    assert _placed(db, red) is registry.event
    url = f"{V1}/incidents/{registry.event.reference}/unlink"
    for report in (registry.developer, registry.deployer):
        response = an.post(url, {"report": report.reference, "reason": "not this event"})
        assert response.status_code == 200, response.json

    body = _json(an.get(f"{V1}/reports/{registry.false_alarms.reference}/candidates"))

    [candidate] = body["candidates"]
    assert (candidate["incident"], candidate["incident_title"]) == (registry.event.reference, None)
    assert an.get(f"{V1}/incidents/{registry.event.reference}").status_code == 404


def test_an_analyst_who_saw_none_of_a_merged_incidents_reports_cannot_undo_the_merge(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    registry: Registry,
) -> None:
    second = _second_institute_analyst(app, make_user)
    red = _file(db, registry.clarion, _red(SEPSIS_FALSE_ALARMS, "Alarm storm, board paper"))
    hidden = _placed(db, red)
    assert hidden is registry.other  # the same event as the AMBER false alarms
    moved = _json(
        second.post(
            f"{V1}/incidents/{registry.other.reference}/split",
            {"reports": [red.reference], "reason": "keep the board paper apart"},
        )
    )
    merged = second.post(
        f"{V1}/incidents/{moved['reference']}/merge",
        {"into": registry.other.reference, "reason": "the same storm after all"},
    )
    assert merged.status_code == 200, merged.json

    restored = an.post(f"{V1}/incidents/{moved['reference']}/unmerge", {"reason": "undo"})

    assert restored.status_code == 404, restored.json
    assert an.get(f"{V1}/incidents/{moved['reference']}").status_code == 404
    assert second.get(f"{V1}/incidents/{moved['reference']}").status_code == 301


def test_a_change_that_loses_a_race_answers_409_and_saves_nothing(
    monkeypatch: pytest.MonkeyPatch, an: ApiClient, registry: Registry
) -> None:
    def lost(*_: Any, **__: Any) -> None:
        raise StaleDataError("UPDATE statement on table 'incidents' expected to update 1 row")

    monkeypatch.setattr(curation, "curate", lost)
    response = _curate(an, registry.event, version=registry.event.lock_version, title="x")

    assert response.status_code == 409
    assert "nothing was saved" in _json(response)["details"]


def test_the_incident_page_is_empty_for_principals_without_incident_read(
    db: Session, registry: Registry
) -> None:
    assert queries.incident_page(db, registry.trust, "", page=1, per_page=10) == ([], 0)


# --- what analysts write carries a distribution (the probe's finding 1) ------------------------


def test_a_curation_drawn_from_a_red_report_stays_with_its_recipients(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    registry: Registry,
) -> None:
    """An AMBER report's incident also holds a RED report addressed to the second institute;
    that institute's editor curates the title from it. The first institute's analyst reads
    the incident, searches it, lists it and sees it as a candidate: never that title."""
    second_institute = factories.InstituteFactory(name="Second Institute")
    editor = api_client(app, make_user(Role.EDITOR, organization=second_institute))
    red = _file(db, registry.trust, _red(SEPSIS_DEPLOYER, "Board paper on the sepsis alerts"))
    assert _placed(db, red) is registry.event
    secret = "Zebra-7 ward cover-up, per the board paper"
    curated = _curate(editor, registry.event, version=registry.event.lock_version, title=secret)
    assert curated.status_code == 200, curated.json
    assert _json(curated)["title"] == secret
    assert _json(curated)["distribution"] == {"tlp": "red", "recipients": ["Second Institute"]}

    seen = _json(an.get(f"{V1}/incidents/{registry.event.reference}"))
    assert seen["title"] == registry.deployer.title
    assert seen["distribution"] is None
    listed = _json(an.get(f"{V1}/incidents"))["incidents"]
    assert secret not in str(listed)
    assert _json(an.get(f"{V1}/incidents", query_string={"q": "Zebra"}))["total"] == 0
    placement = _json(an.get(f"{V1}/reports/{registry.false_alarms.reference}/candidates"))
    assert secret not in str(placement)
    assert _json(editor.get(f"{V1}/incidents", query_string={"q": "Zebra"}))["total"] == 1

    # The first institute writes its own curation, which it then sees; the second keeps its own.
    mine = _curate(an, registry.event, version=_json(curated)["version"], title="Our title")
    assert mine.status_code == 200, mine.json
    assert _json(an.get(f"{V1}/incidents/{registry.event.reference}"))["title"] == "Our title"
    assert _json(editor.get(f"{V1}/incidents/{registry.event.reference}"))["title"] == secret


def test_how_a_report_was_linked_is_hidden_when_it_derives_from_a_hidden_report(
    app: Flask,
    db: Session,
    make_user,
    an: ApiClient,
    registry: Registry,
) -> None:
    """A RED report opens an incident and an AMBER one is linked to it automatically: a
    non-recipient sees the AMBER report, but neither that it was linked "auto (99%)" nor that
    the incident was opened before it (which would reveal a hidden near-duplicate)."""
    second = _second_institute_analyst(app, make_user)
    red = _file(db, registry.clarion, _red(CHATBOT, CHATBOT.title))
    incident = _placed(db, red)
    amber = _file(db, registry.trust, replace(CHATBOT, tlp="amber"))
    assert _placed(db, amber) is incident
    body = _json(an.get(f"{V1}/incidents/{incident.reference}"))
    [shown] = body["reports"]
    assert (shown["reference"], shown["origin"], shown["reason"]) == (amber.reference, None, None)
    assert body["created_at"] == shown["linked_at"]
    theirs = _json(second.get(f"{V1}/incidents/{incident.reference}"))
    assert {row["origin"] for row in theirs["reports"]} == {"new", "auto"}
