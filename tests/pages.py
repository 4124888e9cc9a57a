"""Small HTML inspections for tests: inline code, labels and error references; URLs of routes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from werkzeug.routing import Rule


def url_of(rule: Rule, values: Mapping[str, Any]) -> str:
    """The path ``rule`` builds from ``values`` (its own arguments only); fails the test if the
    values do not fit the rule."""
    built = rule.build(dict(values), append_unknown=False)
    assert built is not None, f"{rule.rule} cannot be built from {dict(values)}"
    return built[1]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Page(HTMLParser):
    """Every element with its attributes, and the text inside <script>/<p> elements."""

    elements: list[Element] = field(default_factory=list)
    _open: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag in ("script", "style", "p", "label", "option"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            element
            for element in self.elements
            if element.tag == tag
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def inline_code(html: str) -> list[str]:
    """Everything a CSP without 'unsafe-inline' would block: inline scripts, styles, handlers."""
    problems = []
    for element in parse(html).elements:
        if element.tag == "script" and ("src" not in element.attrs or element.text.strip()):
            problems.append(f"inline <script>: {element.text.strip()[:60]!r}")
        if element.tag == "style":
            problems.append("<style> element")
        for name, value in element.attrs.items():
            if name == "style":
                problems.append(f"style= on <{element.tag}>")
            if name.startswith("on"):
                problems.append(f"{name}= on <{element.tag}>")
            if name in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                problems.append(f"javascript: URL on <{element.tag}>")
    return problems


def accessibility_problems(html: str) -> list[str]:
    """Inputs without a <label for>, and error messages no input refers to."""
    page = parse(html)
    labelled = {label.attrs.get("for") for label in page.find("label")}
    problems = []
    controls = [e for e in page.elements if e.tag in ("input", "select", "textarea")]
    for control in controls:
        if control.attrs.get("type") in ("hidden", "submit", "button"):
            continue
        if not control.attrs.get("id") or control.attrs["id"] not in labelled:
            problems.append(f"<{control.tag} name={control.attrs.get('name')}> has no label")
    described = {
        reference
        for control in controls
        for reference in control.attrs.get("aria-describedby", "").split()
    }
    for message in page.find("p"):
        is_error = "error" in message.attrs.get("class", "").split()
        if is_error and message.attrs.get("id") not in described:
            problems.append(f"error {message.text.strip()!r} is not aria-describedby")
    return problems


def field_error(html: str, field_id: str) -> str | None:
    """The error text shown next to ``field_id`` and referenced by it, if any."""
    page = parse(html)
    [control] = [e for e in page.elements if e.attrs.get("id") == field_id]
    if f"{field_id}-error" not in control.attrs.get("aria-describedby", "").split():
        return None
    if control.attrs.get("aria-invalid") != "true":
        return None
    [message] = page.find("p", id=f"{field_id}-error")
    return message.text.strip()
