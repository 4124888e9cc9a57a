"""The analyst's JSON shapes of the registry: incidents, candidates, the triage queue, and the
bodies of triage and curation requests.

Explicit field lists only: what is dumped is built by the API from what the analyst may see
(an :class:`~incidents.registry.queries.IncidentView`, visible candidates), never a whole
model. Request bodies refuse unknown fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from incidents.registry.access import INCIDENT_PATTERN
from incidents.registry.checks import MAX_REASON, MAX_TITLE
from incidents.registry.curation import MAX_NARRATIVE
from incidents.registry.models import DedupCandidate, Incident, IncidentLink, IncidentStatus
from incidents.registry.queries import IncidentView
from incidents.registry.triage import TriageDecision
from incidents.reports.access import REFERENCE_PATTERN as REPORT_PATTERN
from incidents.reports.models import Report
from incidents.reports.schemas import DistributionSchema
from incidents.schemas import PageQuerySchema, PageSchema, Strict, WholeNumber

# --- what the API builds from what the caller may see --------------------------------------


@dataclass(frozen=True)
class LinkedReport:
    """A visible report of an incident, with the link that put it there; how it came to be
    linked (origin, score, reason) only when the caller may read what that derives from."""

    report: Report
    link: IncidentLink
    shows_provenance: bool

    @property
    def origin(self) -> str | None:
        return self.link.origin.value if self.shows_provenance else None

    @property
    def reason(self) -> str | None:
        return self.link.reason if self.shows_provenance else None


@dataclass(frozen=True)
class AnalystIncident:
    """An incident as one analyst sees it."""

    view: IncidentView
    reports: list[LinkedReport]
    pending_candidates: int
    merged_from: list[str]

    @property
    def incident(self) -> Incident:
        return self.view.incident

    @property
    def title(self) -> str:
        return self.view.title

    @property
    def opened_at(self) -> datetime:
        """When the first report the caller may read joined it (never earlier: an incident
        opened by a hidden report does not say so)."""
        return min(
            (each.link.created_at for each in self.reports), default=self.incident.created_at
        )

    @property
    def updated_at(self) -> datetime:
        """When what the caller may see of it last changed (its reports, the curation it
        sees): changes the caller may not see do not move it."""
        times = [each.link.created_at for each in self.reports]
        if self.view.curation is not None:
            times.append(self.view.curation.updated_at)
        return max(times, default=self.incident.created_at)

    @property
    def distribution(self) -> dict[str, Any] | None:
        curation = self.view.curation
        if curation is None:
            return None
        audience = curation.audience
        return {"tlp": audience.tlp.value, "recipients": [o.name for o in audience.recipients]}


@dataclass(frozen=True)
class SeenIncident:
    """An incident named by its title as the caller sees it (None: none of its reports is
    visible to the caller)."""

    incident: Incident
    title: str | None


@dataclass(frozen=True)
class SeenCandidate:
    """A candidate the caller may see, with its incident's title as the caller sees it."""

    candidate: DedupCandidate
    incident_title: str | None


@dataclass(frozen=True)
class Placement:
    """Where a report stands: its incidents and its visible candidates."""

    report: Report
    incidents: list[SeenIncident]
    candidates: list[SeenCandidate]


# --- responses -----------------------------------------------------------------------------


class ReportBriefSchema(Schema):
    """A report, as far as the registry shows it."""

    reference = fields.String()
    title = fields.String()
    stage = fields.String()
    tlp = fields.String()
    submitted_at = fields.DateTime(allow_none=True)


class LinkedReportSchema(Schema):
    """A visible report of the incident and how it came to be linked."""

    reference = fields.String(attribute="report.reference")
    title = fields.String(attribute="report.title")
    stage = fields.String(attribute="report.stage")
    tlp = fields.String(attribute="report.tlp")
    submitted_at = fields.DateTime(attribute="report.submitted_at", allow_none=True)
    origin = fields.String(
        allow_none=True,
        metadata={
            "description": "new, auto, series, analyst, merge or split; null when it derives "
            "from a report you may not read."
        },
    )
    reason = fields.String(allow_none=True)
    linked_at = fields.DateTime(attribute="link.created_at")


