"""Form pieces every page uses: choices, a confirm button, a group of checkboxes."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choice(value: str | int, label: str) -> Any:
    """One option of a SelectField: WTForms 3.3 deprecates plain tuples as choices."""
    return SelectChoice(value, label)


class ConfirmForm(FlaskForm):
    """A button that changes state: only its CSRF token is checked."""

    submit = SubmitField("Confirm")


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (the template renders each option with its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
