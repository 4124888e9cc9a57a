"""argon2id hashing and the password rules."""

from __future__ import annotations

import pytest

from incidents.security.passwords import (
    PasswordPolicyError,
    check_password_policy,
    make_hasher,
    verify_password,
)


def test_hashes_are_argon2id_with_configured_parameters() -> None:
    hasher = make_hasher(time_cost=2, memory_kib=128)
    stored = hasher.hash("a long enough passphrase")
    assert stored.startswith("$argon2id$")
    assert "m=128,t=2" in stored
    assert verify_password(hasher, stored, "a long enough passphrase")
    assert not verify_password(hasher, stored, "a long enough passphrasE")


def test_changed_parameters_ask_for_a_rehash() -> None:
    old = make_hasher(time_cost=2, memory_kib=128).hash("a long enough passphrase")
    new_hasher = make_hasher(time_cost=1, memory_kib=64)
    assert new_hasher.check_needs_rehash(old)
    assert verify_password(new_hasher, old, "a long enough passphrase")


@pytest.mark.parametrize("stored", ["", "plain-text", "$argon2id$v=19$m=64,t=1,p=4$broken"])
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not verify_password(make_hasher(1, 64), stored, "anything")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12"),
        ("x" * 257, "at most 256"),
        ("Person@Example.org", "e-mail"),
    ],
)
def test_policy_rejects_with_a_reason(password: str, message: str) -> None:
    with pytest.raises(PasswordPolicyError, match=message):
        check_password_policy(password, email="person@example.org")


def test_policy_accepts_a_passphrase() -> None:
    check_password_policy("correct horse battery staple", email="person@example.org")
