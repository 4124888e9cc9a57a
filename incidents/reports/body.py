"""Reading a report body, as the JSON API and bulk import both receive it.

marshmallow's problems and the content checks' problems are merged, every one keyed by where
the field sits in the body (``distribution.tlp``, ``references[0]``,
``classification.harm_type``), so an integrator learns everything wrong at once, in the same
words whichever way the report came in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from marshmallow import Schema, ValidationError

import taxonomy
from incidents.reports.content import Problems, ReportContent, ReportInvalid, check_content
from incidents.reports.models import ReportState, Tlp

# Content paths that sit elsewhere in the body.
BODY_PATHS = {"tlp": "distribution.tlp", "recipients": "distribution.recipients"}
WHOLE_BODY = "_schema"

Checker = Callable[[Mapping[str, Any]], Problems]


def reject_constant(name: str) -> None:
    """For ``json.loads(parse_constant=...)``: NaN and Infinity are not JSON numbers."""
    raise ValueError(f"{name} is not a JSON number")


def load_body(schema: Schema, body: Any, check: Checker | None = None) -> Any:
    """``body`` loaded by ``schema``; raises ReportInvalid with every problem at once.

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
        raise ReportInvalid(problems) from None


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


def body_paths(problems: Problems) -> Problems:
    """The content checks' problems keyed by where the field is in the body."""
    found: Problems = {}
    for path, messages in problems.items():
        head, bracket, rest = path.partition("[")
        found.setdefault(BODY_PATHS.get(head, head) + bracket + rest, []).extend(messages)
    return found


def overlaps(path: str, other: str) -> bool:
    """Whether one path is the other or inside it (``a`` and ``a.b``, ``a`` and ``a[0]``)."""
    shorter, longer = sorted((path, other), key=len)
    return longer == shorter or longer.startswith((shorter + ".", shorter + "["))


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
    return body_paths(
        check_content(checked, stage=stage, known_recipients=known_recipients, complete=complete)
    )


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
