"""Least privilege for the operator's admin (issue 16, finding 2): by no route and no command
does an admin obtain a session (a login or a token) that reads a report.

The proof compares, before and after everything an admin can try, the set of people who may
read each report (computed by the policy, ``can_read_report``), the accounts with their roles
and organisations, the institutes' network membership and the number of API tokens. The paths
the admin is allowed still work: inviting the first org admin of a new organisation (who then
reads nothing) and proposing a membership change that waits for a second admin.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.accounts.models import ApiToken, Invitation, MembershipChange, Organization, User
from incidents.mail.models import OutgoingMail
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_report
from incidents.searching.models import SavedSearch
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from incidents.security.scope import can_read_report
from tests import factories
from tests.conftest import MakeUser, csrf_token, login
from tests.pages import url_of
from tests.reports_data import INITIAL

PASSWORD = "the admin's own passphrase"
# Every field name a form or JSON body could use to give somebody read access.
GRANTING = {
    "email": "implant@operator.example",
    "name": "Implant",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "role": "analyst",
    "is_active": "y",
    "is_network_member": "y",
    "make_member": "y",
    "membership-make_member": "y",
    "invite-email": "implant@operator.example",
    "invite-role": "analyst",
    "approve": "Approve",
    "kind": "institute",
}
SKIPPED = {"accounts.logout"}  # it would only end the admin's own session


def _snapshot(db: Session) -> dict[str, Any]:
    db.expire_all()
    users = db.scalars(sa.select(User).order_by(User.id)).all()
    reports = db.scalars(sa.select(Report).order_by(Report.id)).all()
    return {
        "readers": {
            (report.id, user.email)
            for report in reports
            for user in users
            if can_read_report(user, report)
        },
        "accounts": {(u.email, u.role, u.organization_id, u.is_active) for u in users},
        "members": {o.name for o in db.scalars(sa.select(Organization)) if o.is_network_member},
        "tokens": db.scalar(sa.select(sa.func.count()).select_from(ApiToken)),
    }


def _world(db: Session, make_user: MakeUser, institute: Organization) -> dict[str, Any]:
    """A RED report to one institute, an AMBER one to the network, a new empty institute."""
    reporter = make_user(Role.REPORTER)
    analyst = make_user(Role.ANALYST, organization=institute)
    outsider = factories.InstituteFactory(name="Outside Institute", is_network_member=False)
    outsider_analyst = make_user(Role.ANALYST, organization=outsider)
    empty = factories.InstituteFactory(name="Empty Institute", is_network_member=False)
    red = file_report(
        db,
        Caller(reporter, "web"),
        ReportContent(
            title="Red report",
            description="Only for one institute.",
            tlp="red",
            recipients=(institute.name,),
            classification=INITIAL,
        ),
    )
    amber = file_report(
        db,
        Caller(reporter, "web"),
        ReportContent(
            title="Amber report",
            description="For the network.",
            tlp="amber",
            classification=INITIAL,
        ),
    )
    admin = make_user(Role.ADMIN)
    _token, secret = factories.ApiTokenFactory.with_secret(user=admin)
    db.commit()
    return {
        "admin": admin,
        "token": secret,
        "analyst": analyst,
        "outsider": outsider,
        "outsider_analyst": outsider_analyst,
        "empty": empty,
        "institute": institute,
        "reports": (red, amber),
    }


def _values(db: Session, world: dict[str, Any], argument: str) -> list[object]:
    """Every value worth trying for a URL argument."""
    red, amber = world["reports"]
    ids = {
        "organization_id": [o.id for o in db.scalars(sa.select(Organization))],
        "user_id": [world["analyst"].id, world["outsider_analyst"].id, world["admin"].id],
        "token_id": [t.id for t in db.scalars(sa.select(ApiToken))],
        "change_id": [c.id for c in db.scalars(sa.select(MembershipChange))] or [1],
        "secret": ["x" * 43],
        "saved_id": [s.id for s in db.scalars(sa.select(SavedSearch))] or [1],
    }
    if argument in ids:
        return ids[argument]
    if argument in ("key", "reference"):
        return [red.reference, amber.reference]
    return ["INC-2026-00001", "PUB-2026-00001", "1"]


def _every_write(app: Flask, db: Session, world: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every writing route, with every plausible argument."""
    writes: list[tuple[str, str, str]] = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint in SKIPPED:
            continue
        combinations: list[dict[str, object]] = [{}]
        for argument in rule.arguments:
            combinations = [
                {**done, argument: value}
                for done in combinations
                for value in _values(db, world, argument)
            ]
        for values in combinations:
            url = url_of(rule, values)
            writes.extend((rule.endpoint, method, url) for method in sorted(methods))
    return writes


def test_an_admin_cannot_obtain_a_session_that_reads_a_report(
    app: Flask, client: FlaskClient, db: Session, make_user, institute: Organization
) -> None:
    world = _world(db, make_user, institute)
    before = _snapshot(db)
    assert before["readers"]  # the world has readers to protect
    login(client, world["admin"])
    token = csrf_token(client, "/admin/organizations")
    bearer = {"Authorization": f"Bearer {world['token']}"}
    writes = _every_write(app, db, world)
    assert len({endpoint for endpoint, _, _ in writes}) > 20
    targets = (world["institute"].id, world["outsider"].id)
    for endpoint, method, url in writes:
        for role, target in [(r, t) for r in ("analyst", "org_admin", "editor") for t in targets]:
            if url.startswith("/api/"):
                fields = {**GRANTING, "role": role, "invite-role": role, "organization": target}
                response = client.open(url, method=method, json=fields, headers=bearer)
            else:
                data = {
                    **GRANTING,
                    "role": role,
                    "invite-role": role,
                    "organization": target,
                    "csrf_token": token,
                }
                response = client.open(url, method=method, data=data)
            assert response.status_code < 500, (endpoint, url, response.status_code)
            db.rollback()
    after = _snapshot(db)
    assert after == before
    # The admin is still signed in as itself, and reads no report.
    assert client.get("/account").status_code == 200
    for report in world["reports"]:
        assert client.get(f"/reports/{report.reference}").status_code in (403, 404)


