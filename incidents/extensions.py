"""The Flask extensions, created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from flask import current_app, g, has_request_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from incidents.db import STATEMENT_TIMEOUT, Base
from incidents.security import counters  # noqa: F401 - registers the ``sqlite`` storage scheme

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
migrate = Migrate()


@dataclass
class Database:
    """The engine and session factory of one app; tests swap the factory per test."""

    engine: Engine
    session_factory: sessionmaker[Session]
    metadata = Base.metadata


@dataclass(frozen=True)
class Services:
    """Objects the views hand to services: the database and the password hasher."""

    database: Database
    hasher: PasswordHasher


def services() -> Services:
    """The current app's services."""
    found: Services = current_app.extensions["incidents"]
    return found


def db_session() -> Session:
    """The request's database session, opened on first use and closed at teardown; in a
    web request each statement is limited to ``INCIDENTS_STATEMENT_TIMEOUT_MS``."""
    if "db_session" not in g:
        g.db_session = services().database.session_factory()
        if has_request_context():  # a web request's queries are bounded, a command's are not
            limit = current_app.config["INCIDENTS_SETTINGS"].statement_timeout_ms
            g.db_session.info[STATEMENT_TIMEOUT] = limit
    session: Session = g.db_session
    return session


def close_db_session(_error: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
