"""Picking a taxonomy version from a request parameter, with a clear 404 for unknown ones."""

from __future__ import annotations

import taxonomy


class UnknownVersion(LookupError):
    """The requested taxonomy version does not exist; the message lists the ones that do."""


def taxonomy_version(requested: str | None) -> taxonomy.Taxonomy:
    """The taxonomy ``requested`` (None or empty: the latest). Raises UnknownVersion."""
    known = taxonomy.versions()
    if requested and requested not in known:
        raise UnknownVersion(
            f"There is no taxonomy version {requested!r}; versions: {', '.join(known)}."
        )
    return taxonomy.load(requested or None)
