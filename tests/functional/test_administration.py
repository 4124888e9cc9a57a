"""Administration through the HTML forms, and the audit trail every change leaves."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.accounts import services
from incidents.accounts.models import ApiToken, Invitation, MembershipChange, Organization, User
from incidents.audit.models import AuditEvent
from incidents.audit.services import record
from incidents.db import utcnow
from incidents.mail.models import OutgoingMail
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from tests import factories
from tests.conftest import csrf_token, login
from tests.pages import field_error

ADDRESS = "203.0.113.5"
PASSWORD = "a sufficiently long passphrase"


def _post(client: FlaskClient, path: str, data: dict[str, object]) -> TestResponse:
    token = csrf_token(client, path)
    return client.post(
        path, data={**data, "csrf_token": token}, environ_overrides={"REMOTE_ADDR": ADDRESS}
    )


def _event(db: Session, action: str) -> AuditEvent:
    [event] = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()
    return event


def _assert_audited(event: AuditEvent, actor: User, subject: str) -> None:
    assert event.actor_user_id == actor.id
    assert event.actor_label == actor.email
    assert event.actor_organization_id == actor.organization_id
    assert event.subject_ref == subject
    assert event.address == ADDRESS
    assert event.channel == "web"
    assert utcnow() - timedelta(minutes=1) < event.occurred_at <= utcnow()


@pytest.fixture
def admin_client(client: FlaskClient, make_user) -> tuple[FlaskClient, User]:
    admin = make_user(Role.ADMIN)
    login(client, admin)
    return client, admin


def test_admin_creates_and_edits_an_organization(admin_client, db: Session) -> None:
    client, admin = admin_client
    response = _post(
        client,
        "/admin/organizations",
        {"name": "Institute Z", "kind": "institute", "is_network_member": "y"},
    )
    assert response.status_code == 302
    organization = services.find_organization(db, "Institute Z")
    assert organization is not None
    # Membership is never set by one admin, whatever the form carries.
    assert (organization.kind, organization.is_network_member) == (
        OrganizationKind.INSTITUTE,
        False,
    )
    _assert_audited(_event(db, "organization.create"), admin, "Institute Z")
    assert "Institute Z" in client.get("/admin/organizations").get_data(as_text=True)

    response = _post(
        client,
        f"/admin/organizations/{organization.id}",
        {"name": "Institute Zeta", "is_active": "y", "is_network_member": "y"},
    )
    assert response.status_code == 302
    db.refresh(organization)
    assert organization.name == "Institute Zeta"
    assert organization.is_network_member is False
    event = _event(db, "organization.update")
    _assert_audited(event, admin, "Institute Zeta")
    assert event.details["changes"]["name"] == ["Institute Z", "Institute Zeta"]


def _is_member(db: Session, organization: Organization) -> bool:
    """The membership as stored now (mypy would keep an asserted attribute narrowed)."""
    db.refresh(organization)
    return organization.is_network_member


def test_network_membership_takes_two_admins_and_tells_the_members(
    admin_client, app, db: Session, make_user
) -> None:
    client, admin = admin_client
    institute = factories.InstituteFactory(name="Institute Y", is_network_member=False)
    analyst = make_user(Role.ANALYST, organization=institute)
    path = f"/admin/organizations/{institute.id}"
    proposed = _post(client, f"{path}/membership", {"membership-make_member": "y"})
    assert proposed.status_code == 302
    change = db.scalar(sa.select(MembershipChange))
    assert change is not None
    assert _is_member(db, institute) is False
    # The proposer cannot approve its own proposal.
    _post(client, f"/admin/membership-changes/{change.id}", {"approve": "Approve"})
    assert _is_member(db, institute) is False
    assert change.decided_at is None
    # A second admin can.
    second = make_user(Role.ADMIN)
    other = app.test_client()
    login(other, second)
    page = other.get("/admin/organizations").get_data(as_text=True)
    assert "Institute Y" in page
    assert admin.email in page
    answer = other.post(
        f"/admin/membership-changes/{change.id}",
        data={"approve": "Approve", "csrf_token": csrf_token(other, path)},
    )
    assert answer.status_code == 302
    assert _is_member(db, institute) is True
    assert _event(db, "organization.membership_approve").actor_user_id == second.id
    told = db.scalars(sa.select(OutgoingMail.recipient)).all()
    assert told == [analyst.email]


def test_company_cannot_join_the_network(admin_client, db: Session, company) -> None:
    client, _ = admin_client
    response = _post(
        client, f"/admin/organizations/{company.id}/membership", {"membership-make_member": "y"}
    )
    assert response.status_code == 200
    assert "Only institutes" in response.get_data(as_text=True)
    assert db.scalar(sa.select(MembershipChange)) is None


def _invitation_link(app, db: Session, email: str) -> str:
    [token] = db.scalars(sa.select(OutgoingMail.token).where(OutgoingMail.recipient == email))
    [sent] = (Path(app.instance_path) / "mail").glob(f"{token}@*.eml")
    found = re.search(r"https?://[^/\s]+(/invitations/\S+)", sent.read_text())
    assert found
    return found.group(1)


def test_admin_invites_the_first_org_admin_who_chooses_their_own_password(
    admin_client, app, db: Session, company: Organization
) -> None:
    client, admin = admin_client
    path = f"/admin/organizations/{company.id}"
    response = _post(
        client,
        f"{path}/invitations",
        {"invite-email": "First@Example.org", "invite-role": "org_admin"},
    )
    assert response.status_code == 302
    assert services.find_user(db, "first@example.org") is None
    _assert_audited(_event(db, "user.invite"), admin, "first@example.org")
    link = _invitation_link(app, db, "first@example.org")
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    token = csrf_token(newcomer, link)
    accepted = newcomer.post(
        link, data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert accepted.status_code == 302
    user = services.find_user(db, "first@example.org")
    assert user is not None
    assert (user.role, user.organization_id) == (Role.ORG_ADMIN, company.id)
    grant = _event(db, "user.role_grant")
    assert grant.actor_user_id == admin.id
    assert PASSWORD not in str(grant.details)
    assert newcomer.get(link).status_code == 404  # used
    # The organisation has a user now: its own org admin invites the rest, not the operator.
    again = _post(
        client,
        f"{path}/invitations",
        {"invite-email": "second@example.org", "invite-role": "org_admin"},
    )
    assert again.status_code == 200
    assert "its own org admins" in again.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1


def test_admin_only_activates_or_deactivates_a_user(admin_client, db: Session, make_user) -> None:
    client, admin = admin_client
    user = make_user(Role.ANALYST)
    name = user.name
    response = _post(
        client, f"/admin/users/{user.id}", {"name": "Eddie", "role": "editor", "is_active": ""}
    )
    assert response.status_code == 302
    db.refresh(user)
    assert (user.name, user.role, user.is_active) == (name, Role.ANALYST, False)
    event = _event(db, "user.update")
    _assert_audited(event, admin, user.email)
    assert event.details["changes"] == {"is_active": ["True", "False"]}


def test_admin_cannot_deactivate_itself(admin_client, db: Session) -> None:
    client, admin = admin_client
    response = _post(client, f"/admin/users/{admin.id}", {})
    assert response.status_code == 200
    assert "cannot deactivate your own" in response.get_data(as_text=True)
    db.refresh(admin)
    assert admin.is_active


def test_org_admin_manages_its_own_members(client: FlaskClient, make_user, db: Session) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    login(client, org_admin)
    response = _post(
        client,
        "/organization/members",
        {
            "email": "colleague@example.org",
            "organization": org_admin.organization_id,
            "role": "reporter",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    colleague = services.find_user(db, "colleague@example.org")
    assert colleague is not None
    assert colleague.organization_id == org_admin.organization_id
    _assert_audited(_event(db, "user.create"), org_admin, "colleague@example.org")
    members = client.get("/organization/members").get_data(as_text=True)
    assert "colleague@example.org" in members

    response = _post(
        client, f"/organization/members/{colleague.id}", {"name": "Colleague", "role": "org_admin"}
    )
    assert response.status_code == 302
    db.refresh(colleague)
    assert (colleague.role, colleague.is_active) == (Role.ORG_ADMIN, False)
    _assert_audited(_event(db, "user.update"), org_admin, "colleague@example.org")
    grants = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.role_grant").order_by(AuditEvent.id)
    ).all()
    assert [(g.details["role"], g.details["previous"]) for g in grants] == [
        ("reporter", None),
        ("org_admin", "reporter"),
    ]
    page = client.get("/organization/members").get_data(as_text=True)
    assert "Role changes" in page
    assert page.count(org_admin.email) >= 3  # the member row and the two grants it gave


def test_org_admin_cannot_reach_another_organization(
    client: FlaskClient, make_user, db: Session
) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    other = factories.OrganizationFactory(name="Other Company")
    stranger = make_user(Role.REPORTER, organization=other)
    name = stranger.name
    stranger_token = factories.ApiTokenFactory(user=stranger)
    login(client, org_admin)
    token = csrf_token(client, "/organization/members")
    attempts = [
        client.get(f"/organization/members/{stranger.id}"),
        client.post(
            f"/organization/members/{stranger.id}",
            data={"csrf_token": token, "name": "pwned", "role": "org_admin"},
        ),
        client.post(f"/organization/tokens/{stranger_token.id}/revoke", data={"csrf_token": token}),
    ]
    assert [response.status_code for response in attempts] == [404, 404, 404]
    created = client.post(
        "/organization/members",
        data={
            "csrf_token": token,
            "email": "implant@example.org",
            "organization": other.id,
            "role": "reporter",
            "password": PASSWORD,
        },
    )
    assert created.status_code == 200
    assert services.find_user(db, "implant@example.org") is None
    assert "Acme Models" in client.get("/organization/members").get_data(as_text=True)
    assert stranger.email not in client.get("/organization/members").get_data(as_text=True)
    assert stranger_token.hint not in client.get("/organization/tokens").get_data(as_text=True)
    db.refresh(stranger)
    db.refresh(stranger_token)
    assert (stranger.name, stranger.role, stranger.is_active) == (name, Role.REPORTER, True)
    assert stranger_token.revoked_at is None
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.in_(["user.update", "user.create", "token.revoke"]))
        )
        == 0
    )


def test_org_admin_member_roles_are_limited_to_its_kind(client: FlaskClient, make_user, db) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    login(client, org_admin)
    page = client.get("/organization/members").get_data(as_text=True)
    assert 'value="reporter"' in page
    assert 'value="analyst"' not in page
    response = _post(
        client,
        "/organization/members",
        {
            "email": "x@example.org",
            "organization": org_admin.organization_id,
            "role": "analyst",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "role")
    assert services.find_user(db, "x@example.org") is None


def test_token_changes_are_audited(client: FlaskClient, make_user, db: Session) -> None:
    org_admin = make_user(Role.ORG_ADMIN)
    login(client, org_admin)
    assert (
        _post(client, "/organization/tokens", {"user": org_admin.id, "name": "ci"}).status_code
        == 200
    )
    token = db.scalar(sa.select(ApiToken))
    assert token is not None
    _assert_audited(_event(db, "token.create"), org_admin, token.hint)
    revoke = client.post(
        f"/organization/tokens/{token.id}/revoke",
        data={"csrf_token": csrf_token(client, "/organization/tokens")},
        environ_overrides={"REMOTE_ADDR": ADDRESS},
    )
    assert revoke.status_code == 302
    _assert_audited(_event(db, "token.revoke"), org_admin, token.hint)


def test_audit_page_lists_events_for_admins_only(app, client: FlaskClient, make_user) -> None:
    admin = make_user(Role.ADMIN)
    org_admin = make_user(Role.ORG_ADMIN)
    login(client, org_admin)
    _post(client, "/organization/tokens", {"user": org_admin.id, "name": "ci"})
    assert client.get("/admin/audit").status_code == 403
    admin_client = app.test_client()
    login(admin_client, admin)
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    for expected in ("token.create", org_admin.email, ADDRESS, "session.login", "web"):
        assert expected in page
    assert page.index("session.login") < page.index("token.create")  # newest first


def test_the_audit_page_reaches_the_oldest_event_and_back(
    app, client: FlaskClient, make_user, db: Session
) -> None:
    """Paged by event (keyset), not by offset: older to the very first event, newer back to
    the newest, each event on exactly one page."""
    admin = make_user(Role.ADMIN)
    for number in range(230):
        record(db, Caller.command_line(), "test.page", subject_type="test", subject_ref=str(number))
    db.commit()
    login(client, admin)
    expected = list(db.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id.desc())))
    shown: list[int] = []
    url = "/admin/audit"
    pages = []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        shown += [int(each) for each in re.findall(r'<tr data-event="(\d+)">', page)]
        older = re.search(r'href="(/admin/audit\?before=\d+)">Older', page)
        url = older.group(1) if older else ""
    assert shown == expected  # newest first, every event once, down to the first
    assert len(pages) == -(-len(expected) // 100)
    assert "Newer" not in pages[0]
    assert "Newer" in pages[-1]
    newer = re.search(r'href="(/admin/audit\?after=\d+)">Newer', pages[-1])
    assert newer is not None
    back = client.get(newer.group(1)).get_data(as_text=True)
    assert [int(each) for each in re.findall(r'<tr data-event="(\d+)">', back)] == expected[
        100 * (len(pages) - 2) : 100 * (len(pages) - 1)
    ]
    for odd in ("99999999999999999999", "-1", "0", "abc", str(expected[0] + 1000)):
        answer = client.get(f"/admin/audit?before={odd}")
        assert answer.status_code == 200, odd
        assert f'<tr data-event="{expected[0]}">' in answer.get_data(as_text=True), odd
