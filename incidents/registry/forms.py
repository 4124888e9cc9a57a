"""The analysts' forms: triage decisions, merge, split, unlink, undo a merge, curation.

A triage or incident page holds many small forms (one per candidate or report row); each is
a form with its own ``prefix`` so the ids on the page stay unique. They carry no CSRF field
of their own: ``CSRFProtect`` checks every POST, and each form posts the page's one token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wtforms import (
    Field,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

import taxonomy
from incidents.forms import Form, MultiCheckboxField, choice
from incidents.registry.audiences import Distribution
from incidents.registry.checks import MAX_REASON, MAX_TITLE
from incidents.registry.curation import MAX_NARRATIVE
from incidents.registry.models import IncidentCuration, IncidentStatus
from incidents.reports.models import Tlp

#: An incident reference as analysts type it (the suggestions add its title after it).
INCIDENT_REFERENCE = re.compile(r"\bINC-\d{4}-\d{5}\b", re.IGNORECASE)
#: The classification dimensions an analyst curates on the edit page.
CURATED_DIMENSIONS = ("event_class", "harm_type", "countries", "sector")
STATUS_LABELS = {
    IncidentStatus.OPEN: "Open — reports are coming in, not reviewed yet",
    IncidentStatus.CONFIRMED: "Confirmed — reviewed: one real-world event",
    IncidentStatus.CLOSED: "Closed — no more reports expected",
}
SAY_WHY = "Say why, for the audit log and the other analysts."
_TARGET_HELP = "Its reference, e.g. INC-2025-00012; type words of its title for suggestions."
# The page's <datalist> of suggestions, which autocomplete.js fills as the analyst types.
_SUGGESTED = {"list": "incident-options", "autocomplete": "off", "spellcheck": "false"}


def _reason(label: str, *, required: bool, help_text: str = "") -> TextAreaField:
    validators: list[Any] = [Length(max=MAX_REASON)]
    if required:
        validators.insert(0, DataRequired(message=SAY_WHY))
    return TextAreaField(label, validators=validators, description=help_text or None)


def _incident(label: str, *, missing: str, help_text: str = "") -> StringField:
    """An "incident" field: a reference, with the page's suggestions as the analyst types."""
    return StringField(
        label,
        validators=[InputRequired(message=missing)],
        description=_TARGET_HELP + help_text,
        render_kw=_SUGGESTED,
    )


class _PageForm(Form):
    class Meta:
        csrf = False  # CSRFProtect checks the page's token on every POST (see module doc)


class ConfirmForm(_PageForm):
    reason = _reason("Note (optional)", required=False)


class RejectForm(_PageForm):
    reason = _reason(
        "Why it is a different event",
        required=False,
        help_text="Required when the engine linked it automatically: the report moves out.",
    )


class LinkForm(_PageForm):
    target = _incident("Incident", missing="Type the reference of the incident to link to.")
    reason = _reason("Note (optional)", required=False)


class NewIncidentForm(_PageForm):
    reason = _reason("Note (optional)", required=False)


class ReconsiderForm(_PageForm):
    """An answer to a merge proposal or a doubtful link (accept, reject, keep, unlink)."""

    reason = _reason("Note (optional)", required=False)


class MergeForm(_PageForm):
    target = _incident(
        "Merge into incident",
        missing="Type the reference of the incident to merge into.",
        help_text=" This incident then redirects there.",
    )
    reason = _reason("Reason", required=True)


class SplitForm(_PageForm):
    reports = MultiCheckboxField(
        "Reports to split off",
        validators=[DataRequired(message="Choose at least one report to split off.")],
        validate_choice=False,
    )
    title = StringField(
        "Title of the new incident (optional)",
        validators=[Optional(), Length(max=MAX_TITLE)],
        description="Leave empty to name it after its first report.",
    )
    reason = _reason("Reason", required=True)


class UnlinkForm(_PageForm):
    reason = _reason(
        "Reason",
        required=True,
        help_text="A report left in no incident gets a new incident of its own.",
    )


class UnmergeForm(_PageForm):
    reason = _reason("Reason", required=True)


