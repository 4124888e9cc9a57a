"""Errors: JSON ``{"error", "details"}`` on the API, pages everywhere else."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, make_response, render_template
from werkzeug.exceptions import HTTPException, MethodNotAllowed, UnprocessableEntity
from werkzeug.wrappers import Response

from incidents.security.decorators import is_api_request


class ValidationFailed(UnprocessableEntity):
    """Input failed validation: ``details`` maps each field path to its messages."""

    def __init__(
        self, details: dict[str, Any], message: str = "The request has invalid fields."
    ) -> None:
        super().__init__(description=message)
        self.details = details


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_error)


def _handle_http_error(error: HTTPException) -> Response:
    code = error.code or 500
    if is_api_request():
        details = getattr(error, "details", None)
        response = jsonify({"error": error.name, "details": details or error.description})
    else:
        page = render_template("errors/error.html", error=error, code=code)
        response = make_response(page)
    response.status_code = code
    if code == 401 and is_api_request():
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429 and error.response is not None and "Retry-After" in error.response.headers:
        response.headers["Retry-After"] = error.response.headers["Retry-After"]
    return response
