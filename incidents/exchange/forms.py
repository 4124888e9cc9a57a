"""The forms of requests for information and notification preferences."""

from __future__ import annotations

from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from incidents.exchange.models import Delivery, NotificationKind
from incidents.exchange.notify import KIND_LABELS
from incidents.exchange.services import MAX_BODY
from incidents.forms import Form, choice

DELIVERY_LABELS = {
    Delivery.IMMEDIATE: "E-mail immediately",
    Delivery.DIGEST: "Daily digest",
    Delivery.OFF: "No e-mail (in the app only)",
}


class AskForm(Form):
    subject = StringField("Subject", validators=[DataRequired(), Length(max=200)])
    question = TextAreaField("Question", validators=[DataRequired(), Length(max=MAX_BODY)])
    answer_by = DateField(
        "Answer by (optional)",
        validators=[Optional()],
        description="The request is overdue after this day (UTC).",
    )
    submit = SubmitField("Ask the filing organisation")


class ReplyForm(Form):
    body = TextAreaField("Message", validators=[DataRequired(), Length(max=MAX_BODY)])
    linked_report = StringField(
        "Answered by a report (optional)",
        validators=[Optional(), Regexp(r"^RPT-[0-9]{4}-[0-9]{5,}$", message="RPT-YYYY-NNNNN")],
        description="The amended report or its follow-up, by reference.",
    )
    submit = SubmitField("Send")


class CloseForm(Form):
    note = TextAreaField("Closing note (optional)", validators=[Length(max=MAX_BODY)])
    submit = SubmitField("Close the request")


def preference_form(kinds: tuple[NotificationKind, ...]) -> type[Form]:
    """A form with one radio group per kind of notification the user can receive."""

    class PreferenceForm(Form):
        submit = SubmitField("Save preferences")

    options = [choice(d.value, label) for d, label in DELIVERY_LABELS.items()]
    for kind in kinds:
        setattr(
            PreferenceForm,
            kind.value,
            RadioField(KIND_LABELS[kind], choices=options, validators=[DataRequired()]),
        )
    return PreferenceForm