class IncidentSchema(Schema):
    """An incident as the analyst sees it: only the reports the analyst may read."""

    reference = fields.String(attribute="incident.reference")
    title = fields.String(
        metadata={
            "description": "Your institute's curated title, else one you may read, else the "
            "first visible report's title."
        }
    )
    status = fields.String(attribute="incident.status")
    classification = fields.Dict(attribute="view.classification")
    narrative = fields.String(attribute="view.narrative")
    distribution = fields.Dict(
        allow_none=True,
        metadata={"description": "Who may read the curation shown (null: none is shown)."},
    )
    created_at = fields.DateTime(
        attribute="opened_at",
        metadata={"description": "When the first report you may read joined it."},
    )
    updated_at = fields.DateTime(
        metadata={"description": "When what you may see of it last changed."}
    )
    version = fields.Integer(
        attribute="incident.lock_version",
        metadata={"description": "Send it back with a curation: a stale one is refused."},
    )
    reports = fields.List(fields.Nested(LinkedReportSchema))
    pending_candidates = fields.Integer(
        metadata={"description": "Pending candidates proposing this incident that you may see."}
    )
    merged_from = fields.List(
        fields.String(), metadata={"description": "Incidents merged into this one."}
    )


class IncidentSummarySchema(Schema):
    """One row of the incident list."""

    reference = fields.String(attribute="incident.reference")
    title = fields.String()
    status = fields.String(attribute="incident.status")
    reports = fields.Function(
        lambda view: len(view.reports), metadata={"description": "Reports you may see."}
    )
    updated_at = fields.DateTime(
        metadata={"description": "When what you may see of it last changed."}
    )


class SeenIncidentSchema(Schema):
    reference = fields.String(attribute="incident.reference")
    title = fields.String(allow_none=True)
    status = fields.String(attribute="incident.status")


class SignalSchema(Schema):
    """One piece of evidence: agrees true (for), false (against) or null (no opinion)."""

    name = fields.String()
    value = fields.Raw(allow_none=True)
    agrees = fields.Boolean(allow_none=True)
    explanation = fields.String()


class CandidateSchema(Schema):
    """An incident the engine proposed for a report, with its score, signals and decision."""

    incident = fields.String(attribute="candidate.incident.reference")
    incident_title = fields.String(allow_none=True)
    rank = fields.Integer(attribute="candidate.rank")
    score = fields.Float(attribute="candidate.score")
    decision = fields.String(
        attribute="candidate.decision",
        metadata={"description": "pending, auto_linked, confirmed or rejected."},
    )
    reason = fields.String(attribute="candidate.reason")
    decided_at = fields.DateTime(attribute="candidate.decided_at", allow_none=True)
    evidence_report = fields.String(
        attribute="candidate.evidence_report.reference",
        metadata={"description": "The incident's report the signals compare the report with."},
    )
    signals = fields.List(fields.Nested(SignalSchema), attribute="candidate.signals")


class TriageItemSchema(CandidateSchema):
    """A pending candidate in the triage queue, with its report."""

    report = fields.Nested(ReportBriefSchema, attribute="candidate.report")
    severity = fields.Integer(attribute="candidate.severity")
    queued_at = fields.DateTime(attribute="candidate.created_at")


class PlacementSchema(Schema):
    """A report's incidents and the candidates you may see, after any decision."""

    report = fields.Nested(ReportBriefSchema)
    incidents = fields.List(fields.Nested(SeenIncidentSchema))
    candidates = fields.List(fields.Nested(CandidateSchema))


# --- requests ------------------------------------------------------------------------------


def _incident_reference(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(INCIDENT_PATTERN, error="Give an incident reference (INC-…)."),
        **kwargs,
    )


def _reason(*, required: bool) -> fields.String:
    length = validate.Length(min=1 if required else 0, max=MAX_REASON)
    if required:
        return fields.String(required=True, validate=length)
    return fields.String(load_default="", validate=length)


