"""The operator admin's pages: organisations, their first org admin, network membership by
two admins, and (de)activating users. Never report contents, and never a way to give
itself or anyone a role in another organisation (least privilege)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from incidents.accounts import invitations, membership
from incidents.accounts import services as account_services
from incidents.accounts.forms import (
    ROLE_LABELS,
    InviteForm,
    MembershipDecisionForm,
    MembershipProposalForm,
    OrganizationForm,
    UserActiveForm,
)
from incidents.accounts.models import MembershipChange, Organization, User
from incidents.accounts.services import AccountError
from incidents.accounts.views import attach_error
from incidents.extensions import db_session
from incidents.forms import choice
from incidents.security.decorators import current_caller, require
from incidents.security.permissions import OrganizationKind, Permission, Role

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
        changes=membership.open_changes(db_session()),
        decide=MembershipDecisionForm(),
        form=form,
    )


def _member_counts() -> dict[int, int]:
    """Users per organisation id, in one query (not one per row of the list)."""
    query = sa.select(User.organization_id, sa.func.count()).group_by(User.organization_id)
    return dict(db_session().execute(query).all())


def _organization(organization_id: int) -> Organization:
    return db_session().get(Organization, organization_id) or abort(404)


def _invite_form(organization: Organization) -> InviteForm:
    form = InviteForm(prefix="invite")
    form.role.choices = [choice(Role.ORG_ADMIN.value, ROLE_LABELS[Role.ORG_ADMIN])]
    return form


def _edit_page(organization: Organization, form: OrganizationForm, **forms: object) -> str:
    session = db_session()
    proposal = MembershipProposalForm(prefix="membership")
    proposal.make_member.data = not organization.is_network_member
    return render_template(
        "admin/organization_edit.html",
        organization=organization,
        form=form,
        invite=forms.get("invite") or _invite_form(organization),
        proposal=forms.get("proposal") or proposal,
        change=membership.open_change(session, organization),
        decide=MembershipDecisionForm(),
        may_invite_admin=organization.kind is not OrganizationKind.OPERATOR
        and not organization.is_network_member
        and not invitations.ever_had_users(session, organization),
    )


@admin.route("/organizations/<id:organization_id>", methods=["GET", "POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def organization_edit(organization_id: int) -> Response | str:
    organization = _organization(organization_id)
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
                is_active=bool(form.is_active.data),
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash(f"{organization.name} is updated.", "info")
            return redirect(url_for("admin.organization_list"))
    return _edit_page(organization, form)


@admin.route("/organizations/<id:organization_id>/invitations", methods=["POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def organization_invite(organization_id: int) -> Response | str:
    """Invite the first org admin of an organisation that never had a user and is no
    network member; the link goes by e-mail only."""
    organization = _organization(organization_id)
    form = _invite_form(organization)
    if form.validate_on_submit():
        session = db_session()
        try:
            invitations.invite(
                session,
                current_caller(),
                email=form.email.data or "",
                organization=organization,
                role=Role(form.role.data),
            )
        except AccountError as error:
            if error.field == "email":
                attach_error(form, error)
            else:  # the form may not even be shown: say it above the page
                flash(error.message, "error")
        else:
            session.commit()
            flash(f"An invitation is on its way to {form.email.data}.", "info")
            return redirect(url_for("admin.organization_edit", organization_id=organization.id))
    return _edit_page(organization, OrganizationForm(obj=organization), invite=form)


@admin.route("/organizations/<id:organization_id>/membership", methods=["POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def organization_membership(organization_id: int) -> Response | str:
    """Propose a change of the institute's network membership (a second admin decides)."""
    organization = _organization(organization_id)
    form = MembershipProposalForm(prefix="membership")
    if form.validate_on_submit():
        session = db_session()
        try:
            membership.propose(
                session, current_caller(), organization, make_member=bool(form.make_member.data)
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash("Proposed: another operator admin must approve it.", "info")
            return redirect(url_for("admin.organization_edit", organization_id=organization.id))
    return _edit_page(organization, OrganizationForm(obj=organization), proposal=form)


@admin.route("/membership-changes/<id:change_id>", methods=["POST"])
@require(Permission.ORGANIZATIONS_ADMINISTER)
def membership_decide(change_id: int) -> Response:
    """Approve or reject another admin's proposal."""
    session = db_session()
    change = session.get(MembershipChange, change_id) or abort(404)
    form = MembershipDecisionForm()
    if form.validate_on_submit():
        try:
            membership.decide(session, current_caller(), change, approve=bool(form.approve.data))
        except AccountError as error:
            flash(error.message, "error")
        else:
            session.commit()
            flash("The membership change is decided.", "info")
    return redirect(url_for("admin.organization_edit", organization_id=change.organization_id))


@admin.route("/users")
@require(Permission.USERS_ADMINISTER)
def user_list() -> str:
    """Every user; accounts are made by invitation and by each organisation's org admins."""
    users = db_session().scalars(sa.select(User).order_by(User.email))
    return render_template("admin/users.html", users=list(users))


@admin.route("/users/<id:user_id>", methods=["GET", "POST"])
@require(Permission.USERS_ADMINISTER)
def user_edit(user_id: int) -> Response | str:
    """(De)activate a user: the only change the operator's admin makes to a user."""
    user = db_session().get(User, user_id) or abort(404)
    form = UserActiveForm(obj=user)
    if form.validate_on_submit():
        session = db_session()
        try:
            account_services.set_active(
                session, current_caller(), user, is_active=bool(form.is_active.data)
            )
        except AccountError as error:
            attach_error(form, error)
        else:
            session.commit()
            flash(f"{user.email} is updated.", "info")
            return redirect(url_for("admin.user_list"))
    return render_template("accounts/member_edit.html", user=user, form=form)
