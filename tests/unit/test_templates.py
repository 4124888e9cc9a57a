"""No template marks content safe: every value a template prints is escaped by Jinja.

A helper that must emit markup would be allow-listed here, and would sanitise user text
with nh3 first; today there is none.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: (file, line) pairs allowed to mark content safe, each with its sanitising helper.
ALLOWED: frozenset[tuple[str, int]] = frozenset()
UNSAFE = re.compile(r"\|\s*safe\b|autoescape\s+false|Markup\s*\(")


def _offences() -> list[str]:
    found = []
    files = [*ROOT.joinpath("templates").rglob("*"), *ROOT.joinpath("incidents").rglob("*.py")]
    for path in files:
        if not path.is_file() or path.suffix not in (".html", ".xml", ".py", ".txt"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = (str(path.relative_to(ROOT)), number)
            if UNSAFE.search(line) and where not in ALLOWED:
                found.append(f"{where[0]}:{number}: {line.strip()}")
    return found


def test_no_template_marks_content_safe() -> None:
    assert _offences() == []


def test_the_check_finds_what_it_looks_for() -> None:
    assert UNSAFE.search("{{ text|safe }}")
    assert UNSAFE.search("{% autoescape false %}")
    assert UNSAFE.search("return Markup(html)")
    assert not UNSAFE.search("{{ text|e }}")
