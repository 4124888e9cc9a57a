"""What a reporter writes into a report, checked before anything is stored.

``ReportContent`` is the input of every filing service (web form, API, bulk import), so all
three apply exactly the same rules. ``check_content`` returns every problem at once, keyed
by field path (the path of the field in the JSON body, e.g. ``distribution.tlp``), in words
a reporter understands.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import taxonomy
from incidents.refusals import Invalid, Problems
from incidents.reports.models import Tlp

MAX_TITLE = 300
MAX_DESCRIPTION = 50_000
MAX_REFERENCES = 50
MAX_URL = 2_000
#: Where the distribution's fields are, in problems as in the JSON body.
TLP = "distribution.tlp"
RECIPIENTS = "distribution.recipients"


class ReportInvalid(Invalid):
    """The report cannot be stored as given; ``problems`` maps field paths to messages."""


@dataclass(frozen=True)
class ReportContent:
    """Everything a reporter provides about a report (its classification included)."""

    title: str = ""
    description: str = ""
    tlp: str = Tlp.AMBER_STRICT.value
    recipients: tuple[str, ...] = ()
    withhold_identity: bool = False
    taxonomy_version: str = ""
    classification: Mapping[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()

    def snapshot(self, stage: str) -> dict[str, Any]:
        """The content as stored in a revision (JSON-ready, canonical order)."""
        return {
            "stage": stage,
            "title": self.title,
            "description": self.description,
            "tlp": self.tlp,
            "recipients": sorted(self.recipients),
            "withhold_identity": self.withhold_identity,
            "taxonomy_version": self.taxonomy_version,
            "classification": dict(self.classification),
            "references": list(self.references),
        }


def content_hash(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a revision's content: the receipt's fingerprint."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_content(
    content: ReportContent, *, stage: str, known_recipients: Sequence[str], complete: bool
) -> Problems:
    """Every problem with ``content`` for a report at ``stage``.

    ``known_recipients`` are the names of the institutes a report may be addressed to.
    ``complete`` is False for drafts: then nothing is required yet, but what is given must
    still be well-formed.
    """
    problems: Problems = {}
    _check_text(problems, "title", content.title, MAX_TITLE, complete)
    _check_text(problems, "description", content.description, MAX_DESCRIPTION, complete)
    _check_distribution(problems, content, known_recipients, complete)
    _check_references(problems, content.references)
    version = content.taxonomy_version
    if version not in taxonomy.versions():
        known = ", ".join(taxonomy.versions())
        _add(problems, "taxonomy_version", f"Unknown taxonomy version {version!r}; use {known}.")
        return problems
    for problem in taxonomy.load(version).validate(content.classification, stage):
        if complete or problem.code != "required":
            path = f"classification.{problem.path}" if problem.path else "classification"
            _add(problems, path, problem.message)
    return problems


def _add(problems: Problems, path: str, message: str) -> None:
    problems.setdefault(path, []).append(message)


def _check_text(problems: Problems, name: str, text: str, limit: int, complete: bool) -> None:
    if complete and not text.strip():
        _add(problems, name, f"Give the report a {name}.")
    if len(text) > limit:
        _add(problems, name, f"Keep the {name} under {limit:,} characters (it has {len(text):,}).")


def _check_distribution(
    problems: Problems, content: ReportContent, known_recipients: Sequence[str], complete: bool
) -> None:
    try:
        tlp = Tlp(content.tlp)
    except ValueError:
        labels = ", ".join(label.value for label in Tlp)
        _add(problems, TLP, f"{content.tlp!r} is not a TLP label; choose one of {labels}.")
        return
    if complete and tlp.needs_recipients and not content.recipients:
        _add(problems, RECIPIENTS, "Name at least one recipient institute for this TLP label.")
    if content.recipients and not tlp.needs_recipients:
        _add(problems, RECIPIENTS, "Recipients are named only for RED and AMBER+STRICT.")
    for index, name in enumerate(content.recipients):
        if name not in known_recipients:
            _add(
                problems, f"{RECIPIENTS}[{index}]", f"{name!r} is not an institute of the network."
            )
    if len(set(content.recipients)) != len(content.recipients):
        _add(problems, RECIPIENTS, "Each institute may be named once.")


def _check_references(problems: Problems, references: Sequence[str]) -> None:
    if len(references) > MAX_REFERENCES:
        _add(problems, "references", f"Give at most {MAX_REFERENCES} references.")
    for index, url in enumerate(references):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
            _add(
                problems,
                f"references[{index}]",
                f"{url[:80]!r} is not a web address (http or https).",
            )
