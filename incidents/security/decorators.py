"""View decorators: every endpoint declares who may call it, or the app refuses to start.

This is the one security module that touches the request: it finds the caller (session
cookie for pages, ``Authorization: Bearer`` for the JSON API, never both) and turns policy
answers into 401 / 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from incidents.accounts.models import ApiToken, User
from incidents.accounts.services import token_for_secret
from incidents.db import utcnow
from incidents.extensions import db_session, services
from incidents.security.caller import Caller
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

P = ParamSpec("P")
R = TypeVar("R")

ACCESS_RULE = "access_rule"
API_PREFIX = "/api/"
# Recording last use at most once a minute keeps reads from turning into writes.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


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


def current_principal() -> User | None:
    """The signed-in user of this request: by API token on the API, by session elsewhere."""
    if is_api_request():
        return _api_principal()
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        return user
    return None


def current_caller() -> Caller:
    """The Caller to hand to services for this request."""
    return Caller(
        principal=current_principal(),
        channel="api" if is_api_request() else "web",
        address=request.remote_addr,
    )


def _api_principal() -> User | None:
    if "api_token" not in g:
        g.api_token = _token_from_header()
    token: ApiToken | None = g.api_token
    return token.user if token is not None else None


def _token_from_header() -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, description="Use the header 'Authorization: Bearer <token>'.")
    token = token_for_secret(db_session(), secret.strip())
    if token is None:
        abort(401, description="The token is unknown, revoked or expired.")
    _note_use(token)
    return token


def _note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < _LAST_USED_RESOLUTION:
        return
    # Written in its own short transaction: a read-only request still records the use.
    with services().database.session_factory() as session:
        session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        session.commit()
    token.last_used_at = now