def test_the_admins_allowed_paths_give_nobody_report_access(
    app: Flask, client: FlaskClient, db: Session, make_user, institute: Organization
) -> None:
    world = _world(db, make_user, institute)
    before = _snapshot(db)
    login(client, world["admin"])
    empty, outsider = world["empty"], world["outsider"]
    # 1. Invite the first org admin of the empty institute, and accept as the admin would.
    invited = client.post(
        f"/admin/organizations/{empty.id}/invitations",
        data={
            "invite-email": "me-again@operator.example",
            "invite-role": "org_admin",
            "csrf_token": csrf_token(client, f"/admin/organizations/{empty.id}"),
        },
    )
    assert invited.status_code == 302
    # (The world's reports addressed to institutes were notified by mail too.)
    [mail_token] = db.scalars(
        sa.select(OutgoingMail.token).where(OutgoingMail.recipient == "me-again@operator.example")
    ).all()
    [sent] = (Path(app.instance_path) / "mail").glob(f"{mail_token}@*.eml")
    link = re.search(r"(/invitations/\S+)", sent.read_text())
    assert link
    accepting = app.test_client()
    accepted = accepting.post(
        link.group(1),
        data={
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_token(accepting, link.group(1)),
        },
    )
    assert accepted.status_code == 302
    for report in world["reports"]:
        assert accepting.get(f"/reports/{report.reference}").status_code in (403, 404)
    # 2. Propose network membership for both institutes: nothing changes without a second
    #    admin, and the proposer cannot approve.
    for organization in (empty, outsider):
        page = f"/admin/organizations/{organization.id}"
        proposed = client.post(
            f"{page}/membership",
            data={"membership-make_member": "y", "csrf_token": csrf_token(client, page)},
        )
        assert proposed.status_code == 302
    for change in db.scalars(sa.select(MembershipChange)).all():
        client.post(
            f"/admin/membership-changes/{change.id}",
            data={"approve": "Approve", "csrf_token": csrf_token(client, "/admin/organizations")},
        )
    after = _snapshot(db)
    assert after["readers"] == before["readers"]
    assert after["members"] == before["members"]
    assert after["tokens"] == before["tokens"]
    assert after["accounts"] - before["accounts"] == {
        ("me-again@operator.example", Role.ORG_ADMIN, empty.id, True)
    }
    # 3. Nor into an institute that is a network member but never had a user, nor as an
    #    operator admin.
    lonely = factories.InstituteFactory(name="Member Without Users", is_network_member=True)
    operator = world["admin"].organization
    db.commit()
    for organization, role in ((lonely, "org_admin"), (operator, "admin")):
        page = f"/admin/organizations/{organization.id}"
        refused = client.post(
            f"{page}/invitations",
            data={
                "invite-email": f"{role}-implant@operator.example",
                "invite-role": role,
                "csrf_token": csrf_token(client, page),
            },
        )
        assert refused.status_code == 200
    # 4. The invitation cannot be repeated now that the institute has a user.
    again = client.post(
        f"/admin/organizations/{empty.id}/invitations",
        data={
            "invite-email": "third@operator.example",
            "invite-role": "org_admin",
            "csrf_token": csrf_token(client, f"/admin/organizations/{empty.id}"),
        },
    )
    assert again.status_code == 200
    assert db.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1


def _cli(app: Flask, *args: str, input: str | None = None) -> Result:
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_no_command_gives_an_operator_a_way_to_read_reports(
    app: Flask, db: Session, make_user, institute: Organization
) -> None:
    world = _world(db, make_user, institute)
    before = _snapshot(db)
    analyst, outsider = world["analyst"], world["outsider"]
    attempts = [
        ("org", "create", "Shadow Institute", "--kind", "institute", "--network-member"),
        ("user", "create", "implant@x.example", "--org", institute.name, "--role", "analyst"),
        ("user", "create", "implant@x.example", "--org", institute.name, "--role", "org_admin"),
        ("user", "create", "implant@x.example", "--org", outsider.name, "--role", "editor"),
        ("user", "create", "implant@x.example", "--org", institute.name, "--role", "admin"),
        ("user", "invite", "implant@x.example", "--org", institute.name, "--role", "org_admin"),
        ("user", "invite", "implant@x.example", "--org", institute.name, "--role", "analyst"),
        ("user", "invite", "implant@x.example", "--org", outsider.name, "--role", "org_admin"),
        ("token", "create", analyst.email),
        ("token", "create", analyst.email, "--name", "x", "--expires-days", "1"),
        ("token", "create", world["outsider_analyst"].email),
    ]
    for attempt in attempts:
        for password in (PASSWORD, "", "guessed password 1"):
            result = _cli(app, *attempt, input=password + "\n")
            assert result.exit_code != 0, (attempt, result.output)
            assert "aix_" not in result.output
    assert _snapshot(db) == before
    assert db.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
