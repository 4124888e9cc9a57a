"""An organisation admin's pages: the organisation's members and API tokens.

Only the organisation's own org admins manage its members and give their roles (the
operator's admin does not: least privilege); others' members answer 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from incidents.accounts import services as account_services
from incidents.accounts.authentication import require_user
from incidents.accounts.forms import ROLE_LABELS, TokenForm, UserEditForm, UserForm
from incidents.accounts.models import ApiToken, Organization, User
from incidents.accounts.services import AccountError
from incidents.accounts.views import attach_error
from incidents.extensions import db_session, services
from incidents.forms import ConfirmForm, choice
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import ROLES_BY_KIND, Permission, Role
from incidents.security.policy import can_manage_member

members = Blueprint("members", __name__, url_prefix="/organization")


def _me() -> User:
    return require_user()


def get_member(user_id: int) -> User:
    """The user ``user_id`` if the caller may manage it; 404 otherwise (as if missing)."""
    user = db_session().get(User, user_id)
    if user is None or not can_manage_member(_me(), user):
        abort(404)
    return user


def get_token(token_id: int) -> ApiToken:
    """The token ``token_id`` if the caller may manage it; 404 otherwise."""
    token = db_session().get(ApiToken, token_id)
    if token is None or not can_manage_member(_me(), token):
        abort(404)
    return token


def role_choices(roles: frozenset[Role]) -> list[Any]:
    """The select options for ``roles``, in the usual order."""
    return [choice(role.value, label) for role, label in ROLE_LABELS.items() if role in roles]


@members.route("/members", methods=["GET", "POST"])
@require(Permission.MEMBERS_MANAGE)
def member_list() -> Response | str:
    me = _me()
    organization = me.organization
    form = UserForm()
    form.organization.choices = [choice(organization.id, organization.name)]
    form.role.choices = role_choices(ROLES_BY_KIND[organization.kind])
    if form.validate_on_submit():
        added = add_user(form, organization, back="members.member_list")
        if added is not None:
            return added
    return render_template(
        "accounts/members.html",
        organization=organization,
        members=organization.users,
        grants=account_services.role_grants(db_session(), organization),
        form=form,
    )


def add_user(form: UserForm, organization: Organization, *, back: str) -> Response | None:
    """Create the user ``form`` (already validated) describes in ``organization``; on success
    go ``back``, else None (the form now shows the error)."""
    session = db_session()
    try:
        account_services.create_user(
            session,
            current_caller(),
            services().hasher,
            email=form.email.data or "",
            organization=organization,
            role=Role(form.role.data),
            password=form.password.data or "",
            name=form.name.data or "",
        )
    except AccountError as error:
        attach_error(form, error)
        return None
    session.commit()
    flash(f"{form.email.data} can now sign in.", "info")
    return redirect(url_for(back))


@members.route("/members/<id:user_id>", methods=["GET", "POST"])
@require(Permission.MEMBERS_MANAGE)
def member_edit(user_id: int) -> Response | str:
    return edit_user(get_member(user_id), back="members.member_list")


def edit_user(user: User, *, back: str) -> Response | str:
    """The edit form of ``user`` (already checked as manageable); on success, go ``back``."""
    form = UserEditForm(obj=user)
    form.role.choices = role_choices(ROLES_BY_KIND[user.organization.kind])
    if form.validate_on_submit():
        session = db_session()
        try:
            account_services.update_user(
                session,
                current_caller(),
                user,
                name=form.name.data or "",
                role=Role(form.role.data),
                is_active=bool(form.is_active.data),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash(f"{user.email} is updated.", "info")
            return redirect(url_for(back))
    return render_template("accounts/member_edit.html", user=user, form=form)


@members.route("/tokens", methods=["GET", "POST"])
@require(Permission.TOKENS_MANAGE)
def token_list() -> str:
    me = _me()
    session = db_session()
    form = TokenForm()
    active_members = [user for user in me.organization.users if user.is_active]
    form.user.choices = [choice(user.id, user.email) for user in active_members]
    secret = None
    if form.validate_on_submit():
        user = get_member(form.user.data)
        try:
            _token, secret = account_services.create_token(
                session,
                current_caller(),
                user,
                name=form.name.data or "",
                expires_days=form.expires_days.data,
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
    tokens = account_services.tokens_of_organization(session, me.organization_id)
    # The secret is rendered into this response only: never flashed (the session cookie is
    # signed, not encrypted) and never stored.
    return render_template(
        "accounts/tokens.html", form=form, tokens=tokens, secret=secret, revoke=ConfirmForm()
    )


@members.route("/tokens/<id:token_id>/revoke", methods=["POST"])
@require(Permission.TOKENS_MANAGE)
def token_revoke(token_id: int) -> Response:
    token = get_token(token_id)
    if ConfirmForm().validate_on_submit():
        session = db_session()
        account_services.revoke_token(session, current_caller(), token)
        session.commit()
        flash(f"Token {token.hint} is revoked.", "info")
    return redirect(url_for("members.token_list"))
