"""The JSON shapes of a report, one schema per audience, with explicit field lists.

``ReportInputSchema`` is what an integrator sends (API and bulk import alike); unknown
fields are refused, not ignored. ``ReporterReportSchema`` is the submitting organisation's
view of its own report; ``ReceiptSchema`` the proof of filing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from incidents.paging import MAX_PER_PAGE
from incidents.reports.access import draft_id
from incidents.reports.content import ReportContent
from incidents.reports.models import Report, ReportStage, ReportState, Tlp
from incidents.schemas import PageQuerySchema, PageSchema, Strict
from taxonomy.patterns import NOT_BLANK_PATTERN as NOT_BLANK

#: Reports filed by one batch request at the most.
MAX_BATCH = 500


class DistributionSchema(Strict):
    tlp = fields.String(
        required=True,
        validate=validate.OneOf([tlp.value for tlp in Tlp]),
        metadata={"description": "FIRST TLP 2.0 label: who may read the report."},
    )
    recipients = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Names of the recipient institutes (RED and AMBER+STRICT only)."},
    )


class ReportInputSchema(Strict):
    """A report as filed through the API or bulk import."""

    title = fields.String(load_default="", validate=validate.Length(max=300))
    description = fields.String(load_default="", validate=validate.Length(max=50_000))
    distribution = fields.Nested(DistributionSchema, required=True)
    withhold_identity = fields.Boolean(
        load_default=False,
        metadata={"description": "Hide the submitting user's identity from analysts."},
    )
    taxonomy_version = fields.String(
        load_default="",
        metadata={"description": "Taxonomy version classified against; default latest."},
    )
    classification = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={
            "description": "Dimension id → value, per GET /api/v1/taxonomy/schema.json. An "
            "answer the other answers do not ask for (harm_deaths without physical_death among "
            "harm_type, near_miss for an incident, ...) is not stored, as on the web form."
        },
    )
    references = fields.List(
        fields.String(validate=validate.Length(max=2000)),
        load_default=list,
        validate=validate.Length(max=50),
    )

    @post_load
    def to_content(self, data: dict[str, Any], **_kwargs: Any) -> ReportContent:
        return content_from(data)


def content_from(data: dict[str, Any]) -> ReportContent:
    """The ReportContent of loaded input fields."""
    distribution = data["distribution"]
    return ReportContent(
        title=data["title"],
        description=data["description"],
        tlp=distribution["tlp"],
        recipients=tuple(distribution["recipients"]),
        withhold_identity=data["withhold_identity"],
        taxonomy_version=data["taxonomy_version"],
        classification=data["classification"],
        references=tuple(data["references"]),
    )


@dataclass(frozen=True)
class NewReport:
    content: ReportContent
    state: ReportState


@dataclass(frozen=True)
class Amendment:
    content: ReportContent
    reason: str


@dataclass(frozen=True)
class FollowUp:
    content: ReportContent
    stage: ReportStage


class NewReportSchema(ReportInputSchema):
    """``POST /api/v1/reports``: a report to submit now, or to keep as a draft."""

    state = fields.String(
        load_default=ReportState.SUBMITTED.value,
        validate=validate.OneOf([ReportState.SUBMITTED.value, ReportState.DRAFT.value]),
    )

    @post_load
    def to_content(self, data: dict[str, Any], **_kwargs: Any) -> NewReport:
        return NewReport(content_from(data), ReportState(data["state"]))


class AmendmentSchema(ReportInputSchema):
    """``POST /api/v1/reports/{reference}/revisions``: the full new content and why."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))

    @post_load
    def to_content(self, data: dict[str, Any], **_kwargs: Any) -> Amendment:
        return Amendment(content_from(data), data["reason"])


class FollowUpSchema(ReportInputSchema):
    """``POST /api/v1/reports/{reference}/follow-ups``: the next report of the series."""

    stage = fields.String(
        required=True,
        validate=validate.OneOf([ReportStage.INTERMEDIATE.value, ReportStage.FINAL.value]),
    )

    @post_load
    def to_content(self, data: dict[str, Any], **_kwargs: Any) -> FollowUp:
        return FollowUp(content_from(data), ReportStage(data["stage"]))


class WithdrawalSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class DeadlineSchema(Schema):
    regime = fields.String()
    regime_label = fields.String()
    rule = fields.String()
    obligation = fields.String()
    citation = fields.String()
    due_at = fields.DateTime(allow_none=True)
    binding = fields.Boolean()
    recurring = fields.Boolean()


class ReceiptSchema(Schema):
    """Proof of filing: what was received, when, its fingerprint and what falls due."""

    reference = fields.String()
    state = fields.Function(lambda report: report.state.value)
    stage = fields.Function(lambda report: report.stage.value)
    submitted_at = fields.DateTime(allow_none=True)
    content_hash = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    next_follow_up_due = fields.Method("_next_follow_up")

    def _next_follow_up(self, report: Report) -> str | None:
        due = [d.due_at for d in report.deadlines if d.recurring and d.due_at is not None]
        return min(due).isoformat() if due else None


class RevisionSchema(Schema):
    number = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    created_at = fields.DateTime()
    content_hash = fields.String()


