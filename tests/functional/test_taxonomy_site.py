"""The taxonomy as the site serves it: JSON export, JSON Schema, public pages, commands."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient

import taxonomy

SERIOUS_DEATH = {
    "event_class": "serious_ai_incident",
    "harm_type": ["physical_death"],
    "regulatory_regimes": ["eu_ai_act_art73"],
}


def test_json_export_lists_every_dimension_with_its_version(client: FlaskClient) -> None:
    data = client.get("/api/v1/taxonomy").get_json()
    assert data["version"] == taxonomy.load().version
    dimensions = {dimension["id"]: dimension for dimension in data["dimensions"]}
    assert len(dimensions) >= 30
    for dimension in dimensions.values():
        assert {"id", "label", "definition", "kind"} <= dimension.keys()
    harm_type = dimensions["harm_type"]
    assert {value["id"] for value in harm_type["values"]} >= {"physical_death", "psychological"}
    assert "oecd" in harm_type["mappings"]
    assert "eu_ai_act" in dimensions["event_class"]["mappings"]


def test_json_export_of_an_unknown_version_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/taxonomy?version=0.0.1")
    assert response.status_code == 404
    assert "1.0.0" in response.get_json()["details"]


def test_schema_is_a_valid_json_schema_that_agrees_with_validate(client: FlaskClient) -> None:
    schema = client.get("/api/v1/taxonomy/schema.json?stage=initial").get_json()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    good = {"harm_type": ["physical_death"], "event_class": "ai_incident"}
    bad = {"harm_type": ["physcal_death"], "no_such_dimension": 1}
    tax = taxonomy.load()
    for classification in (good, bad):
        schema_ok = validator.is_valid(classification)
        problems = [p for p in tax.validate(classification, "initial") if p.code != "required"]
        assert schema_ok == (not problems) or not validator.is_valid(classification)
    assert not validator.is_valid(bad)
    assert client.get("/api/v1/taxonomy/schema.json?stage=later").status_code == 404


def test_index_page_lists_dimensions_and_links_to_each(client: FlaskClient) -> None:
    page = client.get("/taxonomy").get_data(as_text=True)
    for dimension in taxonomy.load().dimensions:
        assert f"/taxonomy/{dimension.id}?version=" in page
    assert "Required in the initial report" in page
    assert 'name="version"' in page
    assert "Regulatory clocks" in page
    assert "<td>10 days</td><td>after becoming aware</td>" in page
    assert "Duration(" not in page
    assert "previous_report" not in page


def test_dimension_page_shows_values_definitions_and_mappings(client: FlaskClient) -> None:
    page = client.get("/taxonomy/event_class").get_data(as_text=True)
    dimension = taxonomy.load().dimension("event_class")
    for value in dimension.values:
        assert f'id="{value.id}"' in page
        assert value.label in page
    assert "OECD common reporting framework" in page
    assert "Required in the initial report" in page


def test_structured_dimension_page_lists_its_fields(client: FlaskClient) -> None:
    page = client.get("/taxonomy/ai_system").get_data(as_text=True)
    assert "ai_system.developer" in page


@pytest.mark.parametrize("url", ["/taxonomy/no_such_dimension", "/taxonomy?version=9.9.9"])
def test_unknown_pages_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_check_command_passes_on_the_shipped_data(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["taxonomy", "check"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_check_command_exits_1_listing_problems(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ["taxonomy/data/1.0.0/harm.toml: dimension 'harm_type', value 'X': bad id"]
    monkeypatch.setattr(taxonomy, "check", lambda: broken)
    result = app.test_cli_runner().invoke(args=["taxonomy", "check"])
    assert result.exit_code == 1
    assert "harm_type" in result.output


@pytest.mark.parametrize("export_format", ["json", "jsonschema", "csv"])
def test_export_command_prints_each_format(app: Flask, export_format: str) -> None:
    result = app.test_cli_runner().invoke(args=["taxonomy", "export", "--format", export_format])
    assert result.exit_code == 0, result.output
    if export_format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert {row["dimension"] for row in rows} >= {"harm_type", "sector"}
    else:
        data = json.loads(result.output)
        assert ("dimensions" in data) == (export_format == "json")


def test_export_command_refuses_an_unknown_version(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["taxonomy", "export", "--version", "7.0.0"])
    assert result.exit_code == 1
    assert "7.0.0" in result.output


def test_diff_command_prints_changes_and_refuses_unknown_versions(app: Flask) -> None:
    same = app.test_cli_runner().invoke(args=["taxonomy", "diff", "1.0.0", "1.0.0"])
    assert same.exit_code == 0
    assert "No changes" in same.output
    unknown = app.test_cli_runner().invoke(args=["taxonomy", "diff", "1.0.0", "8.0.0"])
    assert unknown.exit_code == 1
