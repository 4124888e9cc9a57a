"""Flask-Login wiring: sessions carry ``id:nonce`` and expire when idle or too old."""

from __future__ import annotations

import hmac
import time

import sqlalchemy as sa
from flask import Flask, current_app, session
from flask_login import current_user, login_user, logout_user

from incidents.accounts.authentication import signed_in_user
from incidents.accounts.models import User
from incidents.extensions import db_session, login_manager
from incidents.security.decorators import is_api_request, set_principal_loader


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    set_principal_loader(app, signed_in_user)
    app.before_request(expire_stale_session)


def load_user(identity: str) -> User | None:
    """The user a session names, if its nonce is current and it may still sign in."""
    user_id, _, nonce = identity.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db_session().scalar(sa.select(User).where(User.id == int(user_id)))
    if user is None or not hmac.compare_digest(user.session_nonce, nonce):
        return None
    if not (user.is_active and user.organization.is_active):
        return None
    return user


def start_session(user: User) -> None:
    """A brand-new session for ``user`` (old session data is dropped)."""
    session.clear()
    session.permanent = True
    login_user(user)
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now


def expire_stale_session() -> None:
    """End a web session that was idle too long or began too long ago."""
    if is_api_request() or not current_user.is_authenticated:
        return
    settings = current_app.config["INCIDENTS_SETTINGS"]
    now = int(time.time())
    idle = now - int(session.get("seen_at", 0))
    age = now - int(session.get("login_at", 0))
    if idle > settings.session_idle_minutes * 60 or age > settings.session_absolute_hours * 3600:
        logout_user()
        session.clear()
        return
    session["seen_at"] = now
