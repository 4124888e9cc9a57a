"""The command line: check, versions, diff."""

from __future__ import annotations

import runpy
import sys

import pytest

from taxonomy.cli import main

from .conftest import FIXTURE_ROOT, Editor


def test_check_passes_on_good_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "OK: 1.0.0\n"


def test_check_fails_with_every_problem(
    capsys: pytest.CaptureFixture[str], mini_root: Editor
) -> None:
    root = mini_root(old='kind = "multi"', new='kind = "many"')
    assert main(["--root", str(root), "check"]) == 1
    assert "dimension 'harm_type': unknown kind 'many'" in capsys.readouterr().err


def test_versions_and_diff(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(FIXTURE_ROOT), "versions"]) == 0
    assert capsys.readouterr().out == "1.0.0\n1.1.0\n1.2.0\n"
    assert main(["--root", str(FIXTURE_ROOT), "diff", "1.0.0", "1.1.0"]) == 0
    assert capsys.readouterr().out.startswith("Taxonomy 1.0.0 -> 1.1.0\n")
    assert main(["diff", "1.0.0", "0.9.0"]) == 2
    assert "unknown taxonomy version '0.9.0'" in capsys.readouterr().err


def test_runs_as_a_module(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["taxonomy", "versions"])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("taxonomy", run_name="__main__")
    assert caught.value.code == 0
    assert capsys.readouterr().out == "1.0.0\n"
