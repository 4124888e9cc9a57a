"""What the analysts' pages share: the blueprint, template helpers, the page's small forms,
and the facts shown beside a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

import taxonomy
from incidents.accounts.authentication import require_user
from incidents.accounts.models import User
from incidents.classification.display import in_words
from incidents.db import utcnow
from incidents.extensions import db_session
from incidents.refusals import NotFound
from incidents.registry import access
from incidents.registry.forms import STATUS_LABELS, incident_reference
from incidents.registry.models import Incident, IncidentStatus
from incidents.reports.models import Report

registry = Blueprint("registry", __name__)

#: The facts shown beside a report on the triage page, in this order.
KEY_FACTS = ("event_class", "harm_type", "countries", "sector", "ai_system", "occurred_on")


@registry.app_template_filter("age")
def age(moment: datetime | None) -> str:
    """How long ago ``moment`` was, in the largest whole unit (for queues and lists)."""
    if moment is None:
        return "—"
    seconds = max(int((utcnow() - moment).total_seconds()), 0)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "just now"


@registry.app_template_global()
def status_label(status: IncidentStatus | str) -> str:
    status = IncidentStatus(status)
    return STATUS_LABELS.get(status, status.value).split(" — ")[0]


def session_and_principal() -> tuple[Session, User]:
    return db_session(), require_user()


@dataclass
class PageForms:
    """The small forms of a page, each under its own prefix (key); the one that was posted
    carries its data and errors, the others are empty."""

    posted: FlaskForm | None = None
    posted_key: str = ""
    unplaced: list[str] | None = None

    def get(self, key: str, kind: type[FlaskForm]) -> Any:
        if self.posted is not None and key == self.posted_key:
            return self.posted
        return kind(prefix=key, formdata=None)


def target_incident(form: Any, name: str) -> Incident | None:
    """The incident named in ``form[name]`` if the caller may see it; else an error there."""
    field = form[name]
    reference = incident_reference(field.data)
    if reference is None:
        field.errors = [*field.errors, "Type an incident reference such as INC-2025-00012."]
        return None
    try:
        return access.named_incident(db_session(), require_user(), reference, name)
    except NotFound as missing:
        field.errors = [*field.errors, *missing.problems[name]]
        return None


def shows_identity(report: Report) -> bool:
    own = report.organization_id == require_user().organization_id
    return own or not report.withhold_identity


def event_class(report: Report) -> str:
    value = (report.classification or {}).get("event_class")
    tax = taxonomy.load(report.taxonomy_version)
    return in_words(tax.dimension("event_class"), value) if value else "—"


def key_facts(report: Report) -> list[tuple[str, str]]:
    """The classification facts analysts compare first, in words."""
    tax = taxonomy.load(report.taxonomy_version)
    classification = report.classification or {}
    facts = []
    for dimension_id in KEY_FACTS:
        value = classification.get(dimension_id)
        if value is not None and tax.has_dimension(dimension_id):
            dimension = tax.dimension(dimension_id)
            facts.append((dimension.label, in_words(dimension, value)))
    return facts
