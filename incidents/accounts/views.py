"""Signing in and out, and the signed-in user's own account."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import logout_user
from werkzeug.wrappers import Response

from incidents.accounts import invitations, lockout, throttle
from incidents.accounts import services as account_services
from incidents.accounts.authentication import require_user, signed_in_user
from incidents.accounts.forms import (
    InvitationAcceptForm,
    LoginForm,
    PasswordChangeForm,
    UnlockForm,
)
from incidents.accounts.landing import landing_for
from incidents.accounts.login import start_session
from incidents.accounts.services import AccountError
from incidents.extensions import db_session, limiter, services
from incidents.security.decorators import current_caller, public, require
from incidents.security.permissions import Permission
from incidents.security.redirects import safe_next

accounts = Blueprint("accounts", __name__)


def _login_failed(response: Response) -> bool:
    return response.status_code != 302


def _limit_per_address() -> str:
    return str(current_app.config["INCIDENTS_SETTINGS"].login_limit_per_address)


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
def login() -> Response | str | tuple[str, int]:
    """Sign in. Per address, failures are limited (429). Per account nothing is refused:
    beyond its limit the password is not checked, every answer is "not right", and the
    owner is e-mailed an unlock link (:mod:`incidents.accounts.lockout`)."""
    form = LoginForm()
    wanted = request.args.get("next")
    signed_in = signed_in_user()
    if signed_in is not None and request.method in ("GET", "HEAD"):
        return redirect(safe_next(wanted, landing_for(signed_in)))
    if form.validate_on_submit():
        session = db_session()
        email = form.email.data or ""
        if throttle.exhausted(email):
            lockout.send_unlock_link(
                session, current_caller(), account_services.find_user(session, email)
            )
            account_services.record_failed_login(session, current_caller(), email, "throttled")
            user = None
        else:
            user = account_services.authenticate(
                session,
                current_caller(),
                services().hasher,
                email=email,
                password=form.password.data or "",
            )
            if user is None:
                throttle.count_failure(email)
        session.commit()
        if user is not None:
            start_session(user)
            return redirect(safe_next(wanted, landing_for(user)))
        form.password.errors = [_NOT_RIGHT]
        return render_template("accounts/login.html", form=form), 200
    return render_template("accounts/login.html", form=form)


_NOT_RIGHT = "The e-mail or password is not right."


@accounts.route("/login/unlock/<secret>", methods=["GET", "POST"])
@public
@limiter.limit(_limit_per_address, methods=["POST"], deduct_when=_login_failed)
def unlock(secret: str) -> Response:
    """The e-mailed unlock link: its owner signs in with their password despite the
    per-account limit. Used, expired, dead or unknown links answer 404."""
    session = db_session()
    link = lockout.open_link(session, secret)
    if link is None:
        abort(404)
    form = UnlockForm()
    if form.validate_on_submit():
        user = account_services.authenticate(
            session,
            current_caller(),
            services().hasher,
            email=link.user.email,
            password=form.password.data or "",
        )
        if user is not None:
            lockout.use(session, link)
            session.commit()
            start_session(user)
            return _no_store(redirect(safe_next(None)))
        lockout.failed(session, link)
        session.commit()
        form.password.errors = [_NOT_RIGHT]
    return _no_store(render_template("accounts/unlock.html", form=form, email=link.user.email))


def _no_store(response: Response | str) -> Response:
    made = make_response(response)
    made.headers["Cache-Control"] = "no-store"
    return made


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


@accounts.route("/invitations/<secret>", methods=["GET", "POST"])
@public
@limiter.limit(_limit_per_address, methods=["POST"])
def invitation(secret: str) -> Response:
    """The e-mailed invitation: the invited person chooses their password and is signed in.
    Used, replaced, expired or unknown invitations answer 404."""
    session = db_session()
    found = invitations.open_invitation(session, secret)
    if found is None:
        abort(404)
    form = InvitationAcceptForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(
                session,
                current_caller(),
                services().hasher,
                found,
                password=form.password.data or "",
                name=form.name.data or "",
            )
        except AccountError as error:
            session.commit()  # a no longer valid invitation stays closed
            if error.field == "invitation":
                abort(404)
            attach_error(form, error)
        else:
            session.commit()
            start_session(user)
            flash("Welcome: your account is ready.", "info")
            return _no_store(redirect(url_for("accounts.account")))
    return _no_store(render_template("accounts/invitation.html", form=form, invitation=found))
