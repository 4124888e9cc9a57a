"""View decorators: every endpoint declares who may call it, or the app refuses to start.

This is the one security module that touches the request: it asks the app's principal
loader who is acting and turns policy answers into 401 / 403. It imports no feature package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import Principal, has_permission

P = ParamSpec("P")
R = TypeVar("R")

ACCESS_RULE = "access_rule"
API_PREFIX = "/api/"
_PRINCIPAL_LOADER = "incidents.principal_loader"


class UndeclaredAccessError(RuntimeError):
    """An endpoint was registered without ``@public`` or ``@require(...)``."""


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def public(view: Callable[P, R]) -> Callable[P, R]:
    """Declare that anyone, signed in or not, may call ``view``."""
    setattr(view, ACCESS_RULE, "public")
    return view


def require(*permissions: Permission) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Declare that ``view`` needs every one of ``permissions``.

    Anonymous callers get 401 on the API and the login page on the site; callers lacking a
    permission get 403.
    """

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            principal = current_principal()
            if principal is None:
                if is_api_request():
                    abort(401, description="Send an API token: 'Authorization: Bearer <token>'.")
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not all(has_permission(principal, permission) for permission in permissions):
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_RULE, tuple(permissions))
        return guarded

    return decorate


def access_rule_of(view: Callable[..., Any]) -> object:
    return getattr(view, ACCESS_RULE, None)


def verify_access_declared(app: Flask) -> None:
    """Raise UndeclaredAccessError if any endpoint of ``app`` lacks an access rule."""
    undeclared = sorted(
        endpoint for endpoint, view in app.view_functions.items() if access_rule_of(view) is None
    )
    if undeclared:
        raise UndeclaredAccessError(
            "these endpoints declare no access rule (@public or @require): " + ", ".join(undeclared)
        )


def set_principal_loader(app: Flask, loader: Callable[[], Principal | None]) -> None:
    """Tell the decorators how this app finds the signed-in principal."""
    app.extensions[_PRINCIPAL_LOADER] = loader


def current_principal() -> Principal | None:
    """The principal acting in this request, or None when anonymous."""
    loader: Callable[[], Principal | None] = current_app.extensions[_PRINCIPAL_LOADER]
    return loader()


def current_caller() -> Caller:
    """The Caller to hand to services for this request."""
    return Caller(
        principal=current_principal(),
        channel="api" if is_api_request() else "web",
        address=request.remote_addr,
    )
