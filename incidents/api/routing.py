"""One way into the JSON API: ``@json_route`` declares an operation once.

The decorator registers the route, guards it with its permission, reads the caller, the
session and (for writes) the JSON body, loads the query and the body with their schemas,
runs a write once per ``Idempotency-Key`` and commits, dumps the answer with the response
schema, and records the :class:`Operation` that the OpenAPI document is generated from
(:mod:`.openapi`). A view only loads what it acts on and calls a service; refusals
(:mod:`incidents.refusals`) are answered by the app's one error handler.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from marshmallow import Schema, fields
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest

from incidents.accounts.authentication import require_user
from incidents.accounts.models import User
from incidents.api.idempotency import Reply, run_once
from incidents.extensions import db_session
from incidents.input import unstorable_json
from incidents.paging import page_count
from incidents.refusals import Invalid, Problems
from incidents.reports.body import reject_constant
from incidents.schemas import load
from incidents.security.caller import Caller
from incidents.security.decorators import current_caller, public, require
from incidents.security.permissions import Permission

#: Deepest nesting a JSON body may have (arrays and objects), checked without recursion.
MAX_DEPTH = 64
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class PathParameter:
    """A path parameter as documented: what it is and the pattern it must match."""

    description: str
    pattern: str


@dataclass(frozen=True)
class Operation:
    """One API operation, as routed and as documented."""

    path: str  # the OpenAPI path, e.g. /api/v1/reports/{reference}
    method: str  # lower case
    endpoint: str
    summary: str
    description: str
    tag: str
    permission: Permission | None
    query: type[Schema] | None
    body: type[Schema] | None
    response: type[Schema] | None
    status: int
    errors: tuple[str, ...]
    parameters: Mapping[str, PathParameter]
    location: bool
    # A body, or a function making one when the document is built (dates relative to today).
    example: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None
    responses: Mapping[str, Any]

    @property
    def is_write(self) -> bool:
        return self.method != "get"


#: Every operation declared with :func:`json_route`, in declaration order.
OPERATIONS: list[Operation] = []


@dataclass
class Call:
    """What a view works with: the caller, its user and session, the loaded query, and
    :meth:`read` for the body (a view loads what it acts on first: a missing report answers
    404 before its body is judged)."""

    user: User
    session: Session
    caller: Caller
    query: dict[str, Any] = field(default_factory=dict)
    raw: Any = None
    reader: Callable[[], Any] | None = None

    def read(self) -> Any:
        """The request body loaded by the operation's schema; raises Invalid."""
        assert self.reader is not None, "this operation declares no body"
        return self.reader()


@dataclass(frozen=True)
class Answer:
    """A view's result when it needs more than the default: a status, extra headers."""

    value: Any
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


Checker = Callable[[Call, Mapping[str, Any], Mapping[str, Any]], Problems]


def json_route(
    blueprint: Blueprint,
    rule: str,
    *,
    method: str = "GET",
    permission: Permission | None,
    tag: str,
    response: type[Schema] | None = None,
    status: int = 200,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    check: Checker | None = None,
    errors: tuple[str, ...] = (),
    parameters: Mapping[str, PathParameter] | None = None,
    location: bool = False,
    example: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    responses: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the API operation ``method rule`` (``rule`` relative to the blueprint).

    The view is called as ``view(call, **path_arguments)`` and returns what ``response``
    dumps (or an :class:`Answer`). ``check(call, valid_fields, path_arguments)`` adds domain
    problems of the body's fields that passed the schema, so every problem is told at once.
    ``location`` documents the ``Location`` header the view's :class:`Answer` sends.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        operation = _declare(
            blueprint,
            rule,
            view,
            method=method,
            permission=permission,
            tag=tag,
            response=response,
            status=status,
            query=query,
            body=body,
            errors=errors,
            parameters=parameters,
            location=location,
            example=example,
            responses=responses,
        )

        @functools.wraps(view)
        def endpoint(**arguments: Any) -> Any:
            call = Call(user=require_user(), session=db_session(), caller=current_caller())
            if query is not None:
                call.query = load(query(), query_arguments(query))
            if not operation.is_write:
                return _respond(operation, view(call, **arguments))
            raw = call.raw = json_body()
            if body is not None:
                schema, checker = body(), _bound(check, call, arguments)
                call.reader = lambda: load(schema, raw, checker)

            def work() -> Reply:
                return _reply(operation, view(call, **arguments))

            return run_once(call.session, call.user.id, raw, work)

        assert permission is not None, "a public operation is declared with public_route"
        blueprint.add_url_rule(rule, view.__name__, require(permission)(endpoint), methods=[method])
        return view

    return decorate


