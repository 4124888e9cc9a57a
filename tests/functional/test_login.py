"""Signing in and out: sessions, timeouts, throttling, redirects and enumeration."""

from __future__ import annotations

import email as email_module
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from incidents.mail.models import OutgoingMail
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import csrf_token, login

GENERIC_ERROR = "The e-mail or password is not right."


def _post_login(client: FlaskClient, email: str, password: str, query: str = "") -> TestResponse:
    token = csrf_token(client, "/login")
    return client.post(
        "/login" + query, data={"email": email, "password": password, "csrf_token": token}
    )


def _is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert urlsplit(response.location).path == "/login"
        return False
    assert response.status_code == 200
    return True


def _session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_page_and_successful_login(client: FlaskClient, make_user, db: Session) -> None:
    user = make_user(Role.REPORTER)
    page = client.get("/login")
    assert page.status_code == 200
    assert 'type="password"' in page.get_data(as_text=True)
    response = _post_login(client, user.email.upper(), factories.TEST_PASSWORD)
    assert response.status_code == 302
    assert response.location == "/reports"  # a reporter lands on its reports
    assert _is_signed_in(client)
    db.refresh(user)
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("role", "home", "landing"),
    [
        (Role.REPORTER, "company", "/reports"),
        (Role.ORG_ADMIN, "company", "/reports"),
        (Role.ANALYST, "institute", "/triage"),
        (Role.EDITOR, "institute", "/triage"),
        (Role.ORG_ADMIN, "institute", "/triage"),
        (Role.ADMIN, "operator", "/admin/organizations"),
    ],
)
def test_each_role_lands_where_its_work_is(
    client: FlaskClient,
    make_user,
    request: pytest.FixtureRequest,
    role: Role,
    home: str,
    landing: str,
) -> None:
    user = make_user(role, request.getfixturevalue(home))

    response = _post_login(client, user.email, factories.TEST_PASSWORD)

    assert response.location == landing
    assert client.get("/login").location == landing  # signed in already: the same place
    assert client.get("/login?next=/account").location == "/account"  # asked for: honoured


def test_the_api_docs_are_linked_for_those_who_use_the_api(
    client: FlaskClient, make_user, db: Session
) -> None:
    reporter = make_user(Role.REPORTER)
    _post_login(client, reporter.email, factories.TEST_PASSWORD)
    assert 'href="/api/docs"' not in client.get("/account").get_data(as_text=True)

    factories.ApiTokenFactory(user=reporter)
    db.flush()

    assert 'href="/api/docs"' in client.get("/account").get_data(as_text=True)


def test_every_page_names_the_site_icon(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)

    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert client.get("/favicon.ico").location == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").status_code == 200


def test_login_starts_a_new_session(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
    client.get("/login")
    before = _session_cookie(client)
    login(client, user)
    assert _session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{user.id}:")


def test_logged_in_visit_to_login_redirects(client: FlaskClient, make_user) -> None:
    login(client, make_user(Role.REPORTER))
    response = client.get("/login?next=/account")
    assert response.status_code == 302
    assert response.location == "/account"


def test_logout_ends_every_session_of_the_user(app: Flask, make_user) -> None:
    user = make_user(Role.ANALYST)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    response = laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/account")})
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    assert not _is_signed_in(laptop)
    assert not _is_signed_in(phone)


def test_logout_needs_post(client: FlaskClient, make_user) -> None:
    login(client, make_user(Role.REPORTER))
    assert client.get("/logout").status_code == 405
    assert _is_signed_in(client)


def test_password_change_ends_other_sessions_but_keeps_this_one(
    app: Flask, make_user, db: Session
) -> None:
    user = make_user(Role.REPORTER)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    new_password = "an entirely new passphrase"
    response = laptop.post(
        "/account/password",
        data={
            "current_password": factories.TEST_PASSWORD,
            "new_password": new_password,
            "confirm": new_password,
            "csrf_token": csrf_token(laptop, "/account/password"),
        },
    )
    assert response.status_code == 302
    assert _is_signed_in(laptop)
    assert not _is_signed_in(phone)
    assert _post_login(phone, user.email, factories.TEST_PASSWORD).status_code == 200
    login(phone, user, new_password)


def test_password_change_with_wrong_current_password_is_refused(
    client: FlaskClient, make_user, db: Session
) -> None:
    user = make_user(Role.REPORTER)
    login(client, user)
    old_hash = user.password_hash
    response = client.post(
        "/account/password",
        data={
            "current_password": "wrong wrong wrong",
            "new_password": "an entirely new passphrase",
            "confirm": "an entirely new passphrase",
            "csrf_token": csrf_token(client, "/account/password"),
        },
    )
    assert response.status_code == 200
    assert "The current password is not right." in response.get_data(as_text=True)
    db.refresh(user)
    assert user.password_hash == old_hash


def test_deactivation_ends_the_users_sessions(app: Flask, make_user, db: Session) -> None:
    admin, user = make_user(Role.ADMIN), make_user(Role.REPORTER)
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, admin)
    login(user_client, user)
    path = f"/admin/users/{user.id}"
    response = admin_client.post(
        path,
        data={"name": user.name, "role": "reporter", "csrf_token": csrf_token(admin_client, path)},
    )
    assert response.status_code == 302
    db.refresh(user)
    assert user.is_active is False
    assert not _is_signed_in(user_client)
    assert _post_login(user_client, user.email, factories.TEST_PASSWORD).status_code == 200


