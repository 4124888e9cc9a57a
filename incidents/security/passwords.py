"""Password hashing with argon2id, and the password rules a person is told about."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class PasswordPolicyError(ValueError):
    """A proposed password breaks a rule; the message says which."""


def make_hasher(time_cost: int = 3, memory_kib: int = 65536) -> PasswordHasher:
    """An argon2id hasher; parameters come from configuration."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=4)


def check_password_policy(password: str, *, email: str = "") -> None:
    """Raise PasswordPolicyError when ``password`` is too short, too long or is the e-mail."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"Use at least {MIN_PASSWORD_LENGTH} characters; "
            "a passphrase of several words works well."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == email.strip().lower():
        raise PasswordPolicyError("The password must not be your e-mail address.")


def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a malformed hash never matches."""
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
