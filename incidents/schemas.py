"""Shapes every JSON answer and request shares: errors, pages of results, strict requests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from incidents.paging import MAX_PAGE, MAX_PER_PAGE, offset_problem
from incidents.refusals import Invalid, Problems

#: marshmallow's key for problems of the whole body (not one field).
WHOLE_BODY = "_schema"
#: Adds domain problems of the fields that passed a schema (see :func:`load`).
Checker = Callable[[Mapping[str, Any]], Problems]


class ErrorSchema(Schema):
    """Every error: a short title, and details (a message, or field path → messages)."""

    error = fields.String(required=True)
    details = fields.Raw(required=True)


class ValidationErrorSchema(Schema):
    """422: every problem at once, keyed by the path of the field in the request body."""

    error = fields.String(required=True)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class PageLinksSchema(Schema):
    """The links of a page of results."""

    self = fields.String(required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(required=True, allow_none=True)
    next = fields.String(required=True, allow_none=True)


class PageSchema(Schema):
    """What every list answers beside its items."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    links = fields.Nested(PageLinksSchema, required=True)


class WholeNumber(fields.Integer):
    """An integer as JSON Schema counts them: ``3`` and ``3.0`` alike, never ``"3"`` or
    ``true``."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(int(value))


class Strict(Schema):
    """A request shape: unknown fields are refused, not ignored, naming the accepted ones."""

    class Meta:
        unknown = RAISE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accepted = sorted(field.data_key or name for name, field in self.load_fields.items())
        self.error_messages = {
            **self.error_messages,
            "unknown": f"Unknown field; accepted: {', '.join(accepted)}."
            if accepted
            else "Unknown field; none is accepted.",
        }


class PageQuerySchema(Strict):
    """``page`` and ``per_page``; a page must start within the first
    :data:`~incidents.paging.MAX_OFFSET` results."""

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={
            "description": "A page starting within the first 10,000 results "
            "((page - 1) * per_page < 10000)."
        },
    )
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))

    @validates_schema
    def _within_reach(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        page, per_page = data.get("page"), data.get("per_page")
        if isinstance(page, int) and isinstance(per_page, int):
            problem = offset_problem(page, per_page)
            if problem:
                raise ValidationError(problem, field_name="page")


def load(schema: Schema, body: Any, check: Checker | None = None) -> Any:
    """``body`` loaded by ``schema``; raises Invalid with every problem at once.

    When the schema refuses some fields, ``check`` adds the content problems of the fields
    that passed, so the sender does not have to fix one layer to learn about the next.
    """
    try:
        return schema.load(body)
    except ValidationError as error:
        problems = flatten(error.messages)
        valid = error.valid_data
        if check is not None and isinstance(body, dict) and isinstance(valid, Mapping):
            for path, messages in check(valid).items():
                if not any(overlaps(path, taken) for taken in problems):
                    problems[path] = messages
        raise Invalid(problems) from None


def flatten(messages: Any, path: str = "") -> Problems:
    """marshmallow's nested error messages as ``{"distribution.tlp": [...], ...}``."""
    problems: Problems = {}
    if isinstance(messages, Mapping):
        for key, nested in messages.items():
            if isinstance(key, int):
                child = f"{path}[{key}]"
            elif key == WHOLE_BODY:
                child = path
            else:
                child = f"{path}.{key}" if path else str(key)
            for child_path, found in flatten(nested, child).items():
                problems.setdefault(child_path, []).extend(found)
    elif isinstance(messages, list) and not all(isinstance(m, str) for m in messages):
        for nested in messages:
            for child_path, found in flatten(nested, path).items():
                problems.setdefault(child_path, []).extend(found)
    else:
        found = messages if isinstance(messages, list) else [messages]
        problems[path or WHOLE_BODY] = [str(text) for text in found]
    return problems


def overlaps(path: str, other: str) -> bool:
    """Whether one path is the other or inside it (``a`` and ``a.b``, ``a`` and ``a[0]``)."""
    shorter, longer = sorted((path, other), key=len)
    return longer == shorter or longer.startswith((shorter + ".", shorter + "["))
