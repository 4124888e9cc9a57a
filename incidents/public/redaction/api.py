"""The two public operations: redact a draft, list what a final text still gives away."""

from __future__ import annotations

from incidents.public.redaction.engine import scan
from incidents.public.redaction.lexicon import lexicon
from incidents.public.redaction.model import Finding, KnownNames, Redaction
from incidents.public.redaction.text import fold


def redact(text: str, names: KnownNames) -> Redaction:
    """Replace the personal data in ``text`` with ``[kind]`` placeholders.

    Needs the incident's structured names (people are looked for in every form;
    organisations and systems are protected from redaction). Returns the new text and the
    spans removed from the original, in order. Raises nothing.
    """
    spans = tuple(scan(text, names).spans)
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append(f"[{span.kind.value}]")
        cursor = span.end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), spans)


def findings(text: str, names: KnownNames, cleared: frozenset[str] = frozenset()) -> list[Finding]:
    """What a summary about to be published still contains, for the approval guard.

    Returns the personal data found (as :func:`redact` would remove it) and every
    occurrence of a structured organisation, AI system, developer or deployer name not in
    ``cleared`` (compared case- and accent-insensitively). ``cleared`` never applies to
    people: a person's name is always a finding. Sorted by position. Raises nothing.
    """
    result = scan(text, names)
    allowed = {fold(name) for name in cleared}
    out: list[Finding] = list(result.spans)
    seen: set[tuple[int, int]] = set()
    for guard in result.structured:
        value = text[guard.start : guard.end]
        # A name typed as both organisation and deployer is one finding, not two.
        if (
            guard.kind is not None
            and fold(value) not in allowed
            and (guard.start, guard.end) not in seen
        ):
            seen.add((guard.start, guard.end))
            out.append(Finding(guard.start, guard.end, guard.kind, value, guard.reason))
    return sorted(out)


def prepare() -> None:
    """Load the word lists now rather than on the first call (about half a second).

    A server calls it at start (before forking, so workers share the memory); calling it
    again does nothing. Raises nothing.
    """
    lexicon()
