"""``safe_next`` lets a browser go to a local path only, whatever the attacker encodes."""

from __future__ import annotations

import pytest

from incidents.security.redirects import safe_next

# Payloads that would leave the site in some browser if taken as given.
OFFSITE = [
    "//evil.example",
    "//evil.example/login",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "//evil.example@localhost",
    "https:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n//evil.example",
    "/ /evil.example",
    " //evil.example",
    "/%09/evil.example\t",
    "/\x00/evil.example",
    "/" + "a" * 2001,
    "",
]

LOCAL = [
    "/",
    "/account",
    "/admin/users?page=2",
    "/organization/members/7",
    "/%2F%2Fevil.example",  # percent-encoded slashes stay in the path on this site
    "/%5Cevil.example",
    "/search?q=a/b#results",
]


@pytest.mark.parametrize("target", OFFSITE)
def test_offsite_targets_fall_back_to_the_default(target: str) -> None:
    assert safe_next(target) == "/"
    assert safe_next(target, default="/account") == "/account"


@pytest.mark.parametrize("target", LOCAL)
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


def test_missing_target_gives_the_default() -> None:
    assert safe_next(None, default="/home") == "/home"
