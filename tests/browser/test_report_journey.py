"""A reporter files a report in the browser: fills the form, meets a validation error, fixes
it, reviews, submits and sees the receipt with a reference."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from incidents.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SELECTS = {
    "event_class": "serious_ai_incident",
    "confidence": "confirmed",
    "submitter_relation": "developer",
    "harm_materialisation": "occurred",
    "persons_affected": "n_2_10",
    "date_precision": "day",
    "sector": "health",
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "autonomy": "low_action",
    "response_status": "open",
}
CHECKBOXES = ["Death", "Direct cause", "Consumers", "Transcripts"]


def test_reporter_files_a_report_and_gets_a_receipt(page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill("reporter@aurora.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("main-nav").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="New report").click()

    page.get_by_label("Title").fill("Care robot dropped a patient")
    page.get_by_label("Description").fill("A patient fell from the lifting arm and died.")
    page.get_by_label("Distribution (TLP)").select_option("amber")
    # Every section open; questions that depend on an answer appear once it is given.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.locator("#occurred_on").fill("2025-02-01")
    for field_id, value in SELECTS.items():
        page.locator(f"#{field_id}").select_option(value)
    for label in CHECKBOXES:
        page.get_by_label(label, exact=True).first.check()
    page.get_by_label("EU AI Act Art. 73 (high-risk AI systems)").check()
    page.locator("#harm_deaths").fill("1")
    page.locator("#risk_domain-0").check()
    page.locator("#aware_at").fill("2025-02-03T10:00")
    page.locator("#countries").select_option(["NO"])
    page.get_by_role("button", name="Review and submit").click()

    # The AI system's name was forgotten: the summary says so and links to the field.
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    missing = summary.get_by_role("link", name="Required in the initial report: AI system")
    expect(missing).to_be_visible()
    missing.click()
    expect(page).to_have_url(re.compile(r"#ai_system$"))
    name = page.locator("#ai_system-name")
    assert "ai_system-error" in (name.get_attribute("aria-describedby") or "")
    expect(page.locator("#ai_system-error")).to_be_visible()
    assert page.get_by_label("Title").input_value() == "Care robot dropped a patient"
    assert page.locator("#harm_deaths").input_value() == "1"
    name.fill("CareLift")
    page.get_by_role("button", name="Review and submit").click()

    page.get_by_role("heading", name="Review and submit").wait_for()
    expect(page.get_by_text("TLP:AMBER").first).to_be_visible()
    page.get_by_role("button", name="Submit report").click()

    page.get_by_role("heading", name="Report received").wait_for()
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"RPT-\d{4}-\d{5}", reference)
    expect(page.get_by_text("2025-02-13 10:00").first).to_be_visible()  # Art. 73(4): 10 days
