"""Where a ``next`` parameter may send a browser: local paths only."""

from __future__ import annotations

import re

# One leading slash, then no slash or backslash: rules out //host, /\host and schemes.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a plain local path on this site, else ``default``."""
    if not target or len(target) > 2000 or not _LOCAL_PATH.match(target):
        return default
    if any(ord(character) < 32 for character in target):
        return default
    return target
