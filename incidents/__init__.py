"""AI Incident Exchange: the Flask application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from incidents import extensions
from incidents.accounts.forms import ROLE_LABELS
from incidents.accounts.landing import uses_api
from incidents.accounts.models import User
from incidents.config import Settings, load_settings
from incidents.db import create_engine, make_session_factory
from incidents.errors import register_error_handlers
from incidents.input import init_input_checks
from incidents.security import decorators
from incidents.security.headers import add_security_headers
from incidents.security.passwords import make_hasher
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application from ``INCIDENTS_*`` variables (and, in tests, ``test_config``).

    Raises ConfigError when the configuration is incomplete or malformed, and
    UndeclaredAccessError when an endpoint declares no access rule.
    """
    settings = load_settings(os.environ, test_config)
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder=str(ROOT / "templates"),
    )
    _configure(app, settings)
    _init_extensions(app, settings)
    init_input_checks(app)
    _register_blueprints(app)
    register_error_handlers(app)
    _register_hooks(app, settings)
    _mark_static_public(app)
    decorators.verify_access_declared(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        # One limit for every body: a form field may be as large as the body (Flask's own
        # 500 kB field limit would answer 413 with another number).
        MAX_FORM_MEMORY_SIZE=settings.max_content_length,
        SESSION_COOKIE_NAME="__Host-session" if settings.is_production else "session",
        SESSION_COOKIE_SECURE=settings.is_production,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=settings.session_absolute_hours * 3600,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires itself
        WTF_CSRF_SSL_STRICT=settings.is_production,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_HEADERS_ENABLED=True,
        INCIDENTS_SETTINGS=settings,
    )
    app.config.update(settings.extra)
    _warn_about_production(app, settings)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
        )


def _warn_about_production(app: Flask, settings: Settings) -> None:
    """Loud warnings for a production start that works but is not what it should be."""
    if not settings.is_production:
        return
    if settings.ratelimit_storage_url.startswith("memory://"):
        app.logger.warning(
            "WARNING: INCIDENTS_RATELIMIT_STORAGE_URL is memory://: login throttling counts are "
            "per worker process; use redis:// before running more than one worker "
            "(gunicorn.conf.py refuses to)."
        )
    if not settings.mail_url:
        app.logger.warning(
            "WARNING: INCIDENTS_MAIL_URL is not set: invitations and unlock links are only "
            "written as .eml files under %s and reach nobody.",
            settings.instance_path / "mail",
        )


def _init_extensions(app: Flask, settings: Settings) -> None:
    from incidents.migrate import upgrade

    engine = create_engine(settings.database_url)
    database = extensions.Database(engine=engine, session_factory=make_session_factory(engine))
    hasher = make_hasher(settings.password_time_cost, settings.password_memory_kib)
    app.extensions["incidents"] = extensions.Services(database=database, hasher=hasher)
    if settings.auto_migrate:
        upgrade(engine, lock_path=settings.instance_path / "migrate.lock")
    app.teardown_appcontext(extensions.close_db_session)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    from incidents.api.limits import init_api_limits

    init_api_limits(app)
    extensions.migrate.init_app(app, database, directory=str(ROOT / "migrations"))
    from incidents.accounts.login import init_login

    init_login(app)


def _register_blueprints(app: Flask) -> None:
    from incidents.accounts.admin_views import admin
    from incidents.accounts.member_views import members
    from incidents.accounts.views import accounts
    from incidents.api import reconsider  # noqa: F401 - its routes join incidents_api
    from incidents.api.incidents import incidents_api
    from incidents.api.openapi import api_docs
    from incidents.api.publications import publications_api
    from incidents.api.reports import reports_api
    from incidents.api.views import api
    from incidents.audit.views import audit
    from incidents.classification.api import taxonomy_api
    from incidents.classification.views import taxonomy_pages
    from incidents.cli import register_commands
    from incidents.exchange.api import exchange_api
    from incidents.exchange.views import exchange
    from incidents.public.summary_views import publication
    from incidents.public.views import public_pages
    from incidents.registry.views import registry
    from incidents.reports.views import reports
    from incidents.searching.api import search_api
    from incidents.searching.views import searching
    from incidents.sources.api import sources_api

    for blueprint in (
        public_pages,
        publication,
        accounts,
        members,
        admin,
        audit,
        api,
        taxonomy_pages,
        taxonomy_api,
        reports,
        reports_api,
        registry,
        incidents_api,
        publications_api,
        searching,
        search_api,
        api_docs,
        exchange,
        exchange_api,
        sources_api,
    ):
        app.register_blueprint(blueprint)
    extensions.csrf.exempt(api)  # token-only: the API never reads a session cookie
    extensions.csrf.exempt(reports_api)
    extensions.csrf.exempt(incidents_api)
    extensions.csrf.exempt(publications_api)
    extensions.csrf.exempt(exchange_api)
    extensions.csrf.exempt(search_api)
    extensions.csrf.exempt(sources_api)
    register_commands(app)


def _register_hooks(app: Flask, settings: Settings) -> None:
    from flask_login import current_user

    from incidents.exchange import events as notify_events
    from incidents.exchange.notify import CONSUMER as NOTIFY
    from incidents.exchange.notify import settings_from
    from incidents.mail import services as mail
    from incidents.mail.senders import make_sender
    from incidents.outbox.hooks import init_outbox
    from incidents.placement.services import CONSUMER, handler, thresholds
    from incidents.searching import indexing
    from incidents.searching.engines import init_search

    def security_headers(response: Response) -> Response:
        # Static files never carry confidential data; skip loading the user for them. When
        # the user cannot be loaded (the database is failing), assume the worst.
        try:
            confidential = request.path.startswith("/api/") or (
                request.endpoint != "static" and current_user.is_authenticated
            )
        except Exception:
            confidential = True
        return add_security_headers(
            response, production=settings.is_production, confidential=confidential
        )

    app.after_request(security_headers)
    mail_settings = mail.MailSettings(mail_from=settings.mail_from, base_url=settings.base_url)
    init_outbox(
        app,
        {
            CONSUMER: handler(thresholds(settings)),
            NOTIFY: notify_events.handler(settings_from(settings)),
            mail.CONSUMER: mail.handler(
                make_sender(settings.mail_url, settings.instance_path), mail_settings
            ),
            indexing.CONSUMER: indexing.handler(init_search(app, settings)),
        },
    )
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def navigation() -> dict[str, Any]:
        try:
            principal = decorators.current_principal()
        except Exception:  # an error page while the database fails: show it signed out
            principal = None
        return {
            "principal": principal,
            "can": lambda permission: has_permission(principal, permission),
            "Permission": Permission,
            "role_label": lambda role: ROLE_LABELS[role],
            "uses_api": lambda: isinstance(principal, User) and uses_api(principal),
        }


def _mark_static_public(app: Flask) -> None:
    if "static" in app.view_functions:
        serve = app.view_functions["static"]

        def static(**kwargs: Any) -> Any:
            return serve(**kwargs)

        app.view_functions["static"] = decorators.public(static)
