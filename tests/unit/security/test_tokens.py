"""API token secrets: prefix, entropy, digest and hint."""

from __future__ import annotations

import base64
import hashlib
import re

from incidents.security.tokens import (
    digests_match,
    looks_like_token,
    mint_token,
    token_digest,
    token_hint,
)

TOKEN_SHAPE = re.compile(r"^aix_[A-Za-z0-9_-]{43}$")


def test_minted_token_has_prefix_and_256_random_bits() -> None:
    minted = mint_token()
    assert TOKEN_SHAPE.match(minted.secret)
    raw = base64.urlsafe_b64decode(minted.secret.removeprefix("aix_") + "=")
    assert len(raw) * 8 >= 256


def test_tokens_are_unique() -> None:
    assert len({mint_token().secret for _ in range(200)}) == 200


def test_only_the_sha256_digest_and_a_hint_are_kept() -> None:
    minted = mint_token()
    assert minted.digest == hashlib.sha256(minted.secret.encode()).hexdigest()
    assert minted.secret not in (minted.digest, minted.hint)
    assert minted.hint == f"{minted.secret[:8]}…{minted.secret[-4:]}"
    assert token_hint("aix_abcdefghijklmnop") == "aix_abcd…mnop"
    assert token_digest(minted.secret) == minted.digest


def test_digests_match_only_the_right_secret() -> None:
    minted, other = mint_token(), mint_token()
    assert digests_match(minted.digest, minted.secret)
    assert not digests_match(minted.digest, other.secret)


def test_looks_like_token() -> None:
    assert looks_like_token(mint_token().secret)
    assert not looks_like_token("aix_short")
    assert not looks_like_token("xyz_" + "a" * 43)
    assert not looks_like_token("aix_" + "a" * 100)
