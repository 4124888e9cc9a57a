"""The reporter dashboard: the organisation's reports, deadline badges, filters, pages."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from incidents.reports.models import Report
from incidents.security.permissions import Role
from tests import factories
from tests.functional.reports.conftest import COMPLETE_CLASSIFICATION, aware
from tests.pages import accessibility_problems, inline_code


def _nis2(days_ago: float) -> dict[str, object]:
    return {
        **COMPLETE_CLASSIFICATION,
        "aware_at": aware(days_ago),
        "regulatory_regimes": ["nis2_art23"],
    }


def _titles(client: FlaskClient, query: str = "") -> list[str]:
    page = client.get(f"/reports{query}").get_data(as_text=True)
    if 'data-testid="reports"' not in page:
        return []
    body = page.split('data-testid="reports"')[1].split("</table>")[0]
    return [row.split("<td>")[2].split("</td>")[0] for row in body.split("<tr>")[2:]]


def test_dashboard_lists_filters_and_flags_deadlines(
    reporter_client: FlaskClient, file_report: Callable[..., Report], institute, make_user
) -> None:
    file_report(title="Shared widely")
    file_report(draft=True, title="Draft alpha")
    file_report(title="Secret one", tlp="red", recipients=(institute.name,))
    file_report(title="Late follow-up", classification=_nis2(4))
    file_report(title="Soon follow-up", classification=_nis2(2))
    other_company = make_user(Role.REPORTER, organization=factories.OrganizationFactory())
    file_report(title="Not ours", by=other_company)

    response = reporter_client.get("/reports")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert accessibility_problems(page) == []
    assert inline_code(page) == []
    assert "Not ours" not in page
    assert set(_titles(reporter_client)) == {
        "Shared widely",
        "Draft alpha",
        "Secret one",
        "Late follow-up",
        "Soon follow-up",
    }
    rows = page.split("<tr>")
    [late] = [row for row in rows if "Late follow-up" in row]
    [soon] = [row for row in rows if "Soon follow-up" in row]
    assert "badge-overdue" in late
    assert "intermediate report" in late
    assert "badge-due_soon" in soon
    assert "TLP:RED" in page

    assert _titles(reporter_client, "?state=draft") == ["Draft alpha"]
    assert _titles(reporter_client, "?tlp=red") == ["Secret one"]
    assert _titles(reporter_client, "?q=soon") == ["Soon follow-up"]
    assert _titles(reporter_client, "?deadline=due_soon") == ["Soon follow-up"]
    assert "Late follow-up" in _titles(reporter_client, "?deadline=overdue")
    assert _titles(reporter_client, "?stage=final") == []
    assert _titles(reporter_client, "?state=nonsense") != []  # an unknown value filters nothing
    filtered = reporter_client.get("/reports?state=draft").get_data(as_text=True)
    assert '<option selected value="draft">' in filtered or 'value="draft" selected' in filtered


def test_dashboard_pages(reporter_client: FlaskClient, file_report: Callable[..., Report]) -> None:
    for number in range(27):
        file_report(draft=True, title=f"Draft {number:02d}")
    first = reporter_client.get("/reports?state=draft").get_data(as_text=True)
    assert "27 reports" in first
    assert "Page 1 of 2" in first
    assert 'href="/reports?page=2&amp;state=draft"' in first
    second = _titles(reporter_client, "?state=draft&page=2")
    assert second == ["Draft 01", "Draft 00"]
    assert "Newer" in reporter_client.get("/reports?page=2").get_data(as_text=True)
