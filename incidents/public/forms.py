"""The form of a public summary: text written for the public, a public classification, the
month and countries, the names a drafter clears, and a correction's note."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

import taxonomy
from incidents.forms import Form, MultiCheckboxField, choice
from incidents.public.services import MAX_NOTE, MAX_SUMMARY, MAX_TITLE, MONTH

#: The public classification the form offers (every public dimension may be sent by API).
OFFERED = ("event_class", "harm_type", "sector")


class SummaryForm(Form):
    version = HiddenField()
    title = StringField(
        "Public title",
        validators=[DataRequired(message="Give the public a title."), Length(max=MAX_TITLE)],
    )
    summary = TextAreaField(
        "Public summary",
        validators=[DataRequired(message="Write the summary."), Length(max=MAX_SUMMARY)],
        description="What the public should know, in words written for them. No person may "
        "be named; organisations and AI systems only when you clear them below.",
        render_kw={"rows": 10},
    )
    month = StringField(
        "Month of the event",
        validators=[Optional(), Regexp(MONTH, message="Give the month as YYYY-MM.")],
        description="YYYY-MM: the public never sees the day.",
    )
    countries = SelectMultipleField("Countries", validate_choice=False, render_kw={"size": 8})
    event_class = SelectField("Event class", validate_choice=False)
    harm_type = MultiCheckboxField("Harm types", validate_choice=False)
    sector = SelectField("Sector", validate_choice=False)
    cleared_names = MultiCheckboxField(
        "Names you clear for publication",
        validate_choice=False,
        description="An organisation or AI system named in the reports may appear in the "
        "text only when you clear it here. A person's name can never be cleared.",
    )
    change_note = TextAreaField(
        "What this correction changes",
        validators=[Optional(), Length(max=MAX_NOTE)],
        description="Required for a correction of a published summary: the public sees it.",
    )

    def __init__(self, *args: Any, clearable: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tax = taxonomy.load()
        for name in OFFERED:
            dimension = tax.dimension(name)
            options = [choice(value.id, value.label) for value in dimension.choices()]
            self[name].choices = (
                [choice("", "— not stated —"), *options] if dimension.kind == "single" else options
            )
        self.countries.choices = [
            choice(value.id, value.label) for value in tax.dimension("countries").choices()
        ]
        self.cleared_names.choices = [choice(name, name) for name in clearable]

    def classification(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in OFFERED:
            value = self[name].data
            if value:
                found[name] = list(value) if isinstance(value, list) else value
        return found


class ReasonForm(Form):
    reason = TextAreaField(
        "Why it is withdrawn",
        validators=[DataRequired(message="Say why, for the public."), Length(max=MAX_NOTE)],
    )
