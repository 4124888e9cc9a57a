"""The platform admin's pages: every organisation and user (never report contents)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from incidents.accounts import services as account_services
from incidents.accounts.forms import OrganizationForm, UserForm
from incidents.accounts.member_views import add_user, edit_user
from incidents.accounts.models import Organization, User
from incidents.accounts.services import AccountError
from incidents.accounts.views import attach_error
from incidents.extensions import db_session
from incidents.forms import choice
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import OrganizationKind, Permission

admin = Blueprint("admin", __name__, url_prefix="/admin")


def _organizations() -> list[Organization]:
    return list(db_session().scalars(sa.select(Organization).order_by(Organization.name)))


@admin.route("/organizations", methods=["GET", "POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def organization_list() -> Response | str:
    form = OrganizationForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            account_services.create_organization(
                session,
                current_caller(),
                name=form.name.data or "",
                kind=OrganizationKind(form.kind.data),
                is_network_member=bool(form.is_network_member.data),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash(f"{form.name.data} is created.", "info")
            return redirect(url_for("admin.organization_list"))
    return render_template(
        "admin/organizations.html",
        organizations=_organizations(),
        member_counts=_member_counts(),
        form=form,
    )


def _member_counts() -> dict[int, int]:
    """Users per organisation id, in one query (not one per row of the list)."""
    query = sa.select(User.organization_id, sa.func.count()).group_by(User.organization_id)
    return dict(db_session().execute(query).all())


@admin.route("/organizations/<id:organization_id>", methods=["GET", "POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def organization_edit(organization_id: int) -> Response | str:
    organization = db_session().get(Organization, organization_id) or abort(404)
    form = OrganizationForm(obj=organization)
    form.kind.render_kw = {"disabled": True}
    form.kind.data = organization.kind.value
    if form.validate_on_submit():
        session = db_session()
        try:
            account_services.update_organization(
                session,
                current_caller(),
                organization,
                name=form.name.data or "",
                is_network_member=bool(form.is_network_member.data),
                is_active=bool(form.is_active.data),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash(f"{organization.name} is updated.", "info")
            return redirect(url_for("admin.organization_list"))
    return render_template("admin/organization_edit.html", organization=organization, form=form)


@admin.route("/users", methods=["GET", "POST"])
@require(Permission.USERS_ADMINISTER)
def user_list() -> Response | str:
    organizations = _organizations()
    form = UserForm()
    form.organization.choices = [choice(org.id, org.name) for org in organizations]
    if form.validate_on_submit():
        organization = db_session().get(Organization, form.organization.data) or abort(400)
        added = add_user(form, organization, back="admin.user_list")
        if added is not None:
            return added
    users = db_session().scalars(sa.select(User).order_by(User.email))
    return render_template("admin/users.html", users=list(users), form=form)


@admin.route("/users/<id:user_id>", methods=["GET", "POST"])
@require(Permission.USERS_ADMINISTER)
def user_edit(user_id: int) -> Response | str:
    user = db_session().get(User, user_id) or abort(404)
    return edit_user(user, back="admin.user_list")
