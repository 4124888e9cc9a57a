"""Helpers for the redaction tests: what a detector found, as plain tuples."""

from __future__ import annotations

from collections.abc import Iterable

from incidents.public.redaction import Kind, KnownNames, Span, redact


def texts(spans: Iterable[Span]) -> list[str]:
    """The text of each span, in order."""
    return [s.text for s in spans]


def redacted(text: str, names: KnownNames | None = None, kind: Kind | None = None) -> list[str]:
    """The pieces ``redact`` removes from ``text`` (of one kind, if given)."""
    result = redact(text, names or KnownNames())
    return [s.text for s in result.spans if kind is None or s.kind is kind]
