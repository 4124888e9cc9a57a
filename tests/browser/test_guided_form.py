"""The guided report form in the browser: a short first page, questions that appear and
disappear with the answers they depend on, and a report filed through it.

Measured on the demo data (before the guided form: 12,744 px and 209 visible controls at
1280 px wide; 18,209 px at 390 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from incidents.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const controls = [...document.querySelectorAll(
    'form.report-form input:not([type=hidden]), form.report-form select,'
    + ' form.report-form textarea, form.report-form button')];
  const visible = controls.filter(el => !el.disabled
    && el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}));
  return [document.documentElement.scrollHeight, visible.length];
}"""
OPEN_ALL = "document.querySelectorAll('form.report-form details').forEach(d => { d.open = true; })"


def _sign_in(page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill("reporter@aurora.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()


def test_the_first_page_of_the_form_is_short(page) -> None:
    _sign_in(page)
    figures = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/reports/new")
        height, controls = page.evaluate(MEASURE)
        page.evaluate(OPEN_ALL)
        open_height, open_controls = page.evaluate(MEASURE)
        figures[width] = (height, controls, open_height, open_controls)
    print("guided form (height px, visible controls, all open px, all open controls):", figures)
    height, controls, open_height, open_controls = figures[1280]
    assert height < 12_744 / 4
    assert controls <= 12
    assert open_controls < 209  # even with every section open, dependent questions stay hidden
    assert figures[390][0] < 18_209 / 4


def test_questions_follow_the_answers_and_a_report_is_filed(page) -> None:
    _sign_in(page)
    page.goto("/reports/new")
    recipients = page.locator("#recipients")
    expect(recipients).to_be_hidden()  # the default distribution, TLP:AMBER, names no recipients
    page.get_by_label("Distribution (TLP)").select_option("amber_strict")
    expect(recipients).to_be_visible()
    page.get_by_label("Distribution (TLP)").select_option("amber")
    expect(recipients).to_be_hidden()

    page.get_by_label("Title").fill("Care robot dropped a patient")
    page.get_by_label("Description").fill("A patient fell from the lifting arm and died.")
    page.evaluate(OPEN_ALL)
    deaths = page.locator("#harm_deaths")
    expect(deaths).to_be_hidden()
    expect(deaths).to_be_disabled()
    page.get_by_label("Death", exact=True).check()
    expect(deaths).to_be_visible()
    expect(deaths).to_be_enabled()
    deaths.fill("1")
    persons = page.locator("#persons_affected")
    expect(persons).to_be_hidden()
    page.locator("#harm_materialisation").select_option("occurred")
    expect(persons).to_be_visible()
    page.locator("#harm_materialisation").select_option("imminent_risk")
    expect(persons).to_be_hidden()
    page.locator("#harm_materialisation").select_option("occurred")
    persons.select_option("n_1")
    precision = page.locator("#date_precision")
    expect(precision).to_be_hidden()
    page.locator("#occurred_on").fill("2025-02-01")
    expect(precision).to_be_visible()
    precision.select_option("day")
    widespread = page.locator("#widespread_infringement")
    expect(widespread).to_be_hidden()
    page.get_by_label("EU AI Act Art. 73 (high-risk AI systems)").check()
    expect(widespread).to_be_visible()

    for field_id, value in {
        "event_class": "serious_ai_incident",
        "confidence": "confirmed",
        "submitter_relation": "developer",
        "sector": "health",
        "critical_infrastructure": "none",
        "deployment_stage": "operate_monitor",
        "deployment_status": "general_availability",
        "autonomy": "low_action",
        "response_status": "open",
    }.items():
        page.locator(f"#{field_id}").select_option(value)
    for label in ("Direct cause", "Consumers", "Transcripts"):
        page.get_by_label(label, exact=True).first.check()
    page.locator("#risk_domain-0").check()
    page.locator("#aware_at").fill("2025-02-03T10:00")
    page.locator("#countries").select_option(["NO"])
    page.locator("#ai_system-name").fill("CareLift")
    # Ticked, then made irrelevant again: the hidden answer is not sent.
    page.get_by_label("Injury or harm to physical health", exact=True).check()
    page.locator("#harm_injuries").fill("3")
    page.get_by_label("Injury or harm to physical health", exact=True).uncheck()
    page.get_by_role("button", name="Review and submit").click()

    page.get_by_role("heading", name="Review and submit").wait_for()
    assert re.search(r"/reports/draft-\d+/review$", page.url)
    preview = page.get_by_test_id("deadline-preview")
    assert "EU AI Act Art. 73" in preview.inner_text()
    assert "Injuries" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Submit report").click()
    page.get_by_role("heading", name="Report received").wait_for()
    assert re.fullmatch(r"RPT-\d{4}-\d{5}", page.get_by_test_id("reference").inner_text())
    # The receipt prints without the site's navigation and actions.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_test_id("receipt")).to_be_visible()


def test_without_javascript_the_server_asks_the_next_questions(browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page)
        page.goto("/reports/new")
        expect(page.locator("#harm_deaths")).to_be_disabled()
        page.get_by_label("Title").fill("Draft without a script")
        page.get_by_role("heading", name="Harm", exact=True).click()  # opens the section
        page.get_by_label("Death", exact=True).check()
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Your draft is saved").wait_for()
        assert re.search(r"/reports/draft-\d+/edit$", page.url)  # its own address
        expect(page.locator("#harm_deaths")).to_be_enabled()  # now asked
    finally:
        context.close()
