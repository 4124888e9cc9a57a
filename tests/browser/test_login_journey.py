"""A person signs in, sees the navigation of their role, and signs out."""

from __future__ import annotations

import pytest

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
    assert page.get_by_text("The e-mail or password is not right.").is_visible()

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    navigation = page.get_by_test_id("main-nav")
    navigation.get_by_role("button", name="Sign out").wait_for()
    for label in shown:
        assert navigation.get_by_role("link", name=label).is_visible(), label
    for label in hidden:
        assert navigation.get_by_role("link", name=label).count() == 0, label

    navigation.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out.").is_visible()
    page.goto("/account")
    assert page.url.split("?")[0].endswith("/login")
