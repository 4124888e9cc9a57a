"""The report form, generated from the taxonomy, and its translation to ``ReportContent``.

One form class per taxonomy version and purpose (new or draft, amendment, follow-up): every
dimension becomes a field with its label, definition and the stage that requires it, so a
new taxonomy version needs no template or form changes. Validating the classification is
left to ``check_content`` (the same rules as the API); the form only parses what was typed.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    Field,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

import taxonomy
from incidents import forms as base
from incidents.classification import display
from incidents.classification.display import STAGE_LABELS, TLP_LABELS, Section
from incidents.forms import MultiCheckboxField, choice
from incidents.reports.content import MAX_TITLE, ReportContent
from incidents.reports.models import ReportStage, Tlp
from taxonomy import relevance
from taxonomy.conditions import to_data
from taxonomy.describe import describe

YES, NO = "yes", "no"
#: Recipients are asked for the labels that need them (``Tlp.needs_recipients``), as JSON.
RECIPIENTS_SHOWN_WHEN = json.dumps(
    {"dimension": "tlp", "any_of": [tlp.value for tlp in Tlp if tlp.needs_recipients]}
)
_UNGIVEN = choice("", "— not given —")
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class FieldInfo:
    """What the template shows beside a generated field."""

    requirement: str  # "Required in the initial report", "Optional", ...
    is_required_now: bool  # required at the form's stage (unconditionally)
    kind: str
    shown_when: str = ""  # the relevance condition as JSON, for the form's script


class ReportFormBase(base.Form):
    """The core fields; the taxonomy's dimensions are added by ``report_form_class``."""

    title = StringField(
        "Title",
        validators=[Optional(), Length(max=MAX_TITLE)],
        description="A short, factual name for the event, e.g. 'Assistant gave unsafe dosage "
        "advice'.",
    )
    description = TextAreaField(
        "Description",
        description="What happened, what the AI system did, and what the consequences were.",
    )
    tlp = SelectField(
        "Distribution (TLP)",
        choices=[choice(tlp.value, label) for tlp, label in TLP_LABELS.items()],
        # A valid choice by itself: the two narrower labels need recipients named as well.
        default=Tlp.AMBER.value,
        validate_choice=False,
        description="Who may read the full report. The report text itself is never published.",
    )
    recipients = MultiCheckboxField(
        "Recipient institutes",
        validate_choice=False,
        description="The institutes that may read a TLP:RED or TLP:AMBER+STRICT report.",
    )
    withhold_identity = BooleanField(
        "Withhold our identity from the institutes' analysts",
        description="Analysts of other organisations then see the report without your "
        "organisation's or your name.",
    )
    references = TextAreaField(
        "References",
        description="Web addresses (http or https) of related material, one per line.",
    )

    taxonomy_version = ""
    stage = ReportStage.INITIAL.value
    sections: tuple[Section, ...] = ()
    info: Mapping[str, FieldInfo] = MappingProxyType({})
    recipients_shown_when = RECIPIENTS_SHOWN_WHEN
    main_fields: frozenset[str] = frozenset()  # asked up front at the form's stage
    required_now: frozenset[str] = frozenset()  # required at this stage (when asked)
    core_fields = ("title", "description")
    distribution_fields = ("tlp", "recipients", "withhold_identity", "references")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Errors of a structured dimension as a whole ("AI system is required"): a FormField's
        # own ``errors`` only lists its sub-fields'.
        self.fieldset_errors: dict[str, list[str]] = {}

    def hidden_now(self) -> frozenset[str]:
        """The fields the answers given so far do not ask for (rendered hidden and disabled;
        the form's script re-evaluates the same conditions as answers change)."""
        content = content_from(self)
        tax = taxonomy.load(self.taxonomy_version)
        hidden = {
            dimension.id
            for dimension in tax.dimensions
            if not relevance.is_relevant(tax, dimension.id, content.classification)
        }
        if not asks_recipients(content.tlp):
            hidden.add("recipients")
        return frozenset(hidden)

    def set_recipients(self, names: list[str]) -> None:
        self.recipients.choices = [choice(name, name) for name in names]

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every error, in the order the fields are shown."""
        found: list[tuple[str, str, str]] = []
        for field in self:
            if isinstance(field, FormField):
                own = self.fieldset_errors.get(field.name, [])
                found.extend((field.id, field.label.text, message) for message in own)
                for sub in field:
                    label = f"{field.label.text}: {sub.label.text}"
                    found.extend((sub.id, label, message) for message in sub.errors)
            elif field.type != "CSRFTokenField":
                found.extend((field.id, field.label.text, message) for message in field.errors)
        # The taxonomy's messages often name the field already ("Required ...: Event class").
        return [
            (field_id, "" if label.removesuffix(" (UTC)") in message else label, message)
            for field_id, label, message in found
        ]


class DraftForm(ReportFormBase):
    save = SubmitField("Save draft")
    review = SubmitField("Review and submit")


class AmendForm(ReportFormBase):
    reason = TextAreaField(
        "Reason for the amendment",
        description="Required. Say what changed and why; it is kept in the revision history.",
    )
    submit = SubmitField("Amend report")


class FollowUpForm(ReportFormBase):
    follow_up_stage = SelectField(
        "Stage of this report",
        choices=[
            choice(ReportStage.INTERMEDIATE.value, STAGE_LABELS[ReportStage.INTERMEDIATE]),
            choice(ReportStage.FINAL.value, STAGE_LABELS[ReportStage.FINAL]),
        ],
        validate_choice=False,
        description="A final report closes the series and requires the analysis fields.",
    )
    submit = SubmitField("Submit follow-up")


FORM_BASES: dict[str, type[ReportFormBase]] = {
    "draft": DraftForm,
    "amend": AmendForm,
    "follow_up": FollowUpForm,
}


@functools.cache
def report_form_class(purpose: str, version: str, stage: str) -> type[ReportFormBase]:
    """The form class for ``purpose`` (draft, amend, follow_up) of taxonomy ``version``,
    with requirement markers for a report at ``stage``."""
    tax = taxonomy.load(version)
    reserved = set(dir(FORM_BASES[purpose]))
    attrs: dict[str, Any] = {"taxonomy_version": version, "stage": stage}
    info: dict[str, FieldInfo] = {}
    for dimension in tax.dimensions:
        if dimension.id in reserved:  # pragma: no cover - a guard for future taxonomy versions
            raise ValueError(f"dimension {dimension.id!r} clashes with a form attribute")
        attrs[dimension.id] = _field_for(dimension)
        condition = relevance.shown_when(tax, dimension.id)
        info[dimension.id] = FieldInfo(
            _requirement(tax, dimension),
            dimension.required_at(stage) and dimension.required_when is None,
            dimension.kind,
            json.dumps(to_data(condition)) if condition is not None else "",
        )
    attrs["sections"] = display.sections(tax)
    attrs["info"] = info
    attrs["main_fields"] = frozenset(d.id for d in tax.dimensions if d.required_at(stage))
    attrs["required_now"] = attrs["main_fields"]
    name = f"{FORM_BASES[purpose].__name__}_{version.replace('.', '_')}_{stage}"
    return type(name, (FORM_BASES[purpose],), attrs)


def _requirement(tax: taxonomy.Taxonomy, dimension: taxonomy.Dimension) -> str:
    if dimension.required is None:
        return "Optional"
    when = (
        "Required in the initial report"
        if dimension.required == "initial"
        else "Required by the final report"
    )
    if dimension.required_when is not None:
        when += f" when {describe(tax, dimension.required_when)}"
    return when


def _field_for(field: taxonomy.Dimension | taxonomy.SubField) -> Any:
    """An unbound WTForms field for a dimension or sub-field, by kind."""
    label = f"{field.label} (UTC)" if field.is_timestamp else field.label
    help_text = field.definition
    validators = [Optional()]
    if field.kind == "single":
        options = [_UNGIVEN, *(choice(c.id, c.label) for c in field.choices())]
        return SelectField(label, choices=options, validate_choice=False, description=help_text)
    if field.kind == "multi":
        options = [choice(c.id, c.label) for c in field.choices()]
        if len(options) > 60:  # countries: a list box, not 249 checkboxes
            return SelectMultipleField(
                label,
                choices=options,
                validate_choice=False,
                description=help_text + " Hold Ctrl (or Cmd) to choose several.",
                render_kw={"size": 10},
            )
        return MultiCheckboxField(
            label, choices=options, validate_choice=False, description=help_text
        )
    if field.kind == "boolean":
        # Not a checkbox: an unticked box cannot tell "no" from "not answered yet".
        options = [_UNGIVEN, choice(YES, "Yes"), choice(NO, "No")]
        return SelectField(label, choices=options, validate_choice=False, description=help_text)
    if field.kind == "date" and field.is_timestamp:
        return DateTimeLocalField(
            label,
            validators=validators,
            format=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
            tz=UTC,
            invalid_value_message="Enter a date and time, e.g. 2025-03-01 09:30.",
            description=help_text + " Enter the time in UTC, not your local time.",
            render_kw={"step": 1},
        )
    if field.kind == "date":
        return DateField(label, validators=validators, description=help_text)
    if field.kind == "number":
        bounds = {
            key: value
            for key, value in (("min", field.minimum), ("max", field.maximum))
            if value is not None
        }
        number = IntegerField if field.integer else DecimalField
        extra = {} if field.integer else {"places": None}
        return number(
            label, validators=validators, description=help_text, render_kw=bounds, **extra
        )
    if field.kind == "text" and not field.multiple and (field.max_length or 1000) <= 300:
        return StringField(label, description=help_text, render_kw={"maxlength": field.max_length})
    if field.kind == "text":
        if field.multiple:
            help_text += " One per line."
        return TextAreaField(label, description=help_text)
    return FormField(_subform_class(field), label=label, description=help_text)


def _subform_class(dimension: taxonomy.Dimension | taxonomy.SubField) -> type[Form]:
    attrs: dict[str, Any] = {field.id: _field_for(field) for field in dimension.fields}
    attrs["required_ids"] = frozenset(field.id for field in dimension.fields if field.required)
    return type(f"{dimension.id.title()}Form", (Form,), attrs)


# --- form -> content ---------------------------------------------------------------------


def content_from(form: ReportFormBase) -> ReportContent:
    """What the reporter typed, as the content the filing services take."""
    tax = taxonomy.load(form.taxonomy_version)
    classification: dict[str, Any] = {}
    for dimension in tax.dimensions:
        value = _value_of(dimension, form[dimension.id])
        if value is not None:
            classification[dimension.id] = value
    tlp = form.tlp.data or ""
    return ReportContent(
        title=(form.title.data or "").strip(),
        description=(form.description.data or "").strip(),
        tlp=tlp,
        recipients=tuple(form.recipients.data or ()) if asks_recipients(tlp) else (),
        withhold_identity=bool(form.withhold_identity.data),
        taxonomy_version=form.taxonomy_version,
        classification=classification,
        references=tuple(_lines(form.references.data)),
    )


def asks_recipients(tlp: str) -> bool:
    """Whether the form asks for recipients with distribution ``tlp``."""
    return tlp in {each.value for each in Tlp} and Tlp(tlp).needs_recipients


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _value_of(field: taxonomy.Dimension | taxonomy.SubField, bound: Field) -> Any:
    data = bound.data
    if field.kind == "structured":
        sub = {
            each.id: value
            for each in field.fields
            if (value := _value_of(each, bound.form[each.id])) is not None
        }
        return sub or None
    if field.kind == "multi":
        return list(data) if data else None
    if field.kind == "boolean":
        return {YES: True, NO: False}.get(data or "")
    if field.kind == "date" and isinstance(data, datetime):
        return data.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if field.kind == "date" and isinstance(data, date):
        return data.isoformat()
    if field.kind == "number" and data is not None:
        return _number(data, integer=field.integer)
    if field.kind == "text" and field.multiple:
        return _lines(data) or None
    if isinstance(data, str):
        return data.strip() or None
    return None


def _number(value: int | Decimal, *, integer: bool) -> int | float:
    if integer or (isinstance(value, Decimal) and value == value.to_integral_value()):
        return int(value)
    return float(value)


# --- content -> form data ------------------------------------------------------------------


def form_data(content: ReportContent) -> dict[str, Any]:
    """``content`` as the ``data`` that pre-fills a report form."""
    tax = taxonomy.load(content.taxonomy_version or None)
    data: dict[str, Any] = {
        "title": content.title,
        "description": content.description,
        "tlp": content.tlp,
        "recipients": list(content.recipients),
        "withhold_identity": content.withhold_identity,
        "references": "\n".join(content.references),
    }
    for dimension in tax.dimensions:
        value = content.classification.get(dimension.id)
        if value is not None:
            data[dimension.id] = _form_value(dimension, value)
    return data


def _form_value(field: taxonomy.Dimension | taxonomy.SubField, value: Any) -> Any:
    if field.kind == "structured" and isinstance(value, Mapping):
        return {
            each.id: _form_value(each, value[each.id])
            for each in field.fields
            if value.get(each.id) is not None
        }
    if field.kind == "boolean":
        return YES if value is True else NO if value is False else ""
    if field.kind == "date" and isinstance(value, str):
        try:
            if field.is_timestamp:
                return datetime.fromisoformat(value).astimezone(UTC)
            return date.fromisoformat(value)
        except ValueError:
            return None
    if field.kind == "text" and isinstance(value, list):
        return "\n".join(str(each) for each in value)
    return value


# --- problems -> fields --------------------------------------------------------------------


def field_for_path(form: ReportFormBase, path: str) -> Field | None:
    """The field a problem path (``title``, ``classification.ai_system.name``,
    ``distribution.recipients[0]``) concerns, or None when no field shows it."""
    head, _, rest = _INDEX.sub("", path).partition(".")
    if head == "distribution":  # the form shows the distribution's fields at its top level
        head, _, rest = rest.partition(".")
    if head == "classification":
        dimension, _, sub = rest.partition(".")
        found: Field | None = form._fields.get(dimension)
        if found is not None and sub and isinstance(found, FormField):
            found = found.form._fields.get(sub, found)
        return found
    if head == "stage" and "follow_up_stage" in form._fields:
        head = "follow_up_stage"
    return form._fields.get(head) if head not in ("", "csrf_token") else None


def attach_problems(form: ReportFormBase, problems: Mapping[str, list[str]]) -> list[str]:
    """Put each problem beside its field; return the messages no field shows."""
    unplaced = []
    for path, messages in problems.items():
        field = field_for_path(form, path)
        if field is None:
            unplaced.extend(messages)
        elif isinstance(field, FormField):
            form.fieldset_errors.setdefault(field.name, []).extend(messages)
        else:
            field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]
    return unplaced


class FilterForm(base.Form):
    """The reporter dashboard's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search", description="Words of the title, or a reference.")
    state = SelectField(
        "State",
        choices=[
            choice("", "Any state"),
            choice("draft", "Draft"),
            choice("submitted", "Submitted"),
            choice("withdrawn", "Withdrawn"),
        ],
        validate_choice=False,
    )
    stage = SelectField(
        "Stage",
        choices=[choice("", "Any stage")]
        + [choice(stage.value, label) for stage, label in STAGE_LABELS.items()],
        validate_choice=False,
    )
    tlp = SelectField(
        "TLP",
        choices=[choice("", "Any label")]
        + [choice(tlp.value, label.split(" — ")[0]) for tlp, label in TLP_LABELS.items()],
        validate_choice=False,
    )
    deadline = SelectField(
        "Deadline",
        choices=[
            choice("", "Any"),
            choice("overdue", "Overdue"),
            choice("due_soon", "Due within 3 days"),
        ],
        validate_choice=False,
    )


class ReasonForm(base.Form):
    reason = TextAreaField("Reason", description="Required. It is kept with the report.")
    submit = SubmitField("Withdraw report")
