"""Checking the fields of a report body that passed its schema, as the JSON API and bulk
import both receive it: :func:`incidents.schemas.load` merges these problems with the
schema's, every one keyed by where the field sits in the body (``distribution.tlp``,
``references[0]``, ``classification.harm_type``), so an integrator learns everything wrong at
once, in the same words whichever way the report came in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import taxonomy
from incidents.refusals import Problems
from incidents.reports.content import ReportContent, check_content
from incidents.reports.models import ReportState, Tlp
from incidents.schemas import Checker


def reject_constant(name: str) -> None:
    """For ``json.loads(parse_constant=...)``: NaN and Infinity are not JSON numbers."""
    raise ValueError(f"{name} is not a JSON number")


def partial_content(valid: Mapping[str, Any]) -> ReportContent:
    """What can be read as report content from the fields that passed the schema."""
    distribution = valid.get("distribution")
    has_distribution = isinstance(distribution, Mapping) and "tlp" in distribution
    classification = valid.get("classification")
    references = valid.get("references")
    return ReportContent(
        title=str(valid.get("title", "")),
        description=str(valid.get("description", "")),
        tlp=distribution["tlp"] if has_distribution else Tlp.AMBER.value,  # type: ignore[index]
        recipients=tuple(distribution.get("recipients", ())) if has_distribution else (),  # type: ignore[union-attr]
        taxonomy_version=str(valid.get("taxonomy_version", "")),
        classification=classification if isinstance(classification, Mapping) else {},
        references=tuple(r for r in references if isinstance(r, str))
        if isinstance(references, list)
        else (),
    )


def content_problems(
    content: ReportContent,
    *,
    stage: str,
    complete: bool,
    known_recipients: list[str],
    version: str | None = None,
) -> Problems:
    """Every problem of ``content`` by body path; its taxonomy version defaults to
    ``version`` or the latest."""
    version = content.taxonomy_version or version or taxonomy.load().version
    checked = replace(content, taxonomy_version=version)
    return check_content(checked, stage=stage, known_recipients=known_recipients, complete=complete)


def new_report_checker(known_recipients: Callable[[], list[str]]) -> Checker:
    """The content check of a new report's fields that passed the schema."""

    def check(valid: Mapping[str, Any]) -> Problems:
        complete = valid.get("state") != ReportState.DRAFT.value
        return content_problems(
            partial_content(valid),
            stage="initial",
            complete=complete,
            known_recipients=known_recipients(),
        )

    return check
