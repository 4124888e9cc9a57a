"""Errors: JSON ``{"error", "details"}`` on the API, pages everywhere else.

Domain refusals (:mod:`incidents.refusals`) are translated here once for both channels: an
``Invalid`` answers 422 with its problems by field path, a ``Conflict`` 409, ``NotFound``
404, ``Forbidden`` 403. Every error first rolls the request's database session back, so the
error page itself never runs into a failed transaction, and every answer, even a 500, goes
through the hooks that add the security headers.

A database that cannot be reached (PostgreSQL restarting, a dropped connection) or cannot be
written (a read-only SQLite file, a full disk) answers 503 with ``Retry-After`` and a page or
JSON error saying that nothing was saved, never a stack trace: the request's transaction is
rolled back, so nothing is half-written, and the pool's pre-ping reconnects once it is back.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, current_app, g, jsonify, make_response, render_template
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    RequestEntityTooLarge,
    ServiceUnavailable,
    UnprocessableEntity,
)
from werkzeug.wrappers import Response

from incidents.refusals import Conflict, Invalid, NotFound, Refused
from incidents.security.decorators import is_api_request

#: What a lost race answers when the service had no words of its own.
CHANGED_MEANWHILE = "It changed meanwhile; nothing was saved. Read it again and retry."
_NAMES = {403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}
#: Errors that say the database is down or refuses writes, not that the request is wrong.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
#: Seconds a client is asked to wait before trying again while the database is unavailable.
RETRY_AFTER_SECONDS = 5
#: PostgreSQL's SQLSTATE of a statement cancelled by ``statement_timeout``.
QUERY_CANCELED = "57014"
_READ_ONLY = ("readonly", "read-only", "disk is full", "disk full", "no space left")


class ValidationFailed(UnprocessableEntity):
    """Input failed validation: ``details`` maps each field path to its messages."""

    def __init__(
        self, details: dict[str, Any], message: str = "The request has invalid fields."
    ) -> None:
        super().__init__(description=message)
        self.details = details


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(RequestEntityTooLarge, _handle_too_large)
    app.register_error_handler(Refused, _handle_refusal)
    app.register_error_handler(StaleDataError, _handle_stale)
    app.register_error_handler(InternalServerError, _handle_internal_error)
    for database_error in DATABASE_UNAVAILABLE:
        app.register_error_handler(database_error, _handle_database_unavailable)


def rollback() -> None:
    """Roll the request's session back, if it has one (a failed flush leaves it unusable).
    A connection that is gone cannot be rolled back: its transaction is gone with it."""
    session: Session | None = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except DATABASE_UNAVAILABLE:
            current_app.logger.warning("the rollback failed: the database connection is gone")


def unavailable_message(error: BaseException) -> str:
    """What a person is told when the database cannot be used: read-only (or full) storage,
    or an unreachable database. Either way nothing was saved."""
    text = str(getattr(error, "orig", None) or error).lower()
    if timed_out(error):
        return (
            "The request took too long and the database stopped it. Nothing was saved. "
            "Please try again, or ask for less at once (a narrower search or list)."
        )
    if any(marker in text for marker in _READ_ONLY):
        return (
            "The site cannot store anything right now: its database is read-only or its disk "
            "is full. Nothing was saved. Please try again later; the operators have been told."
        )
    return (
        "The database cannot be reached right now. Nothing was saved. "
        f"Please try again in {RETRY_AFTER_SECONDS} seconds."
    )


def timed_out(error: BaseException) -> bool:
    """Whether a database error is a statement stopped by the request's statement timeout
    (PostgreSQL's ``statement_timeout``, SQLite's progress handler: see ``incidents.db``)."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) == QUERY_CANCELED:
        return True
    return isinstance(original, sqlite3.OperationalError) and str(original) == "interrupted"


def _handle_database_unavailable(error: Exception) -> Response:
    current_app.logger.error(
        "database unavailable: %s", str(getattr(error, "orig", None) or error).strip()
    )
    response = _handle_http_error(ServiceUnavailable(description=unavailable_message(error)))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_large_message(limit: int | None) -> str:
    """What a sender of too large a request is told: the limit, and that nothing was kept."""
    size = f"{limit:,} bytes ({limit / 1_048_576:.1f} MiB)" if limit else "the limit"
    return (
        f"The request is too large: this site accepts at most {size} in one request. "
        "Nothing was saved. Send less at once (shorter texts, fewer reports in a batch)."
    )


def _handle_too_large(error: RequestEntityTooLarge) -> Response:
    if type(error) is not RequestEntityTooLarge:  # an operation's own limit (a batch's size)
        return _handle_http_error(error)
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return _handle_http_error(RequestEntityTooLarge(description=too_large_message(limit)))


def _handle_internal_error(error: InternalServerError) -> Response:
    # An error raised outside a view (e.g. in an after-request hook) arrives wrapped.
    if isinstance(error.original_exception, DATABASE_UNAVAILABLE):
        return _handle_database_unavailable(error.original_exception)
    return _handle_http_error(error)


def _handle_refusal(refusal: Refused) -> Response:
    """A domain refusal as the API's JSON error or the site's error page."""
    if isinstance(refusal, Invalid):
        error: HTTPException = ValidationFailed(refusal.problems)
    elif isinstance(refusal, NotFound) and refusal.problems:
        error = ValidationFailed(refusal.problems, str(refusal))
        error.code = NotFound.status
    else:
        error = HTTPException(description=str(refusal))
        error.code = refusal.status
        if isinstance(refusal, Conflict) and refusal.details is not None:
            error.details = refusal.details  # type: ignore[attr-defined]
    return _handle_http_error(error)


def _handle_stale(_error: StaleDataError) -> Response:
    return _handle_refusal(Conflict(CHANGED_MEANWHILE))


def _handle_http_error(error: HTTPException) -> Response:
    rollback()
    code = error.code or 500
    name = _NAMES.get(code, error.name) if type(error) is HTTPException else error.name
    if is_api_request():
        details = getattr(error, "details", None)
        response = jsonify({"error": name, "details": details or error.description})
    else:
        details = getattr(error, "details", None)
        page = render_template(
            "errors/error.html", error=error, name=name, code=code, details=details or {}
        )
        response = make_response(page)
    response.status_code = code
    if code == 401 and is_api_request():
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429 and error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response
