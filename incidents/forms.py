"""Form pieces every page uses: choices, a confirm button, a group of checkboxes."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import FormField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from incidents.input import text_problem


def choice(value: str | int, label: str) -> Any:
    """One option of a SelectField: WTForms 3.3 deprecates plain tuples as choices."""
    return SelectChoice(value, label)


class Form(FlaskForm):
    """Every page's form: text no database stores (a NUL character, a lone surrogate) is
    refused beside the field that holds it, whatever else the form checks."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for field in _fields_of(self):
            problem = next(
                (
                    found
                    for value in field.raw_data or ()
                    if isinstance(value, str) and (found := text_problem(value))
                ),
                None,
            )
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def _fields_of(form: Any) -> list[Any]:
    """Every field of ``form``, those of its sub-forms included."""
    found = []
    pending = list(form)
    while pending:
        field = pending.pop()
        if isinstance(field, FormField):
            pending.extend(field.form)
        else:
            found.append(field)
    return found


class ConfirmForm(Form):
    """A button that changes state: only its CSRF token is checked."""

    submit = SubmitField("Confirm")


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (the template renders each option with its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
