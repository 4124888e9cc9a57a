"""The JSON shapes of requests for information and notifications (explicit allowlists)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from incidents.exchange.models import NotificationKind, RequestState
from incidents.exchange.services import MAX_BODY
from incidents.schemas import PageQuerySchema, PageSchema, Strict


class AskSchema(Strict):
    """A new request: a subject, the question, an optional answer-by date."""

    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    question = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY))
    answer_by = fields.Date(load_default=None, allow_none=True)


class ReplySchema(Strict):
    """A message in a thread; the filing organisation may link a report of the series."""

    body = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY))
    linked_report = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^RPT-[0-9]{4}-[0-9]{5,}$"),
    )


class CloseSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=MAX_BODY))


class RequestListQuerySchema(PageQuerySchema):
    state = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in RequestState])
    )


class MessageSchema(Schema):
    kind = fields.String(required=True)
    author = fields.String(required=True)
    body = fields.String(required=True)
    linked_report = fields.String(required=True, allow_none=True)
    linked_revision = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class RequestSchema(Schema):
    """One request as its reader may see it (the filing organisation may be withheld)."""

    reference = fields.String(required=True)
    report = fields.String(required=True)
    organization = fields.String(required=True)
    institute = fields.String(required=True)
    subject = fields.String(required=True)
    state = fields.String(required=True)
    overdue = fields.Boolean(required=True)
    answer_by = fields.Date(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ThreadSchema(RequestSchema):
    messages = fields.List(fields.Nested(MessageSchema), required=True)


class RequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(RequestSchema), required=True)


class NotificationSchema(Schema):
    kind = fields.String(
        required=True, validate=validate.OneOf([k.value for k in NotificationKind])
    )
    reference = fields.String(required=True)
    text = fields.String(required=True)
    link = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    read = fields.Boolean(required=True)


class NotificationPageSchema(PageSchema):
    unread = fields.Integer(required=True)
    items = fields.List(fields.Nested(NotificationSchema), required=True)