class IncidentFilterForm(Form):
    """The incident list's filter (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search", description="A reference or words of a title.")


#: Who may read a curation: as narrow as the reports it derives from, or widened on purpose.
DERIVED = "derived"
WIDER = {
    Tlp.AMBER: "TLP:AMBER — analysts of every institute in the network",
    Tlp.GREEN: "TLP:GREEN — every institute in the network",
    Tlp.CLEAR: "TLP:CLEAR — the network, and it may feed a public summary",
}


class CurationForm(Form):
    """Your institute's title, narrative and main classification of an incident, its
    audience, and the incident's status, guarded by the incident's version."""

    version = HiddenField(
        validators=[InputRequired(message="This form is out of date: reload the page.")]
    )
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=MAX_TITLE)],
        description="Leave empty to name the incident after its first report (each reader "
        "then sees the first report they may read).",
    )
    status = SelectField(
        "Status",
        choices=[choice(status.value, label) for status, label in STATUS_LABELS.items()],
        validate_choice=False,
    )
    narrative = TextAreaField(
        "What happened",
        validators=[Optional(), Length(max=MAX_NARRATIVE)],
        description="Your institute's account of the event, drawn from the reports you read.",
    )
    distribution = SelectField(
        "Who may read your curation",
        choices=[
            choice(DERIVED, "As narrow as the reports it draws on (recommended)"),
            *(choice(tlp.value, label) for tlp, label in WIDER.items()),
        ],
        default=DERIVED,
        description="A wider choice shares what you wrote beyond the reports' own "
        "distribution: it is recorded in the audit log.",
    )

    event_class = SelectField("Event class", validate_choice=False)
    harm_type = MultiCheckboxField("Harm types", validate_choice=False)
    countries = SelectMultipleField(
        "Countries",
        validate_choice=False,
        description="Hold Ctrl (or Cmd) to choose several.",
        render_kw={"size": 10},
    )
    sector = SelectField("Sector", validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tax = taxonomy.load()
        self.taxonomy_version = tax.version
        self.dimension_fields: list[Field] = []
        for dimension_id in CURATED_DIMENSIONS:
            self.dimension_fields.append(self[dimension_id])
            self[dimension_id].choices = _options(tax.dimension(dimension_id))

    def chosen_distribution(self) -> Distribution | None:
        """The widened distribution chosen, or None to keep the curation narrow."""
        value = self.distribution.data or DERIVED
        return Distribution(Tlp(value)) if value in {tlp.value for tlp in WIDER} else None

    def version_number(self) -> int | None:
        try:
            return int(self.version.data or "")
        except ValueError:
            return None


def _options(dimension: taxonomy.Dimension) -> list[Any]:
    options = [choice(value.id, value.label) for value in dimension.choices()]
    if dimension.kind == "single":
        return [choice("", "— not curated —"), *options]
    return options


def curation_data(curation: IncidentCuration | None, status: str) -> dict[str, Any]:
    """What pre-fills the curation form: your institute's curation (if any) and the status."""
    classification = curation.classification if curation else {}
    data: dict[str, Any] = {
        "title": (curation.title if curation else None) or "",
        "status": status,
        "narrative": curation.narrative if curation else "",
        "distribution": DERIVED,
    }
    for dimension_id in CURATED_DIMENSIONS:
        data[dimension_id] = classification.get(dimension_id) or (
            [] if dimension_id in ("harm_type", "countries") else ""
        )
    return data


def curated_classification(form: CurationForm, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The classification to store: ``stored`` with the form's dimensions replaced."""
    result = {key: value for key, value in stored.items() if key not in CURATED_DIMENSIONS}
    for dimension_id in CURATED_DIMENSIONS:
        value = form[dimension_id].data
        if value:
            result[dimension_id] = list(value) if isinstance(value, list) else value
    return result


def incident_reference(text: str | None) -> str | None:
    """The incident reference in what an analyst typed or chose, upper-cased; else None."""
    found = INCIDENT_REFERENCE.search(text or "")
    return found.group(0).upper() if found else None