def public_route(
    blueprint: Blueprint,
    rule: str,
    *,
    tag: str,
    response: type[Schema] | None = None,
    query: type[Schema] | None = None,
    errors: tuple[str, ...] = (),
    parameters: Mapping[str, PathParameter] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a public read ``GET rule``: anyone may call it, no token needed. The view is
    called as ``view(query, **path_arguments)`` with the loaded query parameters."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        operation = _declare(
            blueprint,
            rule,
            view,
            method="GET",
            permission=None,
            tag=tag,
            response=response,
            query=query,
            errors=errors,
            parameters=parameters,
        )

        @functools.wraps(view)
        def endpoint(**arguments: Any) -> Any:
            loaded = load(query(), query_arguments(query)) if query is not None else {}
            return _respond(operation, view(loaded, **arguments))

        blueprint.add_url_rule(rule, view.__name__, public(endpoint), methods=["GET"])
        return view

    return decorate


def _declare(
    blueprint: Blueprint, rule: str, view: Callable[..., Any], **details: Any
) -> Operation:
    """Record the operation ``view`` serves (its docstring's first line is the summary, the
    rest its description)."""
    doc = (view.__doc__ or "").strip()
    summary, _, description = doc.partition("\n")
    operation = Operation(
        path=_openapi_path((blueprint.url_prefix or "") + rule),
        method=details.pop("method").lower(),
        endpoint=f"{blueprint.name}.{view.__name__}",
        summary=summary.strip(),
        description=" ".join(description.split()),
        status=details.pop("status", 200),
        location=details.pop("location", False),
        example=details.pop("example", None),
        body=details.pop("body", None),
        parameters=details.pop("parameters", None) or {},
        responses=details.pop("responses", None) or {},
        **details,
    )
    OPERATIONS.append(operation)
    return operation


def _openapi_path(rule: str) -> str:
    """``/reports/<report_key:reference>`` as OpenAPI writes it: ``/reports/{reference}``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def _bound(
    check: Checker | None, call: Call, arguments: Mapping[str, Any]
) -> Callable[[Mapping[str, Any]], Problems] | None:
    if check is None:
        return None
    return lambda valid: check(call, valid, arguments)


def _dump(operation: Operation, value: Any) -> Any:
    return operation.response().dump(value) if operation.response is not None else value


def _reply(operation: Operation, result: Any) -> Reply:
    answer = result if isinstance(result, Answer) else Answer(result)
    body = _dump(operation, answer.value)
    return Reply(answer.status or operation.status, body, dict(answer.headers))


def _respond(operation: Operation, result: Any) -> Response:
    if isinstance(result, Response):  # an answer outside the operation's schema (a redirect)
        return result
    return _reply(operation, result).to_response()


# --- reading the request -------------------------------------------------------------------


def query_arguments(schema: type[Schema]) -> dict[str, Any]:
    """The query string as ``schema`` reads it: every value of a repeatable (list) parameter,
    the first value of any other."""
    repeatable = {
        found.data_key or name
        for name, found in schema().fields.items()
        if isinstance(found, fields.List)
    }
    return {
        name: request.args.getlist(name) if name in repeatable else value
        for name, value in request.args.to_dict(flat=True).items()
    }


def json_body() -> Any:
    """The request body parsed as JSON; 415 when it is not declared JSON, 400 when it is not
    JSON or nests deeper than :data:`MAX_DEPTH`; raises Invalid (422) naming the field that
    holds text no database stores (a NUL character or a lone surrogate)."""
    if request.mimetype != "application/json":
        abort(415, description="Send the body as JSON with 'Content-Type: application/json'.")
    try:
        text = request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(description="The body is not valid JSON: it is not UTF-8 text.") from None
    _check_depth(text)
    try:
        body = json.loads(text, parse_constant=reject_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(description=f"The body is not valid JSON: {error}") from None
    found = unstorable_json(text, body)
    if found is not None:
        path, problem = found
        raise Invalid({path: [problem]})
    return body


def _check_depth(text: str) -> None:
    """Refuse nesting beyond MAX_DEPTH before parsing (brackets inside strings count too,
    which only ever errs on the side of refusing)."""
    depth = deepest = 0
    for character in _BRACKETS.findall(text):
        if character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise BadRequest(description=f"The body nests deeper than {MAX_DEPTH} levels.")


def page_links(endpoint: str, query: Mapping[str, Any], total: int) -> dict[str, Any]:
    """``page``, ``per_page``, ``total``, ``pages`` and the navigation links of a list
    (links go no deeper than the last page within reach, :func:`incidents.paging.last_page`)."""
    page, per_page = query["page"], query["per_page"]
    pages = page_count(total, per_page)

    def link(number: int) -> str:
        return url_for(endpoint, **{**query, "page": number})

    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": {
            "self": link(page),
            "first": link(1),
            "last": link(pages),
            "prev": link(page - 1) if 1 < page <= pages + 1 else None,
            "next": link(page + 1) if page < pages else None,
        },
    }