class IncidentListQuerySchema(PageQuerySchema):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Part of the reference, the title or a visible report's title."},
    )


class TriageDecisionSchema(Strict):
    """One decision on a report's candidates."""

    decision = fields.String(
        required=True,
        validate=validate.OneOf([decision.value for decision in TriageDecision]),
        metadata={
            "description": "confirm or reject the candidate for `incident`; link the report "
            "to `incident` (any you may see); or new_incident: reject every pending "
            "candidate and keep the report in an incident of its own."
        },
    )
    incident = _incident_reference(
        metadata={"description": "Required for confirm, reject and link; not for new_incident."}
    )
    reason = _reason(required=False)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _incident_when_needed(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        decision, named = (
            data.get("decision"),
            isinstance(original, dict) and "incident" in original,
        )
        if decision in ("confirm", "reject", "link") and not named:
            raise ValidationError(f"Name the incident to {decision}.", "incident")
        if decision == "new_incident" and named:
            raise ValidationError("Leave the incident out to open a new incident.", "incident")


class CurationSchema(Strict):
    """Your institute's curation of an incident and its status; an omitted field keeps its
    value. ``distribution`` omitted keeps the curation as narrow as the reports you may read."""

    version = WholeNumber(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The incident's version when you read it."},
    )
    title = fields.String(
        allow_none=True,
        validate=validate.Length(max=MAX_TITLE),
        metadata={"description": "The curated title; null: named after its first report."},
    )
    status = fields.String(validate=validate.OneOf([s.value for s in IncidentStatus.curated()]))
    classification = fields.Dict(
        keys=fields.String(),
        metadata={"description": "The curated classification (the taxonomy's dimensions)."},
    )
    narrative = fields.String(
        validate=validate.Length(max=MAX_NARRATIVE),
        metadata={"description": "What happened, in your institute's words."},
    )
    distribution = fields.Nested(
        DistributionSchema,
        metadata={
            "description": "Who may read your curation. Omitted: the most restrictive "
            "distribution among the incident's reports you may read. A wider one is "
            "recorded as a deliberate widening."
        },
    )


class MergeSchema(Strict):
    into = _incident_reference(
        required=True, metadata={"description": "The incident that absorbs this one."}
    )
    reason = _reason(required=True)


class UnmergeSchema(Strict):
    reason = _reason(required=True)


class SplitSchema(Strict):
    reports = fields.List(
        fields.String(validate=validate.Regexp(REPORT_PATTERN, error="Give a report reference.")),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The reports that move to the new incident."},
    )
    reason = _reason(required=True)
    title = fields.String(allow_none=True, validate=validate.Length(max=MAX_TITLE))


class UnlinkSchema(Strict):
    report = fields.String(
        required=True,
        validate=validate.Regexp(REPORT_PATTERN, error="Give a report reference (RPT-…)."),
    )
    reason = _reason(required=True)


class IncidentPageSchema(PageSchema):
    incidents = fields.List(fields.Nested(IncidentSummarySchema), required=True)


class TriagePageSchema(PageSchema):
    candidates = fields.List(fields.Nested(TriageItemSchema), required=True)


class MergedSchema(Schema):
    """301: the incident was merged; ``Location`` is the incident that absorbed it."""

    error = fields.String(required=True)
    merged_into = fields.String(required=True)


def contract_rules(classification: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """JSON Schema rules of the registry's bodies, by component name: a curated
    classification is one the taxonomy accepts, with nothing required (``classification``
    names the component of a classification by stage, and ``draft``); a decision names an
    incident exactly when it is about one."""
    draft = {"$ref": f"#/components/schemas/{classification['draft']}"}
    named = [decision.value for decision in TriageDecision if decision.names_incident]
    return {
        "Curation": {"properties": {"classification": draft}},
        "TriageDecision": {
            "if": {"properties": {"decision": {"enum": named}}},
            "then": {"required": ["incident"]},
            "else": {"not": {"required": ["incident"]}},
        },
    }
