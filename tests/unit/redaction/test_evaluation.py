"""bench/redaction_eval.py on a slice of the labelled files: the scoring and the targets."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT.parent / "shared" / "data" / "pii_dev.json"
EXTRA = ROOT / "bench" / "data" / "pii_extra.json"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "redaction_eval", ROOT / "bench" / "redaction_eval.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("redaction_eval", module)
    spec.loader.exec_module(module)
    return module


def _slice(path: Path, count: int) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {**data, "items": data["items"][:count]}


def test_scoring_by_hand() -> None:
    bench = _bench()
    item = {
        "id": "T1",
        "text": "Ana Lima wrote to ana@example.org from Acme in Lisbon about Nova.",
        "known_entities": {"people": ["Ana Lima"], "organisations": [], "systems": ["Nova"]},
        "spans": [
            {"start": 0, "end": 8, "type": "person", "text": "Ana Lima"},
            {"start": 18, "end": 33, "type": "email", "text": "ana@example.org"},
        ],
        "keep": ["Acme", "Lisbon", "Nova"],
    }
    score = bench.evaluate([item])
    summary = bench.summary(score)
    assert summary["recall_known_names"] == 1.0
    assert summary["recall_patterned"] == 1.0
    assert summary["recall_free_text_names"] is None
    assert summary["char_precision"] == 1.0
    assert summary["keep_violations"] == 0
    assert summary["items"] == 1


def test_misses_extras_and_keep_violations_are_counted() -> None:
    bench = _bench()
    item = {
        "id": "T2",
        "text": "Call Milo Grant on +44 20 7946 0958 today.",
        "known_entities": {"people": ["Milo Grant"], "organisations": [], "systems": []},
        "spans": [{"start": 19, "end": 35, "type": "phone", "text": "+44 20 7946 0958"}],
        "keep": ["Milo Grant", "today"],
    }
    score = bench.evaluate([item])
    summary = bench.summary(score)
    assert summary["recall_by_type"] == {"phone": 1.0}
    assert summary["keep_violations"] == 1
    assert summary["char_precision"] == pytest.approx(13 / (13 + 9), abs=1e-4)
    assert any("EXTRA person" in line for line in score.errors)


def test_command_line_prints_a_table_and_a_json_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "slice.json"
    path.write_text(json.dumps(_slice(EXTRA, 12)), encoding="utf-8")
    assert _bench().main(["--data", str(path), "--json", "--show-errors", "5"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert set(result) >= {
        "recall_by_type",
        "recall_known_names",
        "recall_patterned",
        "recall_free_text_names",
        "char_precision",
        "keep_violations",
        "items",
        "ms_per_1000_words",
    }
    assert result["items"] == 12
    assert any(line.startswith("recall") for line in out)


@pytest.mark.parametrize("path", [DEV, EXTRA], ids=["dev", "extra"])
def test_targets_on_a_slice(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    bench = _bench()
    summary = bench.summary(bench.evaluate(_slice(path, 40)["items"]))
    assert summary["recall_known_names"] == 1.0
    assert summary["recall_patterned"] >= 0.99
    assert summary["recall_free_text_names"] >= 0.9
    assert summary["char_precision"] >= 0.9
    assert summary["keep_violations"] == 0
