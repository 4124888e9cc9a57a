"""The JSON shapes of publications: the drafting API for analysts and the public API.

The public shapes hold only what was approved for the public (a published revision)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

import taxonomy
from incidents.public.queries import PublicRecord
from incidents.public.services import MAX_NOTE, MAX_SUMMARY, MAX_TITLE, MONTH
from incidents.schemas import PageQuerySchema, PageSchema, Strict, WholeNumber
from taxonomy.patterns import NOT_BLANK_PATTERN as NOT_BLANK

PUBLIC_REFERENCE = r"^PUB-[0-9]{4}-[0-9]{5,}$"


class FindingSchema(Schema):
    """Something the approval would refuse: personal data, or a name nobody cleared."""

    kind = fields.String()
    text = fields.String()
    start = fields.Integer()
    end = fields.Integer()
    reason = fields.String()


class SummaryDraftSchema(Strict):
    """``PUT /api/v1/incidents/{reference}/summary``: the draft, replacing any earlier one."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TITLE))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=MAX_SUMMARY))
    classification = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"description": "Only dimensions the taxonomy marks public (no exact dates)."},
    )
    month = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(MONTH, error="Give the month as YYYY-MM."),
    )
    countries = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")),
        load_default=list,
        validate=validate.Length(max=250),
    )
    cleared_names = fields.List(
        fields.String(validate=validate.Length(min=1, max=300)),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Organisation or AI system names you clear for the text."},
    )
    change_note = fields.String(load_default="", validate=validate.Length(max=MAX_NOTE))
    version = WholeNumber(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The draft's version when you read it (omit for a new one)."},
    )


class SummaryDraftAnswerSchema(Schema):
    """The draft as saved, with what the approval would still refuse."""

    incident = fields.String(attribute="incident.reference")
    public_reference = fields.String(allow_none=True)
    state = fields.String(attribute="state.value")
    version = fields.Integer(attribute="lock_version")
    title = fields.String()
    summary = fields.String()
    classification = fields.Dict()
    month = fields.String(allow_none=True)
    countries = fields.List(fields.String())
    cleared_names = fields.List(fields.String())
    change_note = fields.String()
    redactions = fields.List(fields.Nested(FindingSchema), attribute="findings")
    revisions = fields.Function(lambda publication: len(publication.revisions))


class ApprovalSchema(Strict):
    version = WholeNumber(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class SummaryWithdrawalSchema(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE))


class PublicRevisionSchema(Schema):
    number = fields.Integer()
    published_at = fields.DateTime()
    change_note = fields.String()


class PublicIncidentSchema(Schema):
    """A published incident: what was approved for the public, nothing else."""

    reference = fields.String()
    state = fields.Function(lambda record: record.state.value)
    title = fields.Method("_title", allow_none=True)
    summary = fields.Method("_summary", allow_none=True)
    classification = fields.Method("_classification")
    month = fields.Method("_month", allow_none=True)
    countries = fields.Method("_countries")
    first_published_at = fields.DateTime()
    revision = fields.Function(lambda record: record.current.number)
    corrections = fields.List(fields.Nested(PublicRevisionSchema))
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)

    def _shown(self, record: PublicRecord) -> bool:
        return not record.is_withdrawn

    def _title(self, record: PublicRecord) -> str | None:
        return record.current.title if self._shown(record) else None

    def _summary(self, record: PublicRecord) -> str | None:
        return record.current.summary if self._shown(record) else None

    def _classification(self, record: PublicRecord) -> dict[str, Any]:
        return dict(record.current.classification) if self._shown(record) else {}

    def _month(self, record: PublicRecord) -> str | None:
        return record.current.month if self._shown(record) else None

    def _countries(self, record: PublicRecord) -> list[str]:
        return list(record.current.countries) if self._shown(record) else []


class PublicIncidentPageSchema(PageSchema):
    incidents = fields.List(fields.Nested(PublicIncidentSchema), required=True)


class PublicListQuerySchema(PageQuerySchema):
    """``q`` and one value per facet narrow the list."""

    q = fields.String(validate=validate.Length(max=200))
    event_class = fields.String(validate=validate.Length(max=64))
    harm_type = fields.String(validate=validate.Length(max=64))
    sector = fields.String(validate=validate.Length(max=64))
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))


def contract_rules(classification: str) -> dict[str, dict[str, Any]]:
    """JSON Schema rules of the drafting body, by component name: text that is not blank, a
    public classification (``classification`` names its component), real country codes."""
    codes = [value.id for value in taxonomy.load().dimension("countries").values]
    return {
        "SummaryDraft": {
            "properties": {
                "title": {"pattern": NOT_BLANK},
                "summary": {"pattern": NOT_BLANK},
                "classification": {"$ref": f"#/components/schemas/{classification}"},
                "countries": {"items": {"enum": codes}, "uniqueItems": True},
            }
        }
    }