def test_organization_deactivation_ends_its_users_sessions(
    app: Flask, make_user, company, db: Session
) -> None:
    admin, user = make_user(Role.ADMIN), make_user(Role.REPORTER)
    admin_client, user_client = app.test_client(), app.test_client()
    login(admin_client, admin)
    login(user_client, user)
    path = f"/admin/organizations/{company.id}"
    response = admin_client.post(
        path, data={"name": company.name, "csrf_token": csrf_token(admin_client, path)}
    )
    assert response.status_code == 302
    db.refresh(company)
    assert company.is_active is False
    assert not _is_signed_in(user_client)


@pytest.mark.parametrize(
    ("key", "age_seconds", "signed_in"),
    [
        ("seen_at", 59 * 60, True),
        ("seen_at", 61 * 60, False),  # idle for more than 60 minutes
        ("login_at", 11 * 3600, True),
        ("login_at", 12 * 3600 + 60, False),  # signed in more than 12 hours ago
    ],
)
def test_sessions_expire_when_idle_or_old(
    client: FlaskClient, make_user, key: str, age_seconds: int, signed_in: bool
) -> None:
    login(client, make_user(Role.REPORTER))
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age_seconds
    assert _is_signed_in(client) is signed_in


def test_activity_keeps_a_session_alive_but_not_past_the_absolute_limit(
    client: FlaskClient, make_user
) -> None:
    login(client, make_user(Role.REPORTER))
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 59 * 60
    assert _is_signed_in(client)
    with client.session_transaction() as session:
        assert session["seen_at"] >= int(time.time()) - 5  # the request refreshed it
        session["login_at"] = int(time.time()) - 13 * 3600
    assert not _is_signed_in(client)


# --- throttling -------------------------------------------------------------------------------


def _unlock_link(app: Flask, db: Session, email: str) -> str:
    """The unlock link of the (already sent) mail to ``email``, read from its .eml file."""
    tokens = db.scalars(
        sa.select(OutgoingMail.token).where(
            OutgoingMail.recipient == email, OutgoingMail.subject.contains("paused")
        )
    ).all()
    assert len(tokens) == 1, tokens
    [mail] = list((Path(app.instance_path) / "mail").glob(f"{tokens[0]}@*.eml"))
    message = email_module.message_from_bytes(mail.read_bytes())
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode()
    found = re.search(r"https?://[^/\s]+(/login/unlock/\S+)", text)
    assert found, text
    return found.group(1)


def test_an_account_beyond_its_limit_stops_guessing_without_locking_its_owner_out(
    app: Flask, client: FlaskClient, db: Session, make_user
) -> None:
    user = make_user(Role.REPORTER)
    token = csrf_token(client, "/login")
    bad = {"email": user.email, "password": "wrong password!", "csrf_token": token}
    for _ in range(10):
        assert client.post("/login", data=bad).status_code == 200
    # Beyond the limit nothing answers 429 per account: the password is not checked, so the
    # right one gets the same answer as a wrong one (guessing has stopped) ...
    right = {**bad, "password": factories.TEST_PASSWORD}
    for attempt in (bad, right, bad):
        answer = client.post("/login", data=attempt)
        assert answer.status_code == 200
        assert GENERIC_ERROR in answer.get_data(as_text=True)
    assert not _is_signed_in(client)
    # ... as does an unknown address beyond its limit, and no mail goes anywhere for it.
    unknown = {**bad, "email": "nobody@nowhere.example"}
    elsewhere = {"REMOTE_ADDR": "192.0.2.77"}  # not to use up this address's limit
    for _ in range(12):
        answer = client.post("/login", data=unknown, environ_overrides=elsewhere)
        assert answer.status_code == 200
    # The owner got one unlock link (not one per attempt), with which they sign in.
    link = _unlock_link(app, db, user.email)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    form = {"password": "still wrong!", "csrf_token": csrf_token(client, link)}
    assert GENERIC_ERROR in client.post(link, data=form).get_data(as_text=True)
    signed_in = client.post(link, data={**form, "password": factories.TEST_PASSWORD})
    assert signed_in.status_code == 302
    assert _is_signed_in(client)
    assert client.get(link).status_code == 404  # one use
    # Another account from the same address is still served.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    other = make_user(Role.REPORTER)
    assert _post_login(client, other.email, factories.TEST_PASSWORD).status_code == 302


