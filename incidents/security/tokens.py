"""API token secrets: 256 random bits behind a readable ``aix_`` prefix, stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_PREFIX = "aix_"  # noqa: S105 - the public prefix, not a secret


@dataclass(frozen=True)
class NewToken:
    """A freshly minted token: ``secret`` is shown once and never stored."""

    secret: str
    digest: str
    hint: str


def mint_token() -> NewToken:
    """A new token with 256 bits from the OS CSPRNG."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return NewToken(secret=secret, digest=token_digest(secret), hint=token_hint(secret))


def token_digest(secret: str) -> str:
    """The SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_hint(secret: str) -> str:
    """The prefix with the first and last 4 random characters: enough to recognise a token
    in a list, far too little to guess it."""
    body = secret.removeprefix(TOKEN_PREFIX)
    return f"{TOKEN_PREFIX}{body[:4]}…{body[-4:]}"


def looks_like_token(candidate: str) -> bool:
    """Whether ``candidate`` has the shape of one of our tokens (cheap pre-check)."""
    return candidate.startswith(TOKEN_PREFIX) and 40 <= len(candidate) <= 64


def digests_match(expected: str, candidate_secret: str) -> bool:
    """Constant-time comparison of a stored digest with a presented secret."""
    return hmac.compare_digest(expected, token_digest(candidate_secret))
