"""Signing in and out, and the signed-in user's own account."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import logout_user
from werkzeug.wrappers import Response

from incidents.accounts import services as account_services
from incidents.accounts.authentication import require_user, signed_in_user
from incidents.accounts.forms import LoginForm, PasswordChangeForm
from incidents.accounts.login import start_session
from incidents.accounts.services import AccountError
from incidents.extensions import db_session, limiter, services
from incidents.security.decorators import current_caller, public, require
from incidents.security.permissions import Permission
from incidents.security.redirects import safe_next

accounts = Blueprint("accounts", __name__)


def _login_failed(response: Response) -> bool:
    return response.status_code != 302


def _account_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()[:254]


def _limit_per_address() -> str:
    return str(current_app.config["INCIDENTS_SETTINGS"].login_limit_per_address)


def _limit_per_account() -> str:
    return str(current_app.config["INCIDENTS_SETTINGS"].login_limit_per_account)


def attach_error(form: object, error: AccountError) -> None:
    """Show a service's complaint next to the field it concerns (or above the form)."""
    field = getattr(form, error.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@accounts.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_limit_per_address, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(
    _limit_per_account, methods=["POST"], key_func=_account_key, deduct_when=_login_failed
)
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if signed_in_user() is not None and request.method in ("GET", "HEAD"):
        return redirect(target)
    if form.validate_on_submit():
        session = db_session()
        user = account_services.authenticate(
            session,
            current_caller(),
            services().hasher,
            email=form.email.data or "",
            password=form.password.data or "",
        )
        session.commit()
        if user is not None:
            start_session(user)
            return redirect(target)
        form.password.errors = ["The e-mail or password is not right."]
        return render_template("accounts/login.html", form=form), 200
    return render_template("accounts/login.html", form=form)


@accounts.route("/logout", methods=["POST"])
@require(Permission.ACCOUNT_READ)
def logout() -> Response:
    principal = require_user()
    session = db_session()
    account_services.end_sessions(session, current_caller(), principal, reason="logout")
    session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@accounts.route("/account")
@require(Permission.ACCOUNT_READ)
def account() -> str:
    return render_template("accounts/account.html", user=require_user())


@accounts.route("/account/password", methods=["GET", "POST"])
@require(Permission.ACCOUNT_CHANGE_PASSWORD)
def change_password() -> Response | str:
    form = PasswordChangeForm()
    principal = require_user()
    if form.validate_on_submit():
        session = db_session()
        try:
            account_services.change_password(
                session,
                current_caller(),
                services().hasher,
                principal,
                current=form.current_password.data or "",
                new=form.new_password.data or "",
            )
        except AccountError as error:
            attach_error(
                form,
                error if error.field != "password" else AccountError("new_password", error.message),
            )
        else:
            session.commit()
            start_session(principal)  # this session continues under the new nonce
            flash("Your password is changed; other sessions have been signed out.", "info")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)
