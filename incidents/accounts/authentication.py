"""Who is signed in: the session cookie for pages, ``Authorization: Bearer`` for the API.

Never both: the API ignores session cookies, so it needs no CSRF protection. The security
decorators ask this module through the principal loader set in ``init_login``.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, g, request
from flask_login import current_user

from incidents.accounts.models import ApiToken, User
from incidents.accounts.services import token_for_secret
from incidents.db import utcnow
from incidents.extensions import db_session
from incidents.security.decorators import is_api_request

# Recording last use at most once a minute keeps reads from turning into writes.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def signed_in_user() -> User | None:
    """The user acting in this request: by API token on the API, by session elsewhere.

    Aborts with 401 when an API request presents a malformed, unknown, revoked or expired
    token.
    """
    if is_api_request():
        if "api_token" not in g:
            g.api_token = _token_from_header()
        token: ApiToken | None = g.api_token
        return token.user if token is not None else None
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        return user
    return None


def require_user() -> User:
    """The signed-in user, for views already guarded by ``@require``."""
    user = signed_in_user()
    if user is None:
        abort(401)
    return user


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
    # Committed as authentication's own unit of work, before the view's: a read-only request
    # still records the use. (A second connection would wait on this request's own lock.)
    session = db_session()
    session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    session.commit()
    token.last_used_at = now