class ReporterReportSchema(Schema):
    """The submitting organisation's view of its own report."""

    reference = fields.String(allow_none=True)
    draft_id = fields.Function(draft_id)
    state = fields.Function(lambda report: report.state.value)
    stage = fields.Function(lambda report: report.stage.value)
    series = fields.Method("_series")
    distribution = fields.Method("_distribution")
    withhold_identity = fields.Boolean()
    taxonomy_version = fields.String()
    title = fields.String()
    description = fields.String()
    classification = fields.Dict()
    references = fields.List(fields.String())
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    content_hash = fields.String(allow_none=True)
    revisions = fields.List(fields.Nested(RevisionSchema))
    deadlines = fields.List(fields.Nested(DeadlineSchema))

    def _series(self, report: Report) -> list[str]:
        return [other.label for other in report.series.reports]

    def _distribution(self, report: Report) -> dict[str, Any]:
        return {"tlp": report.tlp.value, "recipients": [o.name for o in report.recipients]}


# --- the reports API's own shapes ------------------------------------------------------------


class ApiReceiptSchema(ReceiptSchema):
    """The receipt, with the draft's key (``draft-<id>``) while it has no reference."""

    reference = fields.String(allow_none=True)
    draft_id = fields.Function(draft_id)


class ReportSummarySchema(Schema):
    """One row of the organisation's report list."""

    reference = fields.String(allow_none=True)
    draft_id = fields.Function(draft_id)
    state = fields.String()
    stage = fields.String()
    tlp = fields.String()
    title = fields.String()
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    content_hash = fields.String(allow_none=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))


class ReportPageSchema(PageSchema):
    reports = fields.List(fields.Nested(ReportSummarySchema), required=True)


class ReportListQuerySchema(PageQuerySchema):
    """The query parameters of ``GET /api/v1/reports``."""

    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    state = fields.String(validate=validate.OneOf([state.value for state in ReportState]))
    stage = fields.String(validate=validate.OneOf([stage.value for stage in ReportStage]))
    tlp = fields.String(validate=validate.OneOf([tlp.value for tlp in Tlp]))
    deadline = fields.String(
        validate=validate.OneOf(["overdue", "due_soon"]),
        metadata={"description": "Binding deadlines already passed, or due within 3 days."},
    )
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Words in the title, or part of the reference."},
    )


class BatchSchema(Strict):
    """``POST /api/v1/reports/batch``: not refused as a whole for a bad item; each item is
    checked as a NewReport on its own."""

    reports = fields.List(
        fields.Raw(metadata={"description": "A NewReport body (see POST /api/v1/reports)."}),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
    )


class BatchResultSchema(Schema):
    """One item's outcome: 201 with its receipt, or 422 with its problems."""

    index = fields.Integer(required=True)
    status = fields.Integer(required=True, validate=validate.OneOf([201, 422]))
    reference = fields.String(allow_none=True)
    receipt = fields.Nested(ApiReceiptSchema)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class BatchResponseSchema(Schema):
    results = fields.List(fields.Nested(BatchResultSchema), required=True)


# --- what the API document promises beyond the field lists -----------------------------------

#: A web address the content checks accept: http(s), a host, then anything.
REFERENCE_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\[\]\s]+(?:[/?#]\S*)?$"
_NEEDS_RECIPIENTS = sorted(tlp.value for tlp in Tlp if tlp.needs_recipients)


def contract_rules(
    recipients: Sequence[str], version: str, classification: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """JSON Schema rules of the report bodies, by component name: the content checks
    (``content.check_content``) as the document states them. ``recipients`` are the names of
    the institutes a report may name, ``version`` the latest taxonomy version, and
    ``classification`` the component of a classification by stage (and ``draft``)."""

    def complete(stage_schema: str) -> dict[str, Any]:
        return {
            "required": ["title", "description", "classification"],
            "properties": {
                "title": {"pattern": NOT_BLANK},
                "description": {"pattern": NOT_BLANK},
                "classification": {"$ref": f"#/components/schemas/{stage_schema}"},
                "distribution": {
                    "if": {"properties": {"tlp": {"enum": _NEEDS_RECIPIENTS}}},
                    "then": {
                        "required": ["recipients"],
                        "properties": {"recipients": {"minItems": 1}},
                    },
                },
            },
        }

    draft = {
        "properties": {
            "classification": {"$ref": f"#/components/schemas/{classification['draft']}"}
        }
    }
    content: dict[str, Any] = {
        "properties": {
            "taxonomy_version": {"enum": ["", version]},
            "references": {"items": {"pattern": REFERENCE_URL}},
        }
    }
    return {
        "Distribution": {
            "properties": {
                "recipients": {"items": {"enum": list(recipients)}, "uniqueItems": True}
            },
            "if": {"not": {"properties": {"tlp": {"enum": _NEEDS_RECIPIENTS}}}},
            "then": {"properties": {"recipients": {"maxItems": 0}}},
        },
        "NewReport": {
            **content,
            "if": {"required": ["state"], "properties": {"state": {"const": "draft"}}},
            "then": draft,
            "else": complete(classification["initial"]),
        },
        "Amendment": {**content, "allOf": [complete(classification["final"])]},
        "FollowUp": {
            **content,
            "if": {"properties": {"stage": {"const": "final"}}},
            "then": complete(classification["final"]),
            "else": complete(classification["intermediate"]),
        },
        # Each item is a report body; one that is not is refused on its own, in the answer.
        "Batch": {"properties": {"reports": {"items": {"$ref": "#/components/schemas/NewReport"}}}},
    }
