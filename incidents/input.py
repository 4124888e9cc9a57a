"""Text no database stores is refused where it enters, naming where it was.

A NUL character or a lone surrogate cannot be stored as text (PostgreSQL refuses the first,
UTF-8 the second). They are refused before any query sees them: in the path (404, like any
other key that names nothing), in the query string (422 naming the parameter), in a JSON
body (422 naming the field's path) and, on pages, in a form (an error beside the field, see
:class:`incidents.forms.Form`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from incidents.refusals import Invalid, NotFound
from incidents.security.decorators import is_api_request


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, in words for the sender, or None."""
    if "\x00" in text:
        return "Remove the NUL character (\\u0000): no text can hold it."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Remove the lone surrogate: it is not a Unicode character."
    return None


def unstorable(value: Any) -> tuple[str, str] | None:
    """The first place in ``value`` (any JSON value) holding text no database stores, as
    (field path, why), or None. Iterative: no depth makes it recurse."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path or "_schema", problem
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", each) for index, each in enumerate(item))
        elif isinstance(item, dict):
            for key, each in item.items():
                child = f"{path}.{key}" if path else str(key)
                problem = text_problem(str(key))
                if problem:
                    return path or "_schema", f"A field name is not text. {problem}"
                pending.append((child, each))
    return None


#: A JSON escape that parses to a NUL character or to half of a surrogate pair.
_RISKY_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def unstorable_json(text: str, value: Any) -> tuple[str, str] | None:
    """:func:`unstorable` for ``value`` parsed from the JSON ``text``. Decoded UTF-8 holds no
    lone surrogate, so without a NUL character or an escape that could make one or the other
    the value holds none either and is not walked (a large batch is mostly such text)."""
    if "\x00" not in text and _RISKY_ESCAPE.search(text) is None:
        return None
    return unstorable(value)


def _query_problems() -> Iterator[tuple[str, str]]:
    for name, values in request.args.lists():
        for text in (name, *values):
            problem = text_problem(text)
            if problem:
                yield (name if text_problem(name) is None else "_query", problem)
                break


def refuse_unstorable_input() -> None:
    """Before a view: refuse text no database stores in the path or the query string."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value):
            if is_api_request():
                raise NotFound("There is nothing with this reference.")
            abort(404)
    problems = dict(_query_problems())
    if problems:
        raise Invalid({name: [message] for name, message in problems.items()})


class IdConverter(IntegerConverter):
    """``<id:name>``: a database id in a path; beyond its 32-bit column it matches nothing
    (404), so no query ever sees it."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class ReportKeyConverter(BaseConverter):
    """``<report_key:name>``: a report's reference or ``draft-<id>``; any other text matches
    no route (so ``/reports/batch`` is never a report)."""

    regex = r"RPT-[0-9]{4}-[0-9]{5,}|draft-[0-9]{1,10}"


class IncidentReferenceConverter(BaseConverter):
    """``<incident_ref:name>``: an incident's reference."""

    regex = r"INC-[0-9]{4}-[0-9]{5,}"


def init_input_checks(app: Flask) -> None:
    """Register the path converters and the check of every request's path and query (before
    the blueprints are registered, which use the converters)."""
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["report_key"] = ReportKeyConverter
    app.url_map.converters["incident_ref"] = IncidentReferenceConverter
    app.before_request(refuse_unstorable_input)