def test_an_unlock_link_dies_after_five_wrong_passwords(
    app: Flask, client: FlaskClient, db: Session, make_user
) -> None:
    user = make_user(Role.REPORTER)
    for number in range(11):
        _post_login(client, user.email, f"wrong password {number}")
    link = _unlock_link(app, db, user.email)
    form = {"password": "still wrong!", "csrf_token": csrf_token(client, link)}
    for _ in range(5):
        assert client.post(link, data=form).status_code == 200
    right = {**form, "password": factories.TEST_PASSWORD}
    assert client.post(link, data=right).status_code == 404
    assert not _is_signed_in(client)
    assert client.get("/login/unlock/" + "x" * 43).status_code == 404


def test_failed_logins_are_throttled_per_address(client: FlaskClient) -> None:
    token = csrf_token(client, "/login")
    for number in range(20):
        data = {"email": f"guess{number}@example.org", "password": "x" * 12, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 200
    data = {"email": "guess99@example.org", "password": "x" * 12, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 429
    other_address = client.post(
        "/login", data=data, environ_overrides={"REMOTE_ADDR": "192.0.2.99"}
    )
    assert other_address.status_code == 200


def test_successful_logins_are_not_counted(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    for _ in range(25):
        response = _post_login(client, user.email, factories.TEST_PASSWORD)
        assert response.status_code == 302
        client.delete_cookie("session")


# --- the next parameter -----------------------------------------------------------------------

BYPASSES = [
    "//evil.example",
    "//evil.example/%2F..",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http://evil.example/login",
    "HtTpS://evil.example",
    "https:evil.example",
    "//evil.example@localhost",
    "https://localhost@evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/.//evil.example",
    "/\u3002/evil.example",
    "\uff0f\uff0fevil.example",
    "/\x00/evil.example",
    "//%65vil.example",
]


def _browser_target(location: str) -> tuple[str, str]:
    """Where a browser goes: WHATWG URL parsing drops tabs and newlines, reads \\ as /."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    resolved = urlsplit(urljoin("http://localhost/login", cleaned))
    return resolved.scheme, resolved.netloc


@pytest.mark.parametrize("target", BYPASSES)
def test_next_never_leaves_the_site(client: FlaskClient, make_user, target: str) -> None:
    user = make_user(Role.REPORTER)
    query = "?" + urlencode({"next": target})
    response = _post_login(client, user.email, factories.TEST_PASSWORD, query)
    if "\x00" in target:  # text no database stores is refused at the door, naming `next`
        assert response.status_code == 422
        assert "Location" not in response.headers
        return
    assert response.status_code == 302
    assert _browser_target(response.headers["Location"]) == ("http", "localhost")
    again = client.get("/login" + query)  # signed in: the GET redirects at once
    assert again.status_code == 302
    assert _browser_target(again.headers["Location"]) == ("http", "localhost")


def test_next_keeps_a_local_path(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    response = _post_login(client, user.email, factories.TEST_PASSWORD, "?next=/account%3Fx%3D1")
    assert response.location == "/account?x=1"


def test_protected_page_sends_to_login_and_back(client: FlaskClient, make_user) -> None:
    user = make_user(Role.REPORTER)
    response = client.get("/account/password")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert parse_qs(location.query) == {"next": ["/account/password"]}
    back = _post_login(client, user.email, factories.TEST_PASSWORD, "?" + location.query)
    assert back.location == "/account/password"


# --- no account enumeration -------------------------------------------------------------------


def _answer(response: TestResponse, email: str) -> tuple[int, str]:
    page = response.get_data(as_text=True)
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
    return response.status_code, page.replace(email, "EMAIL")


def test_same_answer_for_unknown_email_wrong_password_and_deactivation(
    app: Flask, make_user
) -> None:
    known = make_user(Role.REPORTER)
    deactivated = make_user(Role.REPORTER, is_active=False)
    cases = [
        ("nobody@example.org", factories.TEST_PASSWORD),
        (known.email, "not the password"),
        (deactivated.email, factories.TEST_PASSWORD),
    ]
    answers = set()
    for email, password in cases:
        response = _post_login(app.test_client(), email, password)
        assert GENERIC_ERROR in response.get_data(as_text=True)
        answers.add(_answer(response, email))
    assert len(answers) == 1
    assert next(iter(answers))[0] == 200


def test_argon2_hash_is_upgraded_at_login(client: FlaskClient, make_user, db: Session) -> None:
    old_hash = PasswordHasher(time_cost=2, memory_cost=128, parallelism=1).hash("old parameters!")
    user = make_user(Role.REPORTER, password_hash=old_hash)
    login(client, user, "old parameters!")
    db.refresh(user)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$v=19$m=64,t=1,p=4$")
