"""The JSON shapes of reconsiderations: merge proposals and doubtful links in the triage
queue, and the body of an analyst's answer. Explicit field lists, as in :mod:`.schemas`."""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields, validate

from incidents.registry.models import Reconsideration
from incidents.registry.reconsiderations import Answer
from incidents.registry.schemas import (
    ReportBriefSchema,
    SignalSchema,
    _incident_reference,
    _reason,
)
from incidents.schemas import PageSchema, Strict


@dataclass(frozen=True)
class SeenReconsideration:
    """A reconsideration the caller may see, with its incidents' titles as the caller sees
    them (None: none of its reports is visible)."""

    item: Reconsideration
    incident_title: str | None
    other_title: str | None


class EvidenceSchema(Schema):
    joined = fields.List(fields.Nested(SignalSchema))
    other = fields.List(fields.Nested(SignalSchema))
    direct = fields.List(fields.Nested(SignalSchema))


class ReconsiderationSchema(Schema):
    """A merge proposal (a report bridges ``incident``, which it joined, and ``other``) or a
    doubtful automatic link of the report to ``incident`` (``other``: a rival, if any)."""

    kind = fields.String(attribute="item.kind", metadata={"description": "merge or doubtful_link."})
    report = fields.Nested(ReportBriefSchema, attribute="item.report")
    incident = fields.String(attribute="item.incident.reference")
    incident_title = fields.String(allow_none=True)
    other = fields.String(attribute="item.other.reference", allow_none=True)
    other_title = fields.String(allow_none=True)
    score = fields.Float(
        attribute="item.score",
        allow_none=True,
        metadata={"description": "The report against `incident` (its closest report)."},
    )
    other_score = fields.Float(attribute="item.other_score", allow_none=True)
    direct_score = fields.Float(
        attribute="item.direct_score",
        allow_none=True,
        metadata={"description": "The two incidents' closest reports against each other."},
    )
    automatic_grade = fields.Boolean(
        attribute="item.is_automatic",
        metadata={"description": "Both sides and the direct match reach auto-link grade."},
    )
    evidence_report = fields.String(attribute="item.evidence_report.reference", allow_none=True)
    other_evidence = fields.String(attribute="item.other_evidence.reference", allow_none=True)
    signals = fields.Nested(EvidenceSchema, attribute="item.signals")
    decision = fields.String(
        attribute="item.decision",
        metadata={"description": "pending, accepted, rejected, kept or unlinked."},
    )
    reason = fields.String(attribute="item.reason")
    queued_at = fields.DateTime(attribute="item.created_at")
    decided_at = fields.DateTime(attribute="item.decided_at", allow_none=True)


class ReconsiderPageSchema(PageSchema):
    reconsiderations = fields.List(fields.Nested(ReconsiderationSchema), required=True)


class ReconsiderListSchema(Schema):
    reconsiderations = fields.List(fields.Nested(ReconsiderationSchema), required=True)


class ReconsiderAnswerSchema(Strict):
    """An answer to one of a report's reconsiderations."""

    answer = fields.String(
        required=True,
        validate=validate.OneOf([answer.value for answer in Answer]),
        metadata={
            "description": "accept (merge the two incidents) or reject a merge proposal; keep "
            "or unlink a doubtful link."
        },
    )
    incident = _incident_reference(
        required=True,
        metadata={
            "description": "For a merge: either incident; for a doubtful link: the report's."
        },
    )
    reason = _reason(required=False)
