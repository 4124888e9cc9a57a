"""A person signs in, sees the navigation of their role, and signs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from incidents.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

JOURNEYS = [
    ("admin@operations.example", ["Organisations", "Users", "Audit log"], ["Members"]),
    ("orgadmin@aurora.example", ["Members", "API tokens"], ["Organisations", "Audit log"]),
    ("reporter@aurora.example", [], ["Members", "Organisations", "Audit log"]),
]


@pytest.mark.parametrize(("email", "shown", "hidden"), JOURNEYS)
def test_sign_in_see_role_navigation_sign_out(page, email, shown, hidden) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The e-mail or password is not right.")).to_be_visible()

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    navigation = page.get_by_test_id("main-nav")
    navigation.get_by_role("button", name="Sign out").wait_for()
    for label in shown:
        expect(navigation.get_by_role("link", name=label), label).to_be_visible()
    for label in hidden:
        assert navigation.get_by_role("link", name=label).count() == 0, label

    navigation.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/account")
    assert page.url.split("?")[0].endswith("/login")
